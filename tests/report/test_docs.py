"""docs/: CLAIMS.md is generated from the registry and up to date; the sources are in the repository."""

from __future__ import annotations

from pathlib import Path

from spurious.claims import CATALOGUE, CONTROLS, load_all_checks
from spurious.report.catalogue import SOURCE_FILES, claims_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_claims_md_is_up_to_date() -> None:
    """Regenerate with `spurious check --list --markdown > docs/CLAIMS.md` when this fails."""
    assert (DOCS / "CLAIMS.md").read_text(encoding="utf-8") == claims_markdown()


def test_claims_md_has_a_row_and_a_section_per_claim_with_its_control() -> None:
    load_all_checks()
    text = claims_markdown()
    for e in CATALOGUE:
        row = next(line for line in text.splitlines() if line.startswith(f"| [{e.id}]("))
        assert CONTROLS.get(e.id, "none defined yet").replace("|", "\\|") in row
        assert f"\n## {e.id}\n" in text
    assert text.count("- **negative control**:") == len(CATALOGUE)


def test_the_five_sources_are_in_docs() -> None:
    listing = (DOCS / "sources.md").read_text(encoding="utf-8")
    for number, name in SOURCE_FILES.items():
        assert (DOCS / "sources" / name).stat().st_size > 1000
        assert f"| {number} |" in listing and f"(sources/{name})" in listing
