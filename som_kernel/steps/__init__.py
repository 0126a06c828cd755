"""SØM's calculation frame, one module per step that computes something (docs/method.md):

  effect.py        participants → cohorts, completion years, successes (success rate × persistence)
  consequences.py  consequence estimates in use (Δ use per success per consequence year) and their calendar years
  prices.py        unit prices per service and actor at the scenario's price level
  costs.py         the intervention's cost lines per year, cohort and actor
  discount.py      the discount factor

`som_kernel.engine.calculate` chains them into the one tidy table; the Monte Carlo model
(`som_kernel.uncertainty.model`) is built from the same functions.
"""
