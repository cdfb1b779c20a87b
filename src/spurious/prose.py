"""The sentences of a claim's section, shared by ``index.html`` and ``report.md`` (plain text, no markup)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .text import human, human_number, instance_count
from .vocabulary import VerdictStatus

__all__ = ["verdict_sentence", "source_text", "control_text", "closest_text", "tally_text", "instances_text",
           "seeds_text", "corrected_text", "document_title", "DOCUMENT_TITLES"]

#: Short titles of the five source documents (docs/sources.md).
DOCUMENT_TITLES: dict[str, str] = {
    "000": "project report: 3-layer linear network",
    "001": "slides on Kawaguchi 2016",
    "002": "theory homework (MIPT)",
    "003": "Depth creates no more spurious local minima",
    "004": "lecture notes: Optimization 1",
    "SS18": "published: Safran & Shamir, ICML 2018 (arXiv 1712.08968)",
}

_DEFAULT_REASON = {
    VerdictStatus.HOLDS: "no instance violated the statement, and the negative control shows the check can fail",
    VerdictStatus.REFUTED: "a counterexample was found, saved and re-verified from disk by an independent route",
    VerdictStatus.INCONCLUSIVE: "our numerics could not decide it; this says nothing against the statement",
    VerdictStatus.ERROR: "the check itself failed; this says nothing about the mathematics",
    VerdictStatus.NOT_IMPLEMENTED: "no check exists yet; the claim is not counted as passing",
}


def document_title(doc: str, documents: Mapping[str, str] | None = None) -> str:
    """``"004 — lecture notes: Optimization 1"`` (the short title, falling back to the run's names)."""
    title = DOCUMENT_TITLES.get(str(doc)) or (documents or {}).get(str(doc), "")
    return f"{doc} — {title}" if title else str(doc)


def source_text(r: Mapping[str, Any], documents: Mapping[str, str] | None = None) -> str:
    return f"{document_title(r.get('document', ''), documents)}, {r.get('where', '')}".strip(", ")


def verdict_sentence(r: Mapping[str, Any]) -> str:
    """The verdict in one plain sentence: the check's own reason, else the discipline's meaning."""
    status = str(r.get("status"))
    reason = str(r.get("reason") or "").strip() or _DEFAULT_REASON.get(status, "")
    text = f"{status.capitalize()}: {reason.rstrip('.')}."
    if r.get("unexpected"):
        text += f" This is unexpected: the expected verdict is {r.get('expected')}."
    return text


def instances_text(r: Mapping[str, Any]) -> str:
    n = instance_count(r)
    return "not itemised by the check (see the key figure)" if n is None else str(n)


def tally_text(r: Mapping[str, Any]) -> str:
    t = r.get("tally")
    if not isinstance(t, Mapping) or not t.get("tried"):
        return ""
    text = f"{t.get('converged', 0)} of {t['tried']} instances settled"
    if t.get("unconverged"):
        text += f", {t['unconverged']} unsettled and excluded (never counted as violations)"
    if t.get("retried"):
        text += f", {t['retried']} needed a retry"
    return text


def closest_text(r: Mapping[str, Any]) -> str:
    c = r.get("closest_call")
    if not isinstance(c, Mapping) or c.get("measured") is None:
        return ""
    return (f"{c.get('quantity', 'quantity')} = {human(c.get('measured'))} against {human(c.get('threshold'))} "
            f"on {c.get('instance', '?')}: margin {human_number(c.get('margin', float('nan')))}×")


def control_text(r: Mapping[str, Any]) -> tuple[str, str | None]:
    """The negative control in words, and its verdict (None when no control was run)."""
    c = r.get("control")
    if not isinstance(c, Mapping):
        return "no negative control was run for this claim", None
    text = f"{c.get('instance', '')}. Violated: {c.get('violated', '')}. Result: {c.get('figure', '')}"
    return text, str(c.get("status"))


def corrected_text(r: Mapping[str, Any]) -> tuple[str, str, str] | None:
    c = r.get("corrected")
    if not isinstance(c, Mapping):
        return None
    return str(c.get("statement", "")), str(c.get("status", "")), str(c.get("figure", ""))


def seeds_text(r: Mapping[str, Any]) -> str:
    tally = r.get("seed_tally") or {}
    if not tally:
        return ""
    total = sum(tally.values())
    return ", ".join(f"{status} on {n}/{total}" for status, n in sorted(tally.items()))
