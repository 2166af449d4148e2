"""analysis.plots: colours, single-document honesty, exact geometry, byte-stable files."""

from __future__ import annotations

import re

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from analysis import plots
from analysis.plots import PlotError

NAN = float("nan")


def _hex(color) -> str:
    return mcolors.to_hex(color).upper()


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def _sentiment_by_origin() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin": ["third-party", "russian", "chinese"],
            "mean": [0.1, 0.2, 0.4],
            "ci_low": [NAN, 0.1, NAN],
            "ci_high": [NAN, 0.35, NAN],
            "n_docs": [1, 3, 1],
            "n_sentences": [12, 40, 10],
        }
    )


# --------------------------------------------------------------------------- colours


def test_fixed_origin_colours_are_okabe_ito():
    assert plots.origin_style("russian") == ("#D55E00", "o")
    assert plots.origin_style("chinese") == ("#0072B2", "s")
    assert plots.origin_style("third-party") == ("#009E73", "^")
    assert plots.origin_style("rest") == ("#7F7F7F", "o")


def test_extra_origin_colour_is_stable_and_not_a_default_colour():
    a = plots.origin_style("ukrainian")
    assert a == plots.origin_style("ukrainian")
    assert a[0] not in plots.ORIGIN_COLORS.values()
    assert a[0] in ("#E69F00", "#56B4E9", "#CC79A7", "#000000")


def test_order_origins_defaults_first_then_sorted():
    assert plots.order_origins(["zeta", "third-party", NAN, "russian", "alpha", "russian"]) == [
        "russian",
        "third-party",
        "alpha",
        "zeta",
    ]


# --------------------------------------------------------------------------- point_ci


def test_point_ci_draws_bar_only_where_interval_exists():
    fig = plots.point_ci(_sentiment_by_origin(), category="origin")
    ax = fig.axes[0]
    # rows top to bottom in fixed origin order
    rows = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True))
    assert rows == {2: "russian", 1: "chinese", 0: "third-party"}
    # exactly one error bar: russian, from 0.1 to 0.35 at y = 2
    bars = ax.containers
    assert len(bars) == 1
    segs = bars[0].lines[2][0].get_segments()
    assert len(segs) == 1
    np.testing.assert_allclose(segs[0], [[0.1, 2.0], [0.35, 2.0]])
    assert _hex(bars[0].lines[0].get_color()) == "#D55E00"
    # the two single-document origins: point without bar, labelled n=1 in their colour
    notes = [(t.get_text(), _hex(t.get_color())) for t in ax.texts]
    assert sorted(notes) == [("n=1", "#0072B2"), ("n=1", "#009E73")]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [plots.NO_INTERVAL_LABEL]


def test_point_ci_dodges_hues_and_styles():
    table = pd.DataFrame(
        {
            "frame": ["partnership", "partnership", "partnership", "partnership"],
            "origin": ["russian", "russian", "chinese", "chinese"],
            "tone": ["sentence", "marker masked", "sentence", "marker masked"],
            "mean": [0.5, 0.3, 0.6, 0.2],
            "ci_low": [0.4, 0.2, NAN, NAN],
            "ci_high": [0.6, 0.4, NAN, NAN],
            "n_docs": [3, 3, 1, 1],
        }
    )
    fig = plots.point_ci(
        table, category="frame", style_by="tone", style_order=["sentence", "marker masked"]
    )
    ax = fig.axes[0]
    # four slots (russian/sentence, russian/masked, chinese/sentence, chinese/masked), step
    # 0.7/4 = 0.175, top to bottom: +0.2625, +0.0875, -0.0875, -0.2625
    ys = sorted(
        float(line.get_ydata()[0])
        for line in ax.lines
        if line.get_marker() not in (None, "None", "", "|")
    )
    np.testing.assert_allclose(ys, [-0.2625, -0.0875, 0.0875, 0.2625])
    faces = {
        (_hex(line.get_color()), round(float(line.get_ydata()[0]), 6)): line.get_markerfacecolor()
        for line in ax.lines
        if line.get_marker() in ("o", "s")
    }
    assert faces[("#D55E00", 0.2625)] == "#D55E00"  # sentence: filled
    assert faces[("#D55E00", 0.0875)] == "white"  # masked: hollow
    # chinese has no interval: labelled once for its sentence/masked pair
    assert [(t.get_text(), round(t.xy[1], 6)) for t in ax.texts] == [("n=1", -0.0875)]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [
        "russian",
        "chinese",
        "tone: sentence",
        "tone: marker masked",
        plots.NO_INTERVAL_LABEL,
    ]


