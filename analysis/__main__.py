"""``python -m analysis`` is the ``framing`` command."""

from analysis.cli import run

run()
