"""A real `spurious check` run read as its users read it: Chromium at 390 and 1280 px, a pipe, a re-render,
a merge of a partial run, and the parquet table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from browser import CHROMIUM, probe

CLAIMS = ("S-GRADIENT", "S-CRIT-CLAIM", "L-NONCONVEX", "L-NO-BAD-MIN", "L-SMOOTH")


def spurious(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spurious.cli", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("run") / "report"
    done = spurious("check", "--quick", "--only", ",".join(CLAIMS), "--seeds", "0,1", "--n-jobs", "1",
                    "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    return out, done


def test_piped_output_is_a_plain_table_within_100_columns(run) -> None:
    _, done = run
    lines = done.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 100
    assert "━" not in done.stdout and "│" not in done.stdout  # rich's box drawing only on a terminal


def test_parquet_has_one_row_per_claim_and_seed(run) -> None:
    out, _ = run
    rows = pq.read_table(out / "results.parquet").to_pylist()
    assert sorted((r["claim"], r["seed"]) for r in rows) == sorted((c, s) for c in CLAIMS for s in (0, 1))
    assert sum(r["shown"] for r in rows) == len(CLAIMS)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_finds_a_figure_per_claim_no_repr_and_no_horizontal_scroll(run, tmp_path, width) -> None:
    out, _ = run
    result = probe(out / "index.html", width, tmp_path)
    assert result["loaded"] and not result["console_errors"], result["console_errors"]
    assert sorted(s["id"] for s in result["sections"]) == sorted(CLAIMS)
    for section in result["sections"]:
        assert section["images"], f"{section['id']} has no figure"
        for image in section["images"]:
            assert image["ok"] and 300 <= image["w"] <= 2400 and 150 <= image["h"] <= 2400, (section["id"], image)
            assert image["shown"] <= max(width, 600)  # on a phone a figure pans inside its own box
    assert result["forbidden"] == []
    assert result["innerWidth"] == width and result["scrollWidth"] <= width
    assert sorted(result["shown_without_holds"]) == ["S-CRIT-CLAIM", "S-GRADIENT"]  # the status filter works


def test_refuted_claims_show_their_counterexample_in_full(run) -> None:
    out, _ = run
    html = (out / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="S-CRIT-CLAIM"'):html.index('id="L-NONCONVEX"')]
    assert "Counterexample 1" in section and "<strong>A1</strong>" in section
    assert 'download="S-CRIT-CLAIM-s' in section and "spurious verify counterexamples/S-CRIT-CLAIM-s" in section
    assert section.count("<img") >= 2  # the claim's figure and the loss slice through the counterexample


def test_report_command_rerenders_without_rerunning(run, tmp_path) -> None:
    out, _ = run
    done = spurious("report", str(out / "results.json"), "--out", str(tmp_path / "again"))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "again" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{c}"' in html for c in CLAIMS) and "Counterexample 1" in html


def test_report_command_rejects_a_missing_file_in_one_line(tmp_path) -> None:
    done = spurious("report", str(tmp_path / "nope.json"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "RESULTS" in done.stderr


def test_only_run_merges_into_the_existing_results_by_claim(run, tmp_path) -> None:
    out, _ = run
    folder = tmp_path / "merged"
    subprocess.run(["cp", "-r", str(out), str(folder)], check=True)
    done = spurious("check", "--quick", "--only", "L-SMOOTH", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    payload = json.loads((folder / "results.json").read_text())
    ids = [v["id"] for v in payload["verdicts"]]
    assert sorted(ids) == sorted(CLAIMS)  # nothing dropped
    kept = {v["id"]: v for v in payload["verdicts"]}
    assert "run" not in kept["L-SMOOTH"] and kept["S-GRADIENT"]["run"]["seeds"] == [0, 1]
    assert "kept from the run of" in payload["merged"]
