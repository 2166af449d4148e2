"""Staleness and reproducibility of figures/ and notebooks/ (issue 7).

- Every committed figure equals a fresh rendering from ``seeds/`` (SVG bytes): a change to
  the analysis or the plots that is not followed by ``make figures`` fails here.
- ``figures/`` holds exactly the figures of :data:`analysis.plots.catalogue.FIGURES`.
- Every notebook is committed executed (counts 1…n), without errors, stderr or machine paths
  (nbval, run by ``make test``, then compares every cell's output with a fresh run).
- The notebook runner writes byte-stable files.
"""

from __future__ import annotations

import json
import struct
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis.config import FIGURES_DIR, PROJECT_ROOT, SEEDS_DIR
from analysis.plots import catalogue as figures

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
EXPECTED_NOTEBOOKS = ["01_corpus", "02_terms", "03_sentiment", "04_framing", "05_un_general_debate"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """All figures rendered from the seeds into a temporary directory."""
    from analysis.runner.pipeline import analyze

    out = tmp_path_factory.mktemp("figures")
    figures.write_figures(analyze(SEEDS_DIR, progress=False), out)
    return out


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# --------------------------------------------------------------------------- figures


@pytest.mark.parametrize("name", figures.FIGURES)
def test_committed_figure_is_up_to_date(rendered, name):
    committed = FIGURES_DIR / f"{name}.svg"
    assert committed.exists(), f"figures/{name}.svg is missing: run `make figures`"
    fresh = (rendered / f"{name}.svg").read_bytes()
    assert committed.read_bytes() == fresh, f"figures/{name}.svg is stale: run `make figures`"
    png = FIGURES_DIR / f"{name}.png"
    assert png.exists(), f"figures/{name}.png is missing: run `make figures`"
    fresh_png = (rendered / f"{name}.png").read_bytes()
    assert _png_size(png.read_bytes()) == _png_size(fresh_png)
    assert png.read_bytes() == fresh_png, f"figures/{name}.png is stale: run `make figures`"


def test_figures_dir_holds_exactly_the_figures():
    expected = {f"{n}.{ext}" for n in figures.FIGURES for ext in ("svg", "png")}
    present = {p.name for p in FIGURES_DIR.iterdir() if p.is_file() and p.name[0] != "."}
    assert present == expected
    # the UN General Debate project's figures (make figures) sit in figures/ungd/
    ungd = {p.name for p in (FIGURES_DIR / "ungd").iterdir() if p.name[0] != "."}
    assert ungd == expected


def test_rendering_twice_is_byte_identical(rendered, tmp_path):
    from analysis.runner.pipeline import analyze

    figures.write_figures(analyze(SEEDS_DIR, progress=False), tmp_path)
    for name in figures.FIGURES:
        for ext in ("svg", "png"):
            assert (tmp_path / f"{name}.{ext}").read_bytes() == (
                rendered / f"{name}.{ext}"
            ).read_bytes(), f"{name}.{ext} differs between two renderings"


def test_svg_has_no_date_and_keeps_text(rendered):
    svg = (rendered / "sentiment_by_origin.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "n=1" in svg  # the single-document origins are labelled, as text


# --------------------------------------------------------------------------- tables


def test_marker_rates_exact():
    markers = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "b", "c", "c"],
            "frame": ["p", "s"] * 3,
            "marker": ["friendship", "sovereignty"] * 3,
            "count": [2, 0, 1, 1, 0, 3],
        }
    )
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "origin": ["russian", "russian", "chinese"],
            "n_tokens": [1000, 500, 600],
        }
    )
    out = figures.marker_rates(markers, docs)
    assert list(out.columns) == ["origin", "frame", "marker", "count", "n_tokens", "n_docs", "rate"]
    assert out[["origin", "marker", "count", "n_tokens", "n_docs"]].values.tolist() == [
        ["chinese", "friendship", 0, 600, 1],
        ["chinese", "sovereignty", 3, 600, 1],
        ["russian", "friendship", 3, 1500, 2],
        ["russian", "sovereignty", 1, 1500, 2],
    ]
    np.testing.assert_allclose(out["rate"], [0.0, 5.0, 2.0, 1000 / 1500])
    with pytest.raises(ValueError, match=r"documents table is missing column\(s\) \['n_tokens'\]"):
        figures.marker_rates(markers, docs.drop(columns="n_tokens"))


