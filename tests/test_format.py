"""Danish number formats used everywhere in the UI."""

import pandas as pd

from som_kernel.format import kr, mio_kr, number, pct, table


def test_number_uses_dot_thousands_and_decimal_comma():
    assert number(1234567.891) == "1.234.568"
    assert number(1234567.891, 2) == "1.234.567,89"
    assert number(-5300) == "−5.300"  # a real minus sign
    assert number(-0.2) == "0"  # no "−0"
    assert number(float("nan")) == "–"


def test_units():
    assert kr(-5300) == "−5.300 kr."
    assert mio_kr(84_000_000) == "84,0 mio. kr."
    assert pct(0.125) == "12,5 %"
    assert pct(0.13, 0) == "13 %"


def test_table_formats_and_names_actors_in_danish():
    frame = pd.DataFrame({"kommune": [1500.0], "total": [-2500000.0]}, index=[2026])
    out = table(frame)
    assert list(out.columns) == ["Kommune", "I alt"]
    assert out.loc[2026, "I alt"] == "−2.500.000"


def test_problems_html_escapes_and_counts_the_rest():
    from som_kernel.errors import Problem
    from som_kernel.format import problems_html

    problems = [Problem(f"prices.csv:række {i}", "Ukendt ydelse '<x>'.") for i in range(2, 7)]  # 5 problems
    out = problems_html(problems, limit=3)
    assert out.count("<li>") == 4  # 3 shown + "… og 2 mere"
    assert "prices.csv:række 2: Ukendt ydelse &#x27;&lt;x&gt;&#x27;." in out
    assert "… og 2 mere" in out
