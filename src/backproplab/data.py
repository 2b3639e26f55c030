"""The data: the noisy bump (Parts I-IV), and the Dataset kind every data set comes in.

Chapter 11's 2-D classification sets live in ``planar`` and are re-exported here, so that
``bp.data.moons(...)`` and the others sit beside ``bp.data.bump_data``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate
from .activations import sigmoid
from .experiment import NOISE, NOISE_FLOOR, SEED, N  # noqa: F401  (re-exported)

# The data's own random stream: with seed=0 for both, data and initial weights stay unrelated.
DATA_STREAM = 1


def bump(x):
    """The noise-free target sigma(10 x^2) - 1/2: zero at x = 0, rising towards 1/2 at |x| = 1."""
    return sigmoid(10.0 * np.asarray(x, dtype=np.float64) ** 2) - 0.5


@dataclass(frozen=True)
class Dataset:
    """Samples x with targets y; unpacks as ``x, y = data``.

    x is 1-D (n,) for the bump, or (n, d) with one row per sample; y is (n,) (or (n, m)),
    kept as int64 when it holds integer labels and as float64 otherwise.
    """

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self):
        if np.ndim(self.x) <= 1 and np.ndim(self.y) <= 1 and not _integers(self.y):
            x, y = _validate.as_xy(self.x, self.y)  # the course's 1-D data, as always
        else:
            x = self.x
            x = _validate.as_inputs("x", x, np.shape(x)[1] if np.ndim(x) == 2 else 1)
            x = x[:, 0] if np.ndim(self.x) <= 1 else x
            y = _targets(self.y)
            if len(y) != len(x):
                raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return len(self.x)

    def __iter__(self):
        return iter((self.x, self.y))

    def split(self, val: float = 0.25, seed=0) -> tuple[Dataset, Dataset]:
        """Hold out a random fraction `val` of the samples: returns (train, validation)."""
        val = _validate.positive("val", val)
        if val >= 1:
            raise ValueError(f"val must be a fraction between 0 and 1, got {val}")
        n_val = int(round(val * len(self)))
        if not 1 <= n_val < len(self):
            raise ValueError(
                f"val={val} of {len(self)} samples leaves an empty training or validation set"
            )
        order = _validate.seed(seed).permutation(len(self))
        held, kept = order[:n_val], order[n_val:]
        return Dataset(self.x[kept], self.y[kept]), Dataset(self.x[held], self.y[held])


def bump_data(n: int = N, noise: float = NOISE, seed=SEED) -> Dataset:
    """n points with x ~ U(-1, 1) and y = bump(x) + noise * N(0, 1), from a seeded generator."""
    n = _validate.integer("n", n, minimum=1)
    noise = _validate.positive("noise", noise, allow_zero=True)
    rng = _validate.seed(seed, stream=DATA_STREAM)
    x = rng.uniform(-1.0, 1.0, n)
    y = bump(x) + noise * rng.standard_normal(n)
    return Dataset(x, y)


def _integers(y) -> bool:
    return np.asarray(y).dtype.kind in "biu"


def _targets(y) -> np.ndarray:
    """y as int64 labels if it holds integers, else as finite float64 targets (n,) or (n, m)."""
    if _integers(y):
        y = np.asarray(y).astype(np.int64)
        if y.ndim != 1:
            raise ValueError(f"y of integer labels must be 1-D, got shape {y.shape}")
        return y
    if np.ndim(y) <= 1:
        return _validate.as_1d("y", y)
    return _validate.as_inputs("y", y, np.shape(y)[1])


from .digits import digits  # noqa: E402, F401  (the 8x8 digits of chapter 12: bp.data.digits())
from .planar import circles, gaussians, moons, spiral, xor  # noqa: E402, F401  (bp.data.moons ...)
