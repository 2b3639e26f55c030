"""The noisy bump data set."""

import numpy as np
import pytest

import backproplab as bp


def test_bump_is_zero_at_the_centre_and_near_a_half_at_the_edges():
    assert bp.bump(0.0) == 0.0
    assert bp.bump(1.0) == pytest.approx(1 / (1 + np.exp(-10)) - 0.5)
    assert bp.bump(-0.3) == bp.bump(0.3)


def test_the_default_data_is_the_experiments():
    """bump_data() is the experiment of bp.experiment, whatever numbers an adopter set there."""
    data = bp.bump_data()
    assert len(data) == bp.experiment.N
    assert np.all((-1 <= data.x) & (data.x <= 1))
    residual = data.y - bp.bump(data.x)
    assert residual.std() == pytest.approx(bp.NOISE, rel=0.3)
    assert bp.NOISE_FLOOR == pytest.approx(bp.NOISE**2)


def test_same_seed_same_data_and_unpacking_works():
    x1, y1 = bp.bump_data(seed=3)
    x2, y2 = bp.bump_data(seed=3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, bp.bump_data(seed=4).x)


def test_zero_noise_gives_the_true_function():
    data = bp.bump_data(n=20, noise=0)
    np.testing.assert_array_equal(data.y, bp.bump(data.x))


def test_split_holds_out_a_disjoint_validation_set():
    data = bp.bump_data(n=100)
    train, val = data.split(0.25, seed=1)
    assert (len(train), len(val)) == (75, 25)
    assert set(train.x).isdisjoint(val.x)
    assert sorted(np.concatenate([train.x, val.x])) == sorted(data.x)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(n=0), ValueError, "n must be an integer >= 1"),
        (dict(n=10.0), TypeError, "n must be an integer"),
        (dict(noise=-0.1), ValueError, "noise"),
        (dict(noise=float("nan")), ValueError, "noise"),
        (dict(seed="a"), TypeError, "seed"),
    ],
)
def test_bad_arguments_name_what_is_wrong(kwargs, error, words):
    with pytest.raises(error, match=words):
        bp.bump_data(**kwargs)


@pytest.mark.parametrize("val", [0.0, 1.0, 1.5, 0.001])
def test_split_rejects_fractions_that_leave_nothing(val):
    with pytest.raises(ValueError, match="val"):
        bp.bump_data(n=10).split(val)
