"""Claims of chapters 2-5 that a unit test holds better than a hidden cell.

Chapter 5 prints every number of its worked example with ``bp.graph.fmt``, and a student
checks them with a calculator: a number that is not whole must never print like a whole one
(1.00034 as "1"), and a rounded number shows the digits it keeps (0.70004 as "0.7000").
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backproplab as bp
from backproplab.graph import fmt

finite = st.floats(min_value=-1e300, max_value=1e300)  # rounding 1.5e308 up overflows


@given(finite, st.integers(min_value=1, max_value=8))
def test_a_number_that_is_not_whole_never_prints_like_a_whole_one(v, digits):
    text = fmt(v, digits)
    if not float(v).is_integer():
        assert not float(text).is_integer(), (v, text)


@given(finite, st.integers(min_value=1, max_value=8))
def test_fmt_keeps_at_least_the_digits_asked_for(v, digits):
    text = fmt(v, digits)
    # the printed number is v rounded to `digits` significant digits, or closer
    if v != 0:
        assert math.isclose(float(text), v, rel_tol=10.0 ** (1 - digits))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.00034478, "1.0003"),  # chapter 5's dL/dw2 of the second unit
        (0.7000361650355665, "0.7000"),  # chapter 5's loss: rounded, so four digits show
        (0.5, "0.5"),  # exact values print as they are
        (1.0, "1"),
        (-0.0, "0"),
        (0.99999, "0.99999"),
        (-0.82998304, "-0.8300"),
    ],
)
def test_fmt_examples(value, text):
    assert fmt(value) == text


def test_arrays_format_entry_by_entry():
    assert fmt(np.array([1.00034478, 0.5, -0.0])) == "[1.0003, 0.5, 0]"


def test_chapter_5s_worked_example_prints_no_non_integer_as_an_integer():
    net = bp.Network(hidden=3, activation="sigmoid", seed=bp.experiment.SEED)
    for x in (0.5, -0.8, -0.3):
        steps = bp.backprop_steps(net, x, float(bp.bump(x)))
        values = [s.value for s in steps.forward]
        for s in steps.backward:
            values += [s.upstream, s.local, s.downstream]
        for v in values:
            for entry in np.ravel(v):
                if not float(entry).is_integer():
                    assert not float(fmt(entry)).is_integer(), (x, entry, fmt(entry))


def test_the_saturation_numbers_chapter_4_quotes():
    """x in [0.125, 1] is about 44% of [-1, 1]; sigma'(12) is about 40,000 times below 1/4."""
    start = (5 - 4) / 8  # 8x + 4 = 5
    assert start == 0.125
    assert round(100 * (1 - start) / 2) == 44
    shrink = bp.sigmoid_prime(0.0) / bp.sigmoid_prime(12.0)
    assert 30_000 < shrink < 50_000
