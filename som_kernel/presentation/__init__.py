"""What the decision paper and the example notebooks show, as content: tables (DataFrames), figures (dicts) and
Danish sentences, with no display and no files.

The two writers sit above this package and never import each other: `som_kernel.report` lays the content out as
a Word/HTML decision paper, `som_kernel.reporting` displays it in a notebook (HTML, charts, published key
figures).

- `text`: break-even sentences and other short Danish texts about a result or a comparison.
- `tables`: results per year and actor, per welfare area, the key table, the comparison table, the assumptions
  and the consequences table.
- `key_figures`: the example notebooks' key figures (what the runner collects) and shares per success/area.
- `published`: a result beside a published figure, with what the figure is to the calculation.
- `sensitivity`: the example notebooks' one-way sensitivity listing.
"""