def test_point_ci_rejects_three_styles():
    table = pd.DataFrame(
        {
            "frame": ["a"] * 3,
            "origin": ["russian"] * 3,
            "tone": ["x", "y", "z"],
            "mean": [0.0] * 3,
            "ci_low": [NAN] * 3,
            "ci_high": [NAN] * 3,
            "n_docs": [1] * 3,
        }
    )
    with pytest.raises(PlotError, match=r"style_by column 'tone'"):
        plots.point_ci(table, category="frame", style_by="tone")


def test_missing_column_is_named():
    bad = _sentiment_by_origin().drop(columns=["ci_high"])
    with pytest.raises(PlotError, match=r"point_ci: table is missing column\(s\) \['ci_high'\]"):
        plots.point_ci(bad, category="origin")


def test_non_numeric_value_is_named():
    bad = _sentiment_by_origin().assign(mean=["0.1", "high", "0.4"])
    with pytest.raises(PlotError, match=r"column 'mean' must be numeric; got 'high' in row 1"):
        plots.point_ci(bad, category="origin")


def test_empty_table_gives_no_data_figure():
    empty = _sentiment_by_origin().iloc[0:0]
    fig = plots.point_ci(empty, category="origin", title="Tone")
    assert _texts(fig.axes[0]) == ["no data"]


# --------------------------------------------------------------------------- over_time


def _rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin": ["russian", "russian", "chinese", "third-party"],
            "period": ["2017", "2024", "2025", "2024"],
            "frame": ["partnership"] * 4,
            "rate": [1.0, 2.0, 3.0, 1.5],
            "ci_low": [NAN, 1.0, NAN, NAN],
            "ci_high": [NAN, 3.0, NAN, NAN],
            "n_docs": [1, 2, 1, 1],
        }
    )


def test_over_time_years_on_numeric_axis_with_dodge():
    fig = plots.over_time(_rates(), facet="frame")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "partnership"
    # guide lines (one per origin), x dodged by -0.1 / 0 / +0.1 in origin order
    guides = {
        _hex(line.get_color()): list(line.get_xdata())
        for line in ax.lines
        if line.get_linestyle() == "-"
    }
    np.testing.assert_allclose(guides["#D55E00"], [2016.9, 2023.9])
    np.testing.assert_allclose(guides["#0072B2"], [2025.0])
    np.testing.assert_allclose(guides["#009E73"], [2024.1])
    # one bar (russian 2024, n=2), three points labelled n=1
    assert len(ax.containers) == 1
    np.testing.assert_allclose(
        ax.containers[0].lines[2][0].get_segments()[0], [[2023.9, 1.0], [2023.9, 3.0]]
    )
    assert sorted(_texts(ax)) == ["n=1", "n=1", "n=1"]
    # 2017..2025 in two-year steps
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2017",
        "2019",
        "2021",
        "2023",
        "2025",
    ]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["russian", "chinese", "third-party", plots.NO_INTERVAL_LABEL]


def test_over_time_quarters_use_dates():
    t = _rates().assign(period=["2017Q4", "2024Q2", "2025Q2", "2024Q2"])
    fig = plots.over_time(t)
    assert fig.axes[0].get_xlabel() == "period"


def test_over_time_bad_period_label():
    t = _rates().assign(period=["soon", "2024", "2025", "2024"])
    with pytest.raises(PlotError, match=r"cannot read period labels such as 'soon'"):
        plots.over_time(t)


