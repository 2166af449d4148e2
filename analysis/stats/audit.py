"""Lexicon audit: a KWIC sample of each marker's hits to judge, and precision from the judgements.

Workflow::

    framing audit CORPUS --lexicon L --out audit.csv     # sample up to N hits per marker
    # ... fill the `relevant` column (1/0, y/n, yes/no, true/false; blank = not judged) ...
    framing audit --score audit.csv                      # precision per marker and per frame

The sample is deterministic and stable: each hit gets a rank from a SHA-256 hash of
``seed``, its frame, marker, document and offsets, and the ``per_marker`` lowest ranks are
kept. The same corpus, lexicon and seed always give the same sheet, on any machine, and adding
documents never swaps out a hit that is still among the lowest ranks.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
from analysis.schema import AUDIT_COLUMNS, SCORE_COLUMNS

__all__ = [
    "AUDIT_COLUMNS",
    "SCORE_COLUMNS",
    "AuditError",
    "audit_sheet",
    "parse_relevant",
    "score_audit",
]


_TRUE = {"1", "y", "yes", "true", "t"}
_FALSE = {"0", "n", "no", "false", "f"}
_Z95 = 1.959963984540054


class AuditError(ValueError):
    """An audit sheet cannot be scored (missing columns, unreadable ``relevant`` values)."""


def _rank(seed: int, frame: str, marker: str, doc_id: str, start: int, end: int) -> str:
    key = f"{seed}\x1f{frame}\x1f{marker}\x1f{doc_id}\x1f{start}\x1f{end}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _sample(matches: pd.DataFrame, *, per_marker: int, seed: int) -> pd.DataFrame:
    """The ``per_marker`` lowest-ranked hits of each marker, with ``n_hits``.

    Sorted by frame, marker, doc_id, start, end, on a fresh index.
    """
    m = matches.reset_index(drop=True)
    ranks = [
        _rank(seed, f, mk, d, int(s), int(e))
        for f, mk, d, s, e in zip(
            m["frame"], m["marker"], m["doc_id"], m["start"], m["end"], strict=True
        )
    ]
    m = m.assign(_rank=ranks, n_hits=m.groupby(["frame", "marker"])["doc_id"].transform("size"))
    m = m.sort_values(["frame", "marker", "_rank"], kind="stable")
    m = m.groupby(["frame", "marker"], sort=False).head(per_marker)
    m = m.sort_values(["frame", "marker", "doc_id", "start", "end"], kind="stable")
    return m.reset_index(drop=True)


def _sheet_table(m: pd.DataFrame, k: pd.DataFrame) -> pd.DataFrame:
    """The sheet's columns (:data:`AUDIT_COLUMNS`) from the sampled hits and their KWIC."""
    import pandas as pd

    sheet = pd.DataFrame(
        {
            "frame": m["frame"],
            "marker": m["marker"],
            "n_hits": m["n_hits"].astype("int64"),
            "doc_id": m["doc_id"],
            "sent_id": m["sent_id"].astype("int64"),
            "start": m["start"].astype("int64"),
            "end": m["end"].astype("int64"),
            "left": k["left"],
            "match": k["match"],
            "right": k["right"],
            "relevant": "",
        }
    )
    return sheet[list(AUDIT_COLUMNS)]


def audit_sheet(
    matches: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    per_marker: int = 20,
    seed: int = 0,
    window: int = 60,
) -> pd.DataFrame:
    """A KWIC sheet of up to ``per_marker`` hits of each marker, to judge by hand.

    Args:
        matches: A frame matches table (:func:`analysis.document.markers.find_markers`).
        docs: Columns ``doc_id`` and ``text`` (the cleaned texts).
        per_marker: Maximum number of hits sampled per (frame, marker).
        seed: Sampling seed (hash-based, see the module docstring).
        window: Characters of context on each side.

    Returns:
        Columns ``frame``, ``marker``, ``n_hits`` (all hits of the marker in the corpus, so
        frame precision can be weighted), ``doc_id``, ``sent_id``, ``start``, ``end``,
        ``left``, ``match``, ``right`` (KWIC, whitespace collapsed) and ``relevant`` (empty,
        for the researcher). Sorted by frame, marker, doc_id, start. Markers without hits
        have no rows.
    """
    import pandas as pd

    if per_marker < 1:
        raise ValueError(f"audit_sheet: per_marker must be >= 1, got {per_marker}")
    if matches.empty:
        return pd.DataFrame(columns=list(AUDIT_COLUMNS))
    m = _sample(matches, per_marker=per_marker, seed=seed)
    from analysis.document.markers import kwic  # spaCy is imported only when a sheet is made

    return _sheet_table(m, kwic(m, docs, window=window))


def parse_relevant(value: object) -> bool | None:
    """Read one ``relevant`` cell: ``True``/``False``, or ``None`` when blank.

    Accepts 1/0, y/n, yes/no, true/false (any case, surrounding spaces ignored), booleans and
    the numbers 1 and 0.

    Raises:
        ValueError: any other value.
    """
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r}")
    s = str(value).strip().lower()
    if s in ("", "nan"):
        return None
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"{value!r}")


