"""The text ``framing inspect`` prints for an :class:`~analysis.read.inspect.Inspection`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.read.inspect import Inspection

__all__ = ["SHOWN_LINES", "inspection_text"]

#: Lines listed per section (formats, outlets, unknown outlets); the others are counted.
SHOWN_LINES = 20
#: Suggested registry entries printed (the first unknown outlets by rows).
SHOWN_SUGGESTIONS = 5


def inspection_text(ins: Inspection) -> str:
    """The report: summary, columns, samples, dates, outlets, problems and the verdict."""
    lines = [
        f"{ins.path}: {ins.kind} ({ins.format}), {ins.n_rows:,} "
        f"{'row' if ins.kind == 'table' else 'file'}(s), {ins.n_documents:,} document(s) "
        "analyze would read"
    ]
    for section in (_columns, _samples, _dates, _outlets, _unknown, _bad_rows):
        lines += section(ins)
    if ins.n_duplicates:
        lines.append(
            f"exact duplicates: {ins.n_duplicates:,} document(s) (kept; flagged in duplicate_of)"
        )
    if ins.runnable:
        skipped = f", skipping {ins.n_bad_rows:,} bad row(s)" if ins.n_bad_rows else ""
        lines.append(f"framing analyze would run{skipped}.")
        return "\n".join(lines)
    lines.append("framing analyze would stop:")
    lines += [f"  {line}" for p in ins.problems for line in p.splitlines()]
    if ins.n_bad_rows and ins.on_bad_row == "error":
        lines.append(
            f"  {ins.n_bad_rows:,} bad row(s) (above); --on-bad-row skip skips them and lists "
            "every one in skipped.csv"
        )
    return "\n".join(lines)


def _more(n: int, what: str) -> list[str]:
    return [f"  … and {n - SHOWN_LINES:,} more {what}"] if n > SHOWN_LINES else []


def _columns(ins: Inspection) -> list[str]:
    if not ins.columns:
        return []
    width = max(len(c.role) for c in ins.columns)
    lines = ["columns:"]
    for c in ins.columns:
        column = repr(c.column) if c.column is not None else "-"
        lines.append(f"  {c.role:<{width}}  {column}: {c.why}")
    return lines


def _samples(ins: Inspection) -> list[str]:
    lines = ["sample rows:"] if ins.samples else []
    for i, row in enumerate(ins.samples, start=1):
        lines.append(f"  row {i}: " + ", ".join(f"{c}={v!r}" for c, v in row))
    return lines


def _dates(ins: Inspection) -> list[str]:
    if ins.date_column is None:
        return []
    lines = [f"dates (column {ins.date_column!r}); day/month order: {ins.date_order}"]
    for f in ins.date_formats[:SHOWN_LINES]:
        tag = "" if f.readable else "not a date: "
        lines.append(f"  {f.count:>9,}  {f.label}  ({tag}e.g. row {f.example_row}: {f.example!r})")
    return lines + _more(len(ins.date_formats), "format(s)")


def _outlets(ins: Inspection) -> list[str]:
    if not ins.outlets:
        return []
    lines = ["outlets of the documents (origin, country, found by):"]
    for o in ins.outlets[:SHOWN_LINES]:
        country = o.country or "-"
        lines.append(
            f"  {o.n_documents:>9,}  {o.outlet}  ({o.origin}, {country}, {o.outlet_source})"
        )
    return lines + _more(len(ins.outlets), "outlet(s)")


def _unknown(ins: Inspection) -> list[str]:
    if not ins.unknown_outlets:
        return []
    n = sum(u.n_rows for u in ins.unknown_outlets)
    lines = [f"unknown outlets ({n:,} row(s), not in the registry, no origin):"]
    for u in ins.unknown_outlets[:SHOWN_LINES]:
        also = (
            f"; also written {', '.join(map(repr, u.spellings[1:5]))}"
            if len(u.spellings) > 1
            else ""
        )
        domain = f"; domain {u.domain}" if u.domain else ""
        lines.append(f"  {u.n_rows:>9,}  {u.name!r}{also}{domain}")
    lines += _more(len(ins.unknown_outlets), "unknown outlet(s)")
    lines.append("  entries to check and paste into a TOML file passed with --outlets FILE.toml:")
    for i, u in enumerate(ins.unknown_outlets[:SHOWN_SUGGESTIONS]):
        lines += [""] * (i > 0) + [f"    {line}" for line in u.suggestion.rstrip("\n").splitlines()]
    return lines


def _bad_rows(ins: Inspection) -> list[str]:
    if not ins.n_bad_rows:
        return []
    counts = ", ".join(f"{r} {n:,}" for r, n in ins.counts().items())
    lines = [f"bad rows: {ins.n_bad_rows:,} ({counts})"]
    for g in ins.bad_rows:
        columns = ", ".join(map(repr, g.columns)) or "(none)"
        lines.append(f"  {g.reason} in column {columns}: {g.n_rows:,} row(s)")
        lines += [f"    {line}" for line in g.first]
    return lines