# --------------------------------------------------------------------------- corpus


def _docs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "origin": ["russian", "russian", "chinese", "russian", "third-party"],
            "date": ["2024-05-14", "2024-05-20", "2025-05-08", "2017-11-01", "2024-05-16"],
            "n_tokens": [800, 400, 600, 500, 700],
        }
    )


def test_timeline_stacks_same_month_documents():
    fig = plots.timeline(_docs())
    ax = fig.axes[0]
    ys = {_hex(line.get_color()): list(line.get_ydata()) for line in ax.lines}
    # rows bottom to top: third-party 0, chinese 1, russian 2; the two May-2024 russian
    # documents are stacked (2017 at 2.0, then 2.0 and 2.18)
    np.testing.assert_allclose(ys["#D55E00"], [2.0, 2.0, 2.18])
    np.testing.assert_allclose(ys["#0072B2"], [1.0])
    np.testing.assert_allclose(ys["#009E73"], [0.0])
    assert ax.get_title(loc="left") == "Documents by origin over time (n = 5)"


def test_timeline_bad_date_names_document():
    with pytest.raises(PlotError, match=r"timeline: document 'c' has no valid date"):
        plots.timeline(_docs().assign(date=["2024-05-14", "2024-05-20", "May", "2017-11-01", "x"]))


def test_corpus_overview_counts():
    fig = plots.corpus_overview(_docs())
    ax1, ax2 = fig.axes
    # stacked bars per year 2017..2025 (russian, chinese, third-party)
    heights = [round(p.get_height()) for p in ax1.patches]
    assert len(heights) == 27
    assert heights[:9] == [1, 0, 0, 0, 0, 0, 0, 2, 0]  # russian
    assert heights[9:18] == [0, 0, 0, 0, 0, 0, 0, 0, 1]  # chinese
    assert heights[18:] == [0, 0, 0, 0, 0, 0, 0, 1, 0]  # third-party
    assert _texts(ax2) == ["1,700 (3 docs)", "600 (1 doc)", "700 (1 doc)"]


# --------------------------------------------------------------------------- terms


def test_top_terms_panels_and_bars():
    top = pd.DataFrame(
        {
            "group": ["russian", "russian", "russian", "chinese"],
            "rank": [1, 2, 3, 1],
            "term": ["putin", "china", "visit", "xi"],
            "count": [10, 8, 5, 7],
            "rate": [10.0, 8.0, 5.0, 7.0],
        }
    )
    fig = plots.top_terms(top, n=2, n_docs={"russian": 3, "chinese": 1})
    ru, zh = fig.axes
    assert ru.get_title(loc="left") == "russian (3 docs)"
    assert zh.get_title(loc="left") == "chinese (1 doc)"
    labels = [t.get_text() for t in ru.get_yticklabels()]
    assert dict(zip(ru.get_yticks(), labels, strict=True)) == {1: "putin", 0: "china"}
    assert [p.get_width() for p in ru.patches] == [10.0, 8.0]
    assert _hex(ru.patches[0].get_facecolor()) == "#D55E00"


def test_keyness_scatter_labels_extremes():
    kn = pd.DataFrame(
        {
            "comparison": ["chinese vs rest"] * 5,
            "group": ["chinese"] * 5,
            "reference": ["rest"] * 5,
            "term": ["a", "b", "c", "d", "e"],
            "rate_group": [4.0, 2.0, 1.0, 0.0, 1.0],
            "rate_reference": [0.0, 2.0, 1.0, 3.0, 1.0],
            "z": [3.0, 0.5, 0.5, -2.5, -0.1],
        }
    )
    fig = plots.keyness_scatter(kn, n_labels=2)
    ax = fig.axes[0]
    # top two by z (ties by term): a, b in chinese blue; bottom two: d, e in the rest grey
    labels = [(t.get_text(), _hex(t.get_color())) for t in ax.texts]
    assert labels == [("a", "#0072B2"), ("b", "#0072B2"), ("d", "#7F7F7F"), ("e", "#7F7F7F")]
    assert ax.texts[0].xy == (2.0, 3.0)  # x = mean of the two rates
    with pytest.raises(PlotError, match=r"no rows for comparison\(s\) \['x vs y'\]"):
        plots.keyness_scatter(kn, comparisons=["x vs y"])


