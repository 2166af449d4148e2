"""``python -m analysis`` is the ``framing`` command."""

import sys

from analysis.cli import main

sys.exit(main())
