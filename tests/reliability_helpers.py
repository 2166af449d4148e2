"""Helpers of the reliability tests (issue 16): corpora and directory listings."""

from __future__ import annotations

import csv
from pathlib import Path

from analysis.cli import main
from analysis.config import SEEDS_DIR


def listing(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (``None`` for directories)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def analyze(*args: object) -> int:
    return main(["analyze", *map(str, args), "--no-progress"])


def copy_seeds(tmp_path: Path) -> Path:
    """A copy of the seeds in tmp/data/corpus."""
    root = tmp_path / "data" / "corpus"
    root.mkdir(parents=True)
    for p in SEEDS_DIR.iterdir():
        (root / p.name).write_bytes(p.read_bytes())
    return root


def a_run_output(path: Path) -> Path:
    """A small directory holding files named like a run's outputs."""
    path.mkdir(parents=True)
    (path / "documents.csv").write_text("doc_id\na\n")
    (path / "provenance.json").write_text('{"package": "framing"}\n')
    return path


def risky_table(path: Path, n: int) -> Path:
    """A CSV corpus whose ids, titles and first sentences start like spreadsheet formulas."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "text", "date", "outlet"])
        for i in range(n):
            text = f"=1+{i} is no formula.\n\n-2 is a win-win deal, says @TASS {i}."
            w.writerow(
                [f'=HYPERLINK("http://x.example/{i}")', f"+{i} title", text, "2024-05-16", "TASS"]
            )
    return path