def test_heatmap_values_and_missing_cells():
    t = pd.DataFrame(
        {
            "frame": ["p", "p", "s"],
            "marker": ["friendship", "friendship", "sovereignty"],
            "origin": ["chinese", "russian", "russian"],
            "rate": [2.5, 1.0, 0.25],
        }
    )
    fig = plots.heatmap(t)
    ax = fig.axes[0]
    data = ax.images[0].get_array()
    np.testing.assert_array_equal(data.filled(-1), [[1.0, 2.5], [0.25, -1]])
    assert _texts(ax)[:4] == ["1.00", "2.50", "0.25", "–"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["russian", "chinese"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["p: friendship", "s: sovereignty"]
    with pytest.raises(PlotError, match=r"several rows for marker 'p: friendship' × origin"):
        plots.heatmap(pd.concat([t, t.iloc[:1]]))


# --------------------------------------------------------------------------- files


def test_save_figure_is_byte_stable(tmp_path):
    a = plots.save_figure(
        plots.point_ci(_sentiment_by_origin(), category="origin"), tmp_path / "a", "x"
    )
    b = plots.save_figure(
        plots.point_ci(_sentiment_by_origin(), category="origin"), tmp_path / "b", "x"
    )
    assert [p.name for p in a] == ["x.svg", "x.png"]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()
    svg = a[0].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert re.search(r"<text[^>]*>n=1</text>", svg)  # text kept as text
    png = a[1].read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png


def test_save_figure_rejects_bad_names(tmp_path):
    fig = plots.point_ci(_sentiment_by_origin(), category="origin")
    with pytest.raises(PlotError, match=r"bad figure name '../x'"):
        plots.save_figure(fig, tmp_path, "../x")


def test_keyness_scatter_selects_comparison_kind():
    kn = pd.DataFrame(
        {
            "comparison": ["russian vs rest", "chinese vs rest", "chinese vs russian"],
            "group": ["russian", "chinese", "chinese"],
            "reference": ["rest", "rest", "russian"],
            "term": ["a", "a", "a"],
            "rate_group": [1.0, 1.0, 1.0],
            "rate_reference": [1.0, 1.0, 1.0],
            "z": [1.0, -1.0, 0.5],
        }
    )

    def titles(fig):
        return [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]

    assert titles(plots.keyness_scatter(kn, comparisons="one-vs-rest")) == [
        "chinese vs rest",
        "russian vs rest",
    ]
    assert titles(plots.keyness_scatter(kn, comparisons="pairwise")) == ["chinese vs russian"]
    assert len(titles(plots.keyness_scatter(kn))) == 3
    with pytest.raises(PlotError, match=r"comparisons must be 'all'"):
        plots.keyness_scatter(kn, comparisons="both")


def test_heatmap_drop_empty_rows_and_zero_cells():
    t = pd.DataFrame(
        {
            "frame": ["p", "p", "s", "s"],
            "marker": ["friendship", "friendship", "sovereignty", "sovereignty"],
            "origin": ["russian", "chinese", "russian", "chinese"],
            "rate": [0.0, 1.5, 0.0, 0.0],
        }
    )
    full = plots.heatmap(t).axes[0]
    assert [x.get_text() for x in full.get_yticklabels()] == ["p: friendship", "s: sovereignty"]
    assert _texts(full) == ["0", "1.50", "0", "0"]
    kept = plots.heatmap(t, drop_empty=True).axes[0]
    assert [x.get_text() for x in kept.get_yticklabels()] == ["p: friendship"]
    assert _texts(kept) == ["0", "1.50"]
