"""The 8x8 digits shipped inside the package."""

import hashlib
from importlib import resources

import numpy as np
import pytest

import backproplab as bp
from backproplab import digits as digits_module


def test_the_shipped_file_is_small_and_its_checksum_is_fixed():
    raw = resources.files("backproplab").joinpath("digits.csv.gz").read_bytes()
    assert len(raw) < 100_000
    assert hashlib.sha256(raw).hexdigest() == (
        "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
    )


def test_the_digits_load_offline_with_their_shapes_and_ranges(monkeypatch):
    # No network: any socket the loader opened would fail here.
    import socket

    monkeypatch.setattr(socket, "socket", None)
    d = bp.data.digits()
    assert d.images.shape == (1797, 8, 8) and d.images.dtype == np.float64
    assert d.x.shape == (1797, 64) and d.y.shape == (1797,)
    assert d.images.min() == 0.0 and d.images.max() == 1.0
    # 16 grey levels plus zero, scaled to [0, 1]
    np.testing.assert_array_equal(np.unique(d.images * 16), np.arange(17))
    assert np.issubdtype(d.y.dtype, np.integer)
    np.testing.assert_array_equal(np.unique(d.y), np.arange(10))
    # the file's first row is a 0: its centre column is empty
    assert d.y[0] == 0 and d.images[0, 3:6, 3:5].max() <= 0.1 and d.images[0].sum() > 0


def test_x_is_the_images_row_by_row():
    d = bp.data.digits()
    np.testing.assert_array_equal(d.x[5], d.images[5].ravel())


def test_the_split_is_1437_360_disjoint_and_complete():
    d = bp.data.digits()
    assert d.train_index.size == 1437 and d.test_index.size == 360
    assert np.intersect1d(d.train_index, d.test_index).size == 0
    np.testing.assert_array_equal(np.union1d(d.train_index, d.test_index), np.arange(1797))


def test_the_split_is_stratified():
    d = bp.data.digits()
    whole = np.bincount(d.y) / d.y.size
    test = np.bincount(d.y[d.test_index], minlength=10)
    # every class is held out in proportion to its size, to within one image
    assert np.all(np.abs(test - whole * 360) < 1)


def test_the_split_is_reproducible_and_the_seed_changes_it():
    a, b = bp.data.digits(), bp.data.digits(seed=0)
    np.testing.assert_array_equal(a.test_index, b.test_index)
    c = bp.data.digits(seed=1)
    assert not np.array_equal(a.test_index, c.test_index)
    assert np.array_equal(np.bincount(a.y[a.test_index]), np.bincount(c.y[c.test_index]))


def test_the_data_cannot_be_changed_by_accident():
    d = bp.data.digits()
    with pytest.raises(ValueError):
        d.images[0, 0, 0] = 1.0


def test_a_bad_seed_is_named():
    with pytest.raises(TypeError, match="seed"):
        bp.data.digits(seed="zero")


def test_a_damaged_file_is_refused(monkeypatch):
    monkeypatch.setattr(digits_module, "SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match="damaged"):
        bp.data.digits()


def test_train_and_test_are_datasets_of_the_split():
    d = bp.data.digits()
    train, test = d.train, d.test
    assert isinstance(train, bp.Dataset) and isinstance(test, bp.Dataset)
    assert train.x.shape == (1437, 64) and test.x.shape == (360, 64)
    assert train.y.dtype == np.int64
    np.testing.assert_array_equal(test.x, d.x[d.test_index])
    fit, val = train.split(0.25, seed=0)
    assert len(fit) + len(val) == 1437


def test_the_chapters_network_reaches_97_percent_on_the_test_digits():
    """Chapter 12's claim: the preset, seed 0, at least 97% on the 360 held-out digits."""
    from backproplab.digits import PRESET, SIZES

    d = bp.data.digits()
    net = bp.DeepNetwork(SIZES, PRESET["activation"], seed=0, init=PRESET["init"], output="softmax")
    opts = {k: PRESET[k] for k in ("lr", "epochs", "optimizer")}
    bp.train(net, d.train.x, d.train.y, **opts)
    assert bp.accuracy(d.test.y, net.predict(d.test.x)) >= 0.97