# --------------------------------------------------------------------------- notebooks


def test_all_notebooks_present():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED_NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_executed_and_clean(path):
    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), (
        f"{path.name} is not fully executed: run `make figures`"
    )
    for c in code:
        for out in c.outputs:
            assert out.output_type != "error", f"{path.name}: a cell raised"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{path.name}: a cell wrote to stderr: {out.text[:200]!r}"
            )
        assert "execution" not in c.metadata
        assert "def " not in c.source, f"{path.name}: notebooks define no functions"
    assert str(PROJECT_ROOT) not in raw, f"{path.name} contains a machine path"
    assert sorted(nb.metadata) == ["kernelspec", "language_info"]
    # the one place the project comes from, and the one setup call every notebook shares
    assert "results = analysis.open_project(" in code[0].source


def test_runner_normalize_exact():
    from tools.run_notebooks import normalize

    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "x"}, "widgets": {}, "language_info": {"name": "py"}}
    md = nbformat.v4.new_markdown_cell("# t")
    c1 = nbformat.v4.new_code_cell("1")
    c1.execution_count = 7
    c1.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00Z"}
    c1.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=7)
    ]
    c2 = nbformat.v4.new_code_cell("2")
    for c in (md, c1, c2):
        c.pop("id", None)
    nb.cells = [md, c1, c2]
    normalize(nb)
    assert [c["id"] for c in nb.cells] == ["cell-0", "cell-1", "cell-2"]
    assert [c1.execution_count, c2.execution_count] == [1, 2]
    assert c1.outputs[0]["execution_count"] == 1
    assert c1.metadata == {}
    assert nb.metadata == {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "py"},
    }


def test_runner_is_byte_stable(tmp_path):
    from tools.run_notebooks import NotebookError, execute_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# tiny"),
        nbformat.v4.new_code_cell("import os\nx = 6 * 7\nx"),
        nbformat.v4.new_code_cell("print(os.path.basename(os.getcwd()))"),
    ]
    path = tmp_path / "work" / "tiny.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    assert execute_notebook(path, timeout=120) is True
    first = path.read_bytes()
    assert execute_notebook(path, timeout=120) is False
    assert path.read_bytes() == first
    data = json.loads(first)
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert code[0]["outputs"][0]["data"]["text/plain"] == ["42"]
    assert code[1]["outputs"][0]["text"] == ["work\n"]  # cwd = the notebook's directory
    assert data["metadata"]["language_info"]["version"].startswith(
        f"{sys.version_info.major}.{sys.version_info.minor}"
    )
    # a failing cell: error names the notebook, file left unchanged
    bad = nbformat.read(path, as_version=4)
    bad.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom')"))
    nbformat.write(bad, path)
    before = path.read_bytes()
    with pytest.raises(NotebookError, match=r"tiny\.ipynb: a cell failed"):
        execute_notebook(path, timeout=120)
    assert path.read_bytes() == before


def test_frame_tone_table_exact():
    ms = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "sent_id": [0, 1, 0],
            "frame": ["p", "p", "p"],
            "marker": ["friendship", "friendship", "friendship"],
            "compound": [0.5, 0.3, 0.1],
            "compound_masked": [0.2, 0.0, 0.1],
        }
    )
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "outlet": ["TASS", "Xinhua"],
            "origin": ["russian", "chinese"],
            "date": ["2024-05-14", "2025-05-08"],
        }
    )
    out = figures.frame_tone_table(ms, docs)
    assert out[["frame", "origin", "tone", "n_docs", "n_sentences"]].values.tolist() == [
        ["p", "chinese", "sentence", 1, 1],
        ["p", "russian", "sentence", 1, 2],
        ["p", "chinese", "marker masked", 1, 1],
        ["p", "russian", "marker masked", 1, 2],
    ]
    np.testing.assert_allclose(out["mean"], [0.1, 0.4, 0.1, 0.1])
    assert out["ci_low"].isna().all() and out["ci_high"].isna().all()  # one document each
