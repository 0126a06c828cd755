"""Start-up cuts that must run before anything imports altair (imported first by som_kernel/__init__.py).

jsonschema, which altair uses to validate chart specs, imports `rfc3987_syntax` when it is installed (Jupyter's
server pulls it in) only to check the "iri" string format, and that module compiles a Lark grammar at import
time: 3 s per Voilà kernel on an idle 2-core machine and up to 16 s when 20 kernels start at once, more than the
rest of the app's start-up together. No chart spec or scenario uses that format, so the module is marked as
absent for this process (jsonschema then skips that one format check); a process that imported it already
keeps it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
