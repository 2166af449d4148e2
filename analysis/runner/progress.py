"""Progress of a run on stderr: one bar per stage, from the first second.

A run reads its corpus (for a table: a check of the fields of every CSV row, a pass over the
date column, then the rows), analyses every document, then computes the corpus-level tables
and writes them. :class:`RunProgress` shows a bar for each of these stages as it starts
(rows counted while a table is read, documents during the pass, the named step of the
tables), so a long run is never silent. Shown only when asked, or by default when stderr is a
terminal; nothing it shows is part of an output.
"""

from __future__ import annotations

import sys

__all__ = ["RunProgress", "progress_shown"]


def progress_shown(show: bool | None) -> bool:
    """Whether to show progress: ``show``, or by default whether stderr is a terminal."""
    return sys.stderr.isatty() if show is None else bool(show)


class RunProgress:
    """The bars of one run (a no-op when not shown).

    Args:
        show: ``True``/``False``, or ``None`` for "when stderr is a terminal".
    """

    def __init__(self, show: bool | None) -> None:
        self.shown = progress_shown(show)
        self._bar = None
        self._stage: str | None = None

    def _open(self, stage: str, unit: str, total: int | None = None):
        from tqdm import tqdm

        self.close()
        self._stage = stage
        self._bar = tqdm(total=total, desc=stage, unit=unit, file=sys.stderr, leave=True)
        return self._bar

    def rows(self, stage: str, n: int) -> None:
        """Count ``n`` more rows of the reading ``stage`` (a new stage opens its bar)."""
        if not self.shown:
            return
        bar = self._bar if stage == self._stage else self._open(stage, "row")
        bar.update(n)

    def step(self, group: str, name: str, *, total: int) -> None:
        """Start the step ``name`` of the ``total`` steps of ``group`` (e.g. "tables")."""
        if not self.shown:
            return
        if self._stage == group:  # the previous step is done
            self._bar.update(1)
        else:
            self._open(group, "step", total)
        self._bar.set_postfix_str(name)

    def close(self) -> None:
        """Close the current bar (completing a bar of steps)."""
        if self._bar is not None:
            if self._bar.unit == "step" and self._bar.total:
                self._bar.update(self._bar.total - self._bar.n)
            self._bar.close()
        self._bar, self._stage = None, None
