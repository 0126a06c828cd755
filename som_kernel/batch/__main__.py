"""python -m som_kernel.batch …: see cli.py."""

import sys

from .cli import main

sys.exit(main())
