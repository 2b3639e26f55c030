"""Chapter 11's 2-D classification sets: moons, circles, XOR, two Gaussians and a spiral.

Each returns a ``Dataset`` with x of shape (n, 2) (float64) and y of shape (n,) (int64
labels 0, 1, ...), in a shuffled order, from a seeded generator: numpy only. The classes
are as balanced as n allows (their sizes differ by one at most). With noise = 0 the
points lie exactly on their curves.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from . import experiment as ex
from .data import DATA_STREAM, Dataset


def _start(n, noise, seed, classes: int):
    n = _validate.integer("n", n, minimum=classes)  # one point per class at least
    noise = _validate.positive("noise", noise, allow_zero=True)
    counts = [n // classes + (c < n % classes) for c in range(classes)]
    return counts, noise, _validate.seed(seed, stream=DATA_STREAM)


def _finish(parts, counts, noise, rng, jitter: bool = True) -> Dataset:
    x = np.concatenate(parts)  # (n, 2), class by class
    y = np.repeat(np.arange(len(counts)), counts)  # (n,)
    if jitter:
        x = x + noise * rng.standard_normal(x.shape)
    order = rng.permutation(len(y))
    return Dataset(x[order], y[order])


def _ring(count: int, radius: float, start: float, stop: float, endpoint: bool = True):
    t = np.linspace(start, stop, count, endpoint=endpoint)
    return radius * np.column_stack([np.cos(t), np.sin(t)])


def moons(n: int = ex.PLANE_N, noise: float = ex.MOONS_NOISE, seed=ex.SEED) -> Dataset:
    """Two interleaved half circles of radius 1 (scikit-learn's layout): the upper is class 0."""
    counts, noise, rng = _start(n, noise, seed, 2)
    upper = _ring(counts[0], 1.0, 0.0, np.pi)
    lower = np.array([1.0, 0.5]) - _ring(counts[1], 1.0, 0.0, np.pi)  # shifted and flipped
    return _finish([upper, lower], counts, noise, rng)


def circles(
    n: int = ex.PLANE_N, noise: float = ex.CIRCLES_NOISE, seed=ex.SEED, factor: float = 0.5
) -> Dataset:
    """Two rings around the origin: radius 1 is class 0, radius `factor` (< 1) class 1."""
    counts, noise, rng = _start(n, noise, seed, 2)
    factor = _validate.positive("factor", factor)
    if factor >= 1:
        raise ValueError(f"factor must be below 1 (the inner ring's radius), got {factor}")
    rings = [
        _ring(c, r, 0.0, 2 * np.pi, endpoint=False)
        for c, r in zip(counts, (1.0, factor), strict=True)
    ]
    return _finish(rings, counts, noise, rng)


def xor(n: int = ex.PLANE_N, noise: float = ex.XOR_NOISE, seed=ex.SEED) -> Dataset:
    """Points in the square [-1, 1]^2, class 1 where x_1 x_2 < 0 (TensorFlow Playground's XOR).

    Each coordinate's size is drawn from U(0.1, 1), keeping a margin along the axes before
    the noise; its sign puts class 0 in the quadrants (+, +) and (-, -).
    """
    counts, noise, rng = _start(n, noise, seed, 2)
    parts = []
    for c, count in enumerate(counts):
        size = rng.uniform(0.1, 1.0, (count, 2))
        s1 = rng.choice([-1.0, 1.0], count)
        s2 = s1 if c == 0 else -s1  # same signs: product > 0, class 0
        parts.append(size * np.column_stack([s1, s2]))
    return _finish(parts, counts, noise, rng)


def gaussians(n: int = ex.PLANE_N, noise: float = ex.GAUSSIANS_NOISE, seed=ex.SEED) -> Dataset:
    """Two round Gaussian clouds of std `noise`, centred at (-1, -1) (class 0) and (1, 1)."""
    counts, noise, rng = _start(n, noise, seed, 2)
    centres = [np.full((c, 2), sign) for c, sign in zip(counts, (-1.0, 1.0), strict=True)]
    return _finish(centres, counts, noise, rng)


def spiral(
    n: int = ex.PLANE_N,
    classes: int = ex.SPIRAL_CLASSES,
    noise: float = ex.SPIRAL_NOISE,
    seed=ex.SEED,
) -> Dataset:
    """CS231n's spiral: `classes` arms from the origin out to radius 1, one class each.

    Arm k's points have radius r = 0 .. 1 and angle 4 (k + r) plus noise * N(0, 1): the noise
    moves a point along its circle, so every point keeps its radius.
    """
    classes = _validate.integer("classes", classes, minimum=2)
    counts, noise, rng = _start(n, noise, seed, classes)
    parts = []
    for k, count in enumerate(counts):
        r = np.linspace(0.0, 1.0, count)
        t = np.linspace(4.0 * k, 4.0 * (k + 1), count) + noise * rng.standard_normal(count)
        parts.append(r[:, None] * np.column_stack([np.sin(t), np.cos(t)]))
    return _finish(parts, counts, noise, rng, jitter=False)
