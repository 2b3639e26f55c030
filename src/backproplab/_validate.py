"""Input checks shared by the package: clear errors instead of numpy's."""

from __future__ import annotations

import numbers

import numpy as np


def numeric(name: str, values, want: str) -> np.ndarray:
    """`values` as a float64 array of any shape, or a TypeError: "`name` must be `want`"."""
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be {want}, got {type(values).__name__}")
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {want}; it holds non-numeric values") from None


def as_1d(name: str, values, *, allow_empty: bool = False) -> np.ndarray:
    """Return `values` as a finite 1-D float64 array, or raise naming `name`."""
    arr = numeric(name, values, "a 1-D array of numbers")
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one number per sample), got shape {arr.shape}; "
            f"use {name}.ravel() if it holds one column"
        )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; it needs at least one sample")
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or inf value(s); every value must be finite")
    return arr


def as_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Check a pair of data arrays: both 1-D, finite and of the same length."""
    x = as_1d("x", x)
    y = as_1d("y", y)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    return x, y


def as_inputs(name: str, values, d: int) -> np.ndarray:
    """Return `values` as a finite float64 array of shape (n, d), or raise naming `name`.

    With d = 1 a 1-D array of n numbers is accepted too, as the course's 1-D data is.
    """
    if d == 1 and np.ndim(values) <= 1:
        return as_1d(name, values)[:, None]
    want = f"of shape (n, {d}): one row of {d} numbers per sample"
    if d == 1:
        want = "1-D (one number per sample) or of shape (n, 1)"
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be an array {want}, got {type(values).__name__}")
    arr = numeric(name, values, "an array of numbers")
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; it needs at least one sample")
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or inf value(s); every value must be finite")
    return arr


def checked_data(net, x, y, fit: bool = False):
    """x and y checked once by the network's own rules (its input size, its output's labels).

    fit: the data will be trained on, so a classifier's y must hold two classes at least.
    A network without ``_check_xy`` gets the course's 1-D check.
    """
    check = getattr(net, "_check_xy", None)
    return as_xy(x, y) if check is None else check(x, y, fit=fit)


def integer(name: str, value, *, minimum: int) -> int:
    """Return `value` as an int >= minimum, or raise naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def positive(name: str, value, *, allow_zero: bool = False) -> float:
    """Return `value` as a finite float > 0 (or >= 0), or raise naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not (np.isfinite(value) and ok):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value}")
    return value


def choice(name: str, value, allowed) -> str:
    """Return `value` if it is one of `allowed`, or raise listing them."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, allowed))}")
    return value


def seed(value, stream: int | None = None):
    """Accept an int seed or a numpy Generator, and return a Generator.

    `stream` gives one use of the same int seed its own independent sequence, so that
    bump_data(seed=0) and Network(seed=0) do not draw the same numbers.
    """
    if isinstance(value, np.random.Generator):
        return value
    value = integer("seed", value, minimum=0)
    return np.random.default_rng(value if stream is None else [value, stream])
