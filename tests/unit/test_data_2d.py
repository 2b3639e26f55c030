"""bp.data's 2-D classification sets: shapes, seeds, balance, exact curves without noise."""

import numpy as np
import pytest

import backproplab as bp

SETS = {
    "moons": bp.data.moons,
    "circles": bp.data.circles,
    "xor": bp.data.xor,
    "gaussians": bp.data.gaussians,
    "spiral": bp.data.spiral,
}


@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("n", [2, 7, 200])
def test_shapes_types_and_balanced_labels(name, n):
    if name == "spiral" and n == 2:
        n = 3
    data = SETS[name](n=n, seed=0)
    classes = 3 if name == "spiral" else 2
    assert isinstance(data, bp.Dataset) and len(data) == n
    assert data.x.shape == (n, 2) and data.x.dtype == np.float64
    assert data.y.shape == (n,) and data.y.dtype == np.int64
    counts = np.bincount(data.y, minlength=classes)
    assert counts.size == classes and counts.max() - counts.min() <= 1
    assert np.isfinite(data.x).all()


@pytest.mark.parametrize("name", sorted(SETS))
def test_seeds_reproduce_and_differ(name):
    a, b, c = SETS[name](seed=4), SETS[name](seed=4), SETS[name](seed=5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)
    gen = SETS[name](seed=np.random.default_rng(1))
    assert len(gen) == bp.experiment.PLANE_N


@pytest.mark.parametrize("name", sorted(SETS))
def test_split_keeps_rows_and_integer_labels(name):
    data = SETS[name](n=100, seed=0)
    train, val = data.split(val=0.2, seed=0)
    assert (len(train), len(val)) == (80, 20)
    assert train.x.shape == (80, 2) and val.y.dtype == np.int64
    rows = {tuple(r) + (c,) for r, c in zip(data.x, data.y, strict=True)}
    for part in (train, val):
        assert {tuple(r) + (c,) for r, c in zip(part.x, part.y, strict=True)} <= rows


def test_the_sets_use_the_experiments_defaults():
    ex = bp.experiment
    assert len(bp.data.moons()) == ex.PLANE_N
    np.testing.assert_array_equal(bp.data.moons().x, bp.data.moons(ex.PLANE_N, ex.MOONS_NOISE).x)
    np.testing.assert_array_equal(
        bp.data.spiral().x, bp.data.spiral(ex.PLANE_N, ex.SPIRAL_CLASSES, ex.SPIRAL_NOISE).x
    )
    assert np.bincount(bp.data.spiral().y).size == ex.SPIRAL_CLASSES


def test_without_noise_the_points_lie_on_their_curves():
    circles = bp.data.circles(n=101, noise=0.0, factor=0.3)
    r = np.hypot(*circles.x.T)
    np.testing.assert_allclose(r[circles.y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[circles.y == 1], 0.3, rtol=1e-12)
    moons = bp.data.moons(n=60, noise=0.0)
    upper, lower = moons.x[moons.y == 0], moons.x[moons.y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(*(lower - [1.0, 0.5]).T), 1.0, rtol=1e-12)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()
    xor = bp.data.xor(n=80, noise=0.0)
    prod = xor.x[:, 0] * xor.x[:, 1]
    np.testing.assert_array_equal(xor.y, (prod < 0).astype(int))
    assert np.abs(xor.x).min() >= 0.1 and np.abs(xor.x).max() <= 1.0
    gauss = bp.data.gaussians(n=10, noise=0.0)
    np.testing.assert_array_equal(gauss.x, np.where(gauss.y[:, None] == 0, -1.0, 1.0) * np.ones(2))
    spiral = bp.data.spiral(n=90, classes=3, noise=0.0)
    assert np.hypot(*spiral.x.T).max() == pytest.approx(1.0)


def test_noise_moves_points_off_their_curves_but_the_spiral_keeps_its_radii():
    calm, noisy = bp.data.circles(noise=0.0), bp.data.circles(noise=0.2)
    assert (
        np.std(np.hypot(*noisy.x.T)[noisy.y == 0]) > 0.1 > np.std(np.hypot(*calm.x.T)[calm.y == 0])
    )
    calm, noisy = bp.data.spiral(noise=0.0), bp.data.spiral(noise=0.5)
    np.testing.assert_allclose(np.sort(np.hypot(*noisy.x.T)), np.sort(np.hypot(*calm.x.T)))
    assert not np.allclose(np.sort(noisy.x[:, 0]), np.sort(calm.x[:, 0]))


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: bp.data.moons(n=1), ValueError, "n must be an integer >= 2"),
        (lambda: bp.data.spiral(n=4, classes=5), ValueError, "n must be an integer >= 5"),
        (lambda: bp.data.circles(n=10.0), TypeError, "n must be an integer"),
        (lambda: bp.data.xor(noise=-0.1), ValueError, "noise must be a finite number >= 0"),
        (lambda: bp.data.gaussians(noise="big"), TypeError, "noise must be a number"),
        (lambda: bp.data.circles(factor=1.0), ValueError, "factor must be below 1"),
        (lambda: bp.data.circles(factor=0), ValueError, "factor must be a finite number > 0"),
        (lambda: bp.data.spiral(classes=1), ValueError, "classes must be an integer >= 2"),
        (lambda: bp.data.spiral(classes=2.0), TypeError, "classes must be an integer"),
        (lambda: bp.data.moons(seed=-1), ValueError, "seed"),
        (lambda: bp.data.moons(seed="a"), TypeError, "seed"),
    ],
)
def test_bad_arguments_are_refused_naming_them(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_dataset_takes_rows_and_labels_and_refuses_a_mismatch():
    data = bp.Dataset([[0.0, 1.0], [2.0, 3.0]], [0, 1])
    assert data.x.shape == (2, 2) and data.y.dtype == np.int64
    x, y = data
    assert x is data.x and y is data.y
    multi = bp.Dataset(np.zeros((3, 2)), np.ones((3, 4)))
    assert multi.y.shape == (3, 4) and multi.y.dtype == np.float64
    with pytest.raises(ValueError, match="same length"):
        bp.Dataset(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        bp.Dataset([[0.0, np.nan]], [0])
    with pytest.raises(ValueError, match="y of integer labels must be 1-D"):
        bp.Dataset(np.zeros((2, 2)), np.zeros((2, 2), dtype=int))
    bump = bp.Dataset([0.1, 0.2], [1.0, 2.0])  # the 1-D bump's data, as before
    assert bump.x.shape == (2,) and bump.y.dtype == np.float64
