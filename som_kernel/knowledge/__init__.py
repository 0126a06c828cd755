"""Commands about the knowledge base, above the engine: `python -m som_kernel.knowledge check | status | diff |
estimate | export-xlsx | import-xlsx` (__main__.py), what a new version moves (diff.py) and how much of a result rests on
public numbers (status.py). The knowledge base itself (reading, checking, rules, local layers, estimates) is
som_kernel.kb; its names are handed on here for code that imports them from som_kernel.knowledge."""

from ..kb import *  # noqa: F403
from ..kb import __all__  # noqa: F401
