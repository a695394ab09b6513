"""``python -m simulator`` is the same as ``diversim``."""

import sys

from .cli import main

sys.exit(main())
