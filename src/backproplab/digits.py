"""The 8x8 handwritten digits, shipped inside the package (no download, no scikit-learn).

Source: the test set of the UCI "Optical Recognition of Handwritten Digits" data set
(E. Alpaydin and C. Kaynak, 1998, https://doi.org/10.24432/C50P49), licensed under
Creative Commons Attribution 4.0 (CC BY 4.0). Each image is a 32x32 bitmap of a digit
written by one of 13 people, cut into 4x4 blocks; a pixel counts the inked dots of its
block, 0 to 16. `digits.csv.gz` is the copy scikit-learn ships
(`sklearn/datasets/data/digits.csv.gz`, scikit-learn 1.9.1), unchanged: 1,797 rows of
64 pixels and the label.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources

import numpy as np

from . import _validate

FILE = "digits.csv.gz"
# The shipped file's checksum: a changed or truncated copy fails loudly, not silently.
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
LEVELS = 16  # a pixel counts the inked dots of a 4x4 block: 0..16
N_TEST = 360  # 20% of 1,797, held out class by class
SPLIT_STREAM = 2  # the split's own random stream (the bump's data uses 1)
#: Chapter 12's network and training run: the course's preset (tanh units, Adam), full batch,
#: at a learning rate for 64 inputs. Seed 0 reaches >= 97% test accuracy (tests/unit/test_digits_data.py).
SIZES = (64, 32, 10)
PRESET = dict(activation="tanh", init="xavier", optimizer="adam", lr=0.02, epochs=150)
SOURCE = (
    'UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin & Kaynak, 1998), CC BY 4.0'
)


def _raw() -> bytes:
    data = resources.files(__package__).joinpath(FILE).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise RuntimeError(f"{FILE} in the package is damaged: sha256 {digest}, not {SHA256}")
    return data


def stratified_split(y, n_test: int, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, test) indices with each class held out in proportion to its size."""
    y = np.asarray(y)
    rng = _validate.seed(seed, stream=SPLIT_STREAM)
    classes, counts = np.unique(y, return_counts=True)
    # Largest remainders: each class gets floor(share), the leftovers go to the largest fractions.
    share = counts * n_test / y.size
    take = np.floor(share).astype(int)
    order = np.argsort(-(share - take), kind="stable")
    take[order[: n_test - take.sum()]] += 1
    test = [rng.permutation(np.flatnonzero(y == c))[:k] for c, k in zip(classes, take, strict=True)]
    test = np.sort(np.concatenate(test))
    train = np.setdiff1d(np.arange(y.size), test)
    return train, test


@dataclass(frozen=True)
class Digits:
    """The 1,797 digits: .images (n, 8, 8) and .x (n, 64) in [0, 1], .y (n,) labels 0-9."""

    images: np.ndarray
    y: np.ndarray
    train_index: np.ndarray
    test_index: np.ndarray

    @property
    def x(self) -> np.ndarray:
        return self.images.reshape(len(self.y), 64)  # (n, 64), row by row

    @property
    def train(self):
        """The 1,437 training digits as a bp.Dataset (x: (1437, 64), y: (1437,))."""
        from .data import Dataset

        return Dataset(self.x[self.train_index], self.y[self.train_index])

    @property
    def test(self):
        """The 360 held-out digits as a bp.Dataset."""
        from .data import Dataset

        return Dataset(self.x[self.test_index], self.y[self.test_index])

    def __len__(self) -> int:
        return len(self.y)


def digits(seed=0) -> Digits:
    """Load the shipped digits, scaled to [0, 1], with a fixed stratified 1,437/360 split."""
    table = np.loadtxt(gzip.decompress(_raw()).decode().splitlines(), delimiter=",", dtype=np.int64)
    pixels, y = table[:, :64], table[:, 64]  # (1797, 64), (1797,)
    images = (pixels / LEVELS).reshape(-1, 8, 8)  # (1797, 8, 8), grey levels 0..16 -> [0, 1]
    images.flags.writeable = False
    y.flags.writeable = False
    train, test = stratified_split(y, N_TEST, seed=seed)
    return Digits(images, y, train, test)
