"""``python -m analysis`` is the ``framing`` command."""

import sys

from analysis.cli.main import main

sys.exit(main())
