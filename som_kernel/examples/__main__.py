"""python -m som_kernel.examples …"""

import sys

from .cli import main

sys.exit(main())