def _wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    z2 = _Z95 * _Z95
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _judgements(sheet: pd.DataFrame) -> list[bool | None]:
    """The parsed ``relevant`` cell of each row; :class:`AuditError` names a bad one."""
    judged: list[bool | None] = []
    for pos, (value, row) in enumerate(
        zip(sheet["relevant"], sheet.itertuples(index=False), strict=True)
    ):
        try:
            judged.append(parse_relevant(value))
        except ValueError:
            where = f"doc_id={getattr(row, 'doc_id', '?')!s}, frame={row.frame}, "
            where += f"marker={row.marker}"
            raise AuditError(
                f"audit sheet row {pos + 1} (CSV line {pos + 2}; {where}): relevant value "
                f"{value!r} is not understood; use 1/0, y/n, yes/no, true/false, or leave it "
                "blank for not judged"
            ) from None
    return judged


def _marker_tallies(sheet: pd.DataFrame, judged: list[bool | None]) -> dict[tuple, list]:
    """``(frame, marker)`` → ``[rows, judged, relevant, *n_hits of each row]``."""
    has_hits = "n_hits" in sheet.columns
    markers: dict[tuple[str, str], list] = {}
    for i, (f, mk) in enumerate(zip(sheet["frame"], sheet["marker"], strict=True)):
        entry = markers.setdefault((str(f), str(mk)), [0, 0, 0])  # rows, judged, relevant
        entry[0] += 1
        if judged[i] is not None:
            entry[1] += 1
            entry[2] += int(judged[i])
        if has_hits:
            entry.append(int(sheet["n_hits"].iloc[i]))
    return markers


def _marker_rows(markers: dict[tuple, list]) -> tuple[list[tuple], dict[str, list]]:
    """Score rows of the markers (sorted) and, per frame, the sums its row is made of."""
    rows = []
    frames: dict[str, list] = {}
    for (f, mk), (n_rows, n_j, n_r, *hits) in sorted(markers.items()):
        n_hits = max([n_rows, *hits])
        prec = n_r / n_j if n_j else math.nan
        rows.append(("marker", f, mk, n_hits, n_j, n_r, prec, *_wilson(n_r, n_j)))
        fr = frames.setdefault(f, [0, 0, 0, 0.0, 0])  # hits, judged, relevant, Σw·p, Σw
        fr[0] += n_hits
        fr[1] += n_j
        fr[2] += n_r
        if n_j:
            fr[3] += n_hits * prec
            fr[4] += n_hits
    return rows, frames


def _frame_rows(frames: dict[str, list]) -> list[tuple]:
    """Score rows of the frames (sorted): hit-weighted precision, no interval."""
    rows = []
    for f, (n_hits, n_j, n_r, wp, w) in sorted(frames.items()):
        prec = wp / w if w else math.nan
        rows.append(("frame", f, "", n_hits, n_j, n_r, prec, math.nan, math.nan))
    return rows


def score_audit(sheet: pd.DataFrame) -> pd.DataFrame:
    """Precision per marker and per frame from a filled audit sheet.

    Args:
        sheet: An audit sheet (:func:`audit_sheet`) whose ``relevant`` column has been
            filled with 1/0, y/n, yes/no or true/false; blank cells are not judged.

    Returns:
        Columns ``level`` (``marker`` or ``frame``), ``frame``, ``marker`` (empty on frame
        rows), ``n_hits`` (hits in the corpus, from the sheet's ``n_hits``; the number of
        sheet rows if that column is missing), ``n_judged``, ``n_relevant``, ``precision``,
        ``ci_low``, ``ci_high``. Marker precision is ``n_relevant / n_judged`` with a 95%
        Wilson interval. Frame precision weights each judged marker's precision by its
        ``n_hits`` (an estimate of the share of the frame's hits that are relevant; a plain
        pooled share would over-weight rare markers, which are sampled more completely); its
        interval is left empty (NaN). Precision and interval are NaN when nothing is judged.
        Marker rows first, each level sorted by frame, marker.

    Raises:
        AuditError: a required column is missing, or a ``relevant`` value is not
            understood (the message names the row, its CSV line, doc_id and marker).
    """
    import pandas as pd

    missing = [c for c in ("frame", "marker", "relevant") if c not in sheet.columns]
    if missing:
        raise AuditError(f"audit sheet lacks column(s): {', '.join(missing)}")
    markers = _marker_tallies(sheet, _judgements(sheet))
    rows, frames = _marker_rows(markers)
    rows += _frame_rows(frames)
    df = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    for c in ("n_hits", "n_judged", "n_relevant"):
        df[c] = df[c].astype("int64")
    for c in ("precision", "ci_low", "ci_high"):
        df[c] = df[c].astype("float64")
    return df


# --------------------------------------------------------------------------- CLI
