"""The report of `spurious check`: files written, a figure for every claim, the page in headless Chromium."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import pyarrow.parquet as pq
import pytest
from browser import CHROMIUM, probe
from hypothesis import given
from hypothesis import strategies as st

from spurious.report import PlotError, plot_specs, render_series, write_report

LINES = {"plot": "lines", "x": [0, 1, 2, 3], "y": {"loss": [4.0, 2.0, 1.0, 0.5], "bound": [5, 3, 2, 1]},
         "xlabel": "iteration", "ylabel": "Φ", "logy": True, "hlines": {"f*": 0.25}, "title": "GD"}
SCATTER = {"plot": "scatter", "x": [0, 1, 2], "y": [1.0, "nan", None], "xlabel": "index",
           "ylabel": "loss"}
BARS = {"plot": "bars", "x": ["ReLU", "sigmoid"], "y": {"rank-deficient": [0.4, 0.0]},
        "xlabel": "activation", "ylabel": "fraction"}
CONTOUR = {"plot": "contour", "x": [-1, 0, 1], "y": [-1, 0, 1],
           "z": [[2, 1, 2], [1, 0, 1], [2, 1, 2]], "xlabel": "α", "ylabel": "β",
           "zlabel": "Φ", "points": {"saddle": [0, 0]}}


def verdicts() -> list[dict]:
    base = {"document": "004", "where": "Thm 6.7", "statement": "GD reaches ε-stationarity",
            "figure": "max ratio 0.8", "tolerance": "1e-9 relative", "seconds": 0.1,
            "evidence": {"ratio": 0.8}, "instances": [{"d": 3, "ok": True}]}
    return [
        {**base, "id": "C-LINES", "expected": "holds", "status": "holds", "series": LINES},
        {**base, "id": "C-MULTI", "expected": "holds", "status": "holds",
         "series": {"plots": [SCATTER, BARS, CONTOUR, {"plot": "hist", "y": [1, 2, 2, 3]}]}},
        {**base, "id": "C-BARE", "expected": "refuted", "status": "refuted",
         "series": {"residual": [1e-3, 1e-6, 1e-9]}},
        {**base, "id": "C-BAD", "expected": "holds", "status": "inconclusive",
         "series": {"plot": "pie", "y": [1, 2]}},
        {**base, "id": "C-NONE", "expected": "holds", "status": "not implemented", "series": {}},
    ]


def data_pngs(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report(verdicts(), out, {"seed": 0, "quick": True, "documents": {"004": "lecture notes"}})
    return out


def test_report_folder_holds_the_four_files(report: Path) -> None:
    for name in ("index.html", "report.md", "results.json", "results.parquet"):
        assert (report / name).stat().st_size > 0
    table = pq.read_table(report / "results.parquet").to_pylist()
    assert [r["claim"] for r in table] == [v["id"] for v in verdicts()]  # one seed: one row per claim
    assert [r["unexpected"] for r in table] == [False, False, False, True, False]
    assert json.loads((report / "results.json").read_text())["verdicts"][0]["id"] == "C-LINES"


def test_html_is_self_contained_with_summary_first(report: Path) -> None:
    html = (report / "index.html").read_text()
    assert not re.search(r'(src|href)="(http|//|file:)', html), "external resource in the page"
    assert html.index("Verdict summary") < html.index('id="C-LINES"')
    assert "Unexpected verdicts (1): C-BAD" in html
    assert "its own series could not be drawn" in html  # the bad spec, reported not fatal


def test_every_embedded_figure_is_a_valid_png(report: Path) -> None:
    pngs = data_pngs((report / "index.html").read_text())
    assert len(pngs) == 4  # one per implemented claim (C-BAD falls back to its instances); none for C-NONE
    for png in pngs:
        image = mpimg.imread(io.BytesIO(png), format="png")
        assert image.shape[0] > 100 and image.shape[1] > 100


def test_markdown_links_the_figure_files(report: Path) -> None:
    md = (report / "report.md").read_text()
    assert "![C-LINES](figures/C-LINES-1.png)" in md
    assert (report / "figures" / "C-LINES-1.png").exists()
    assert "**Unexpected: C-BAD.**" in md


def test_series_convention() -> None:
    assert plot_specs({}) == []
    assert plot_specs(LINES) == [LINES]
    assert len(plot_specs({"plots": [LINES, BARS]})) == 2
    assert plot_specs({"a": [1, 2]})[0]["y"] == {"a": [1, 2]}
    with pytest.raises(PlotError):
        render_series({"plot": "lines", "x": [1, 2], "y": [1, 2, 3]})
    with pytest.raises(PlotError):
        render_series({"note": "text only"})


@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
                min_size=1, max_size=40), st.booleans())
def test_any_numbers_draw_without_crashing(values, logy) -> None:
    png = render_series({"plot": "lines", "y": {"v": values}, "logy": logy})
    assert png is not None and png.startswith(b"\x89PNG")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    """Chromium loads the page, decodes every image, and logs no console error."""
    result = probe(report / "index.html", 1280, tmp_path)
    assert result["loaded"], "page did not finish loading"
    images = [i for s in result["sections"] for i in s["images"]]
    assert len(images) == 4 and all(i["ok"] for i in images)
    assert not result["console_errors"], result["console_errors"]


def test_cli_check_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    done = subprocess.run([str(Path(sys.executable).with_name("spurious")), "check", "--only", "S-GRADIENT",
                           "--out", str(out), "--quick"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    for name in ("index.html", "report.md", "results.json", "results.parquet"):
        assert (out / name).exists()
    status = json.loads((out / "results.json").read_text())["verdicts"][0]["status"]
    unexpected = status not in ("refuted", "not implemented")
    assert done.returncode == (1 if unexpected else 0)
