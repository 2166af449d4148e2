"""``framing audit``: write a KWIC sheet to check markers' precision, or score a filled one."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.cli.options import (
    CORPUS_HELP,
    add_corpus_options,
    corpus_options,
    count_type,
    input_paths,
)
from analysis.stats.audit import AuditError, audit_sheet, score_audit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_HITS", "add_parser", "read_sheet", "run"]

#: The largest ``n_hits`` a sheet may give (exact as a float: 2**53).
MAX_HITS = 2**53
_WHOLE = re.compile(r"[0-9]+(?:\.0*)?")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``audit`` subcommand to the ``framing`` parser."""
    p = subparsers.add_parser(
        "audit",
        help="KWIC sheet to check each marker's precision, or score a filled sheet",
        description="Write a KWIC sheet of up to N sampled hits per marker with an empty "
        "'relevant' column (framing audit CORPUS --out audit.csv), or, once the column is "
        "filled with 1/0, y/n, yes/no or true/false, report precision per marker and per frame "
        "(framing audit --score audit.csv).",
    )

    p.add_argument("corpus", type=Path, nargs="?", help=CORPUS_HELP)
    p.add_argument("--lexicon", type=Path, help="framing lexicon TOML (default: the shipped one)")
    add_corpus_options(p)
    p.add_argument(
        "--out",
        type=Path,
        help="where to write the sheet (or the precision table); never inside the corpus "
        "directory, nor the corpus, lexicon or scored sheet itself",
    )
    p.add_argument("--per-marker", type=int, default=20, help="hits sampled per marker (20)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    p.add_argument("--window", type=count_type, default=60, help="context characters per side (60)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --out sheet")
    p.add_argument("--score", type=Path, metavar="SHEET", help="score a filled audit sheet")
    p.set_defaults(func=run)
    return p


def _load_docs(corpus: Path, **options) -> pd.DataFrame:
    """The documents of ``corpus`` as a frame (options: those of ``read_corpus``)."""
    from analysis.read.corpus import documents_frame, read_corpus

    docs = read_corpus(corpus, **options)
    try:
        skipped = getattr(docs, "skipped", None)
        if skipped is not None and len(skipped):
            print(
                f"framing: skipped {len(skipped)} bad row(s) of {corpus} (--on-bad-row skip)",
                file=sys.stderr,
            )
        return documents_frame(list(docs))
    finally:
        if hasattr(docs, "close"):
            docs.close()


def read_sheet(path: Path) -> pd.DataFrame:
    """Read a filled audit sheet: every column as strings, ``n_hits`` (if any) as integers.

    Blank lines are skipped; a blank ``n_hits`` reads as 0; the ``'`` that ``framing audit``
    puts before a ``frame``, ``marker`` or ``doc_id`` cell starting like a formula is
    removed.

    Raises:
        AuditError: the file is not UTF-8, is empty or has no rows, is not valid CSV (an
            unclosed quote, a NUL byte), repeats a column, has a row with another number of
            fields than the header, or an ``n_hits`` value that is not a whole number from 0
            to :data:`MAX_HITS` (the message names the CSV line).
    """
    import csv
    import io

    import pandas as pd

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise AuditError(
            f"CSV line {line}: not valid UTF-8 (byte {e.start}); save the sheet as UTF-8 CSV"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[int] = []
    try:
        header = next((r for r in reader if r), None)
        body = []
        for row in reader:
            if row:
                body.append(row)
                lines.append(reader.line_num)
                if len(row) != len(header):
                    raise AuditError(
                        f"CSV line {reader.line_num}: {len(row)} fields, but the header has "
                        f"{len(header)}"
                    )
    except csv.Error as e:
        raise AuditError(f"CSV line {reader.line_num}: not valid CSV ({e})") from None
    if header is None:
        raise AuditError("is empty; give a sheet written by framing audit CORPUS --out FILE")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise AuditError(f"column(s) {', '.join(map(repr, twice))} appear more than once")
    if not body:
        raise AuditError("has no rows: no hits to score")
    sheet = pd.DataFrame(body, columns=header, dtype=object)
    for column in _NEUTRALISED:  # written with a leading ' by framing audit
        if column in sheet.columns:
            sheet[column] = [_unquote(v) for v in sheet[column]]
    if "n_hits" in sheet.columns:
        sheet["n_hits"] = pd.Series(
            [_hits(v, line) for v, line in zip(sheet["n_hits"], lines, strict=True)],
            dtype="int64",
        )
    return sheet


#: Columns whose cells are read back without the ``'`` that neutralised a formula.
_NEUTRALISED = ("frame", "marker", "doc_id")


def _unquote(value: str) -> str:
    """Undo :func:`analysis.write.tables.csv_safe_cell` (a ``'`` before ``=+-@``, tab, CR)."""
    from analysis.write.tables import FORMULA_PREFIXES

    return value[1:] if value[:1] == "'" and value[1:].startswith(FORMULA_PREFIXES) else value


def _hits(value: str, line: int) -> int:
    """One ``n_hits`` cell as an integer (blank: 0)."""
    v = value.strip()
    if not v:
        return 0
    n = int(v.partition(".")[0]) if _WHOLE.fullmatch(v) else -1
    if not 0 <= n <= MAX_HITS:
        raise AuditError(
            f"CSV line {line}: n_hits value {value!r} is not a whole number of hits from 0 to "
            f"{MAX_HITS}"
        )
    return n


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a sheet atomically, its formula-like cells neutralised (it is meant for a
    spreadsheet: see :func:`analysis.write.tables.csv_safe_cell`)."""
    import errno

    from analysis.write.outdir import OutputError
    from analysis.write.tables import write_csv

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(df, tmp, csv_safe=True)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise OutputError(
                f"no space left for {path} ({e.strerror}); free some space or choose another --out"
            ) from e
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fail(message: str) -> int:
    print(f"framing: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run ``framing audit`` (sheet or ``--score`` mode); returns the exit status."""
    import pandas as pd

    from analysis.write.outdir import OutputError, check_output_file

    if args.score is not None:
        if args.corpus is not None:
            return _fail("give either CORPUS (to write a sheet) or --score SHEET, not both")
        if not args.score.is_file():
            what = "is not a file" if args.score.exists() else "does not exist"
            return _fail(f"audit sheet {args.score} {what}")
        try:
            scores = score_audit(read_sheet(args.score))
        except AuditError as e:
            return _fail(f"{args.score}: {e}")
        if args.out is not None:
            try:  # the precision table may be overwritten, the judged sheet may not
                check_output_file(args.out, inputs={"audit sheet": args.score}, force=True)
            except OutputError as e:
                return _fail(str(e))
            _write_csv(scores, args.out)
        with pd.option_context("display.width", 200, "display.max_rows", None):
            print(scores.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        return 0

    from analysis.document.lexicon import load_lexicon
    from analysis.document.markers import find_markers

    if args.corpus is None:
        return _fail("give CORPUS (to write a sheet) or --score SHEET")
    if args.out is None:
        return _fail("give --out FILE for the audit sheet")

    try:
        check_output_file(args.out, inputs=input_paths(args), force=args.force)
    except OutputError as e:
        return _fail(str(e))
    if args.per_marker < 1:
        return _fail(f"--per-marker must be >= 1, got {args.per_marker}")
    lexicon = load_lexicon(args.lexicon)
    docs = _load_docs(args.corpus, **corpus_options(args))[["doc_id", "text"]]
    matches = find_markers(docs, lexicon)
    sheet = audit_sheet(
        matches, docs, per_marker=args.per_marker, seed=args.seed, window=args.window
    )
    _write_csv(sheet, args.out)
    unmatched = sorted(
        set(lexicon.markers) - set(zip(sheet["frame"], sheet["marker"], strict=True))
    )
    print(
        f"framing: wrote {len(sheet)} hits of {len(lexicon.markers) - len(unmatched)} markers "
        f"to {args.out}; {len(unmatched)} markers have no hits",
        file=sys.stderr,
    )
    return 0
