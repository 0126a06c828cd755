"""The shell around the kernel: widget builders, Danish formatting and offline charts for the notebooks.

No formulas live here; every number comes from som_kernel's calculation.
"""
