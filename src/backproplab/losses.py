"""Output layers paired with their losses (chapter 11), and a stable softmax.

A pair turns the last layer's pre-activations Z_L (n, m) into the prediction P and gives
the loss with its output error Delta_L = dL/dZ_L. For the canonical pairs (linear with the
squared error, sigmoid with binary cross-entropy, softmax with cross-entropy) the output's
derivative cancels against the loss's: Delta_L = (P - Y)/n, {eq}`eq-output-error` (twice
that for the squared error, whose 1/n carries no 1/2). A sigmoid with the squared error keeps
its sigma', which is the chapter's comparison.

Targets Y reach the pairs as float arrays (n, m): ``targets`` checks and converts a user's y.
"""

from __future__ import annotations

import numpy as np

from ._validate import choice, numeric
from .activations import sigmoid

OUTPUTS = ("linear", "sigmoid", "softmax")
#: The loss each output gets when none is named: its canonical pair.
CANONICAL = {"linear": "mse", "sigmoid": "bce", "softmax": "ce"}


def _logits(Z) -> np.ndarray:
    try:
        Z = np.asarray(Z, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("Z must be an array of numbers (logits)") from None
    if Z.ndim == 0:
        raise ValueError("Z must be a vector of logits or a (n, m) array of them, got a number")
    return Z


def log_softmax(Z) -> np.ndarray:
    """log softmax(Z) along the last axis, by log-sum-exp {eq}`eq-lse`: finite for any finite Z."""
    Z = _logits(Z)
    S = Z - Z.max(axis=-1, keepdims=True)  # shifted logits <= 0: exp cannot overflow
    return S - np.log(np.exp(S).sum(axis=-1, keepdims=True))  # the sum is >= 1: log is finite


def softmax(Z) -> np.ndarray:
    """softmax(Z) = exp(Z) / sum(exp(Z)) along the last axis (each row of a (n, m) Z), {eq}`eq-softmax`."""
    Z = _logits(Z)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))  # the same ratio, without overflow
    return E / E.sum(axis=-1, keepdims=True)


class Pair:
    """An output layer with its loss; ``loss_and_delta`` is all the backward pass needs of it."""

    output = loss = ""

    def __init__(self, m: int):
        self.m = m

    def activate(self, Z):  # P from Z_L, (n, m)
        return Z

    def loss_and_delta(self, Z, Y):  # (L, Delta_L (n, m))
        raise NotImplementedError

    def value(self, Z, Y) -> float:
        return self.loss_and_delta(Z, Y)[0]

    def column(self, y):
        """A 1-D y as the (n, m) targets, unchecked (the private path)."""
        return y[:, None]

    def targets(self, y, n: int) -> np.ndarray:
        """Check a user's y against n samples; return it as float targets (n, m)."""
        y = _numbers(y)
        if y.ndim == 1 and self.m == 1:
            y = y[:, None]
        if y.ndim != 2 or y.shape[1] != self.m:
            raise ValueError(
                f"y must have shape {'(n,)' if self.m == 1 else f'(n, {self.m})'} for a "
                f"{self.output} output with m = {self.m}, got shape {y.shape}"
            )
        _length(y, n)
        _finite(y)
        return y

    def labels(self, P):
        raise ValueError(
            f"classify needs a sigmoid or softmax output; this network's output is {self.output!r} "
            "(use predict for its values)"
        )

    def check_classes(self, Y) -> None:
        """Training needs two classes at least; a linear output has none to count."""


class LinearMSE(Pair):
    output, loss = "linear", "mse"

    def loss_and_delta(self, Z, Y):
        R = Z - Y  # (n, m) residuals F - Y
        n = R.shape[0]
        r = R.ravel()
        # L = (1/n) sum_i ||f_i - y_i||^2, the course's mean squared error      eq-loss
        return np.dot(r, r) / n, (
            2.0 / n
        ) * R  # Delta_L = 2 (F - Y)/n          eq-deep-output-error


class _Binary(Pair):
    """A sigmoid output, m = 1: P = sigma(Z_L) is the probability of class 1."""

    output = "sigmoid"

    def activate(self, Z):
        return sigmoid(Z)

    def targets(self, y, n: int) -> np.ndarray:
        y = _numbers(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D, one 0/1 label per sample, got shape {y.shape}")
        _length(y, n)
        bad = y[(y != 0) & (y != 1)]
        if bad.size:
            raise ValueError(
                f"y must hold the labels 0 and 1 for a sigmoid output; it holds {float(bad[0]):g}"
            )
        return y[:, None]

    def labels(self, P):
        return (P >= 0.5).astype(np.int64).reshape(-1)

    def check_classes(self, Y) -> None:
        ones = int(Y.sum())
        if ones in (0, Y.shape[0]):
            raise ValueError(
                f"y holds a single class ({int(ones > 0)}): a classifier needs both labels 0 and 1 to learn"
            )


class SigmoidBCE(_Binary):
    loss = "bce"

    def loss_and_delta(self, Z, Y):
        n = Z.shape[0]
        # -[y log p + (1 - y) log(1 - p)] = log(1 + e^z) - y z: finite for any z  eq-bce
        loss = (np.logaddexp(0.0, Z).sum() - np.vdot(Y, Z)) / n
        P = sigmoid(Z)  # (n, 1)
        P -= Y
        P /= n  # Delta_L = (P - Y)/n: sigma' cancels                             eq-output-error
        return loss, P


class SigmoidMSE(_Binary):
    loss = "mse"

    def loss_and_delta(self, Z, Y):
        n = Z.shape[0]
        P = sigmoid(Z)  # (n, 1)
        R = P - Y
        r = R.ravel()
        # Delta_L = 2 (P - Y) sigma'(Z_L)/n: here sigma' = P (1 - P) stays        eq-sigmoid-mse
        return np.dot(r, r) / n, (2.0 / n) * R * P * (1.0 - P)


class SoftmaxCE(Pair):
    """A softmax output over m >= 2 classes with the cross-entropy."""

    output, loss = "softmax", "ce"

    def activate(self, Z):
        return softmax(Z)

    def loss_and_delta(self, Z, Y):
        n, m = Z.shape
        S = Z - _row_max(Z)  # (n, m), log-sum-exp's shift                            eq-lse
        E = np.exp(S)
        s = (E @ np.ones(m))[:, None]  # (n, 1): each row's sum, >= 1
        # L = -(1/n) sum Y log P with log P = S - log s                            eq-ce
        loss = (np.log(s).sum() - np.vdot(Y, S)) / n  # each row of Y sums to 1
        E /= s  # P = softmax(Z_L)                                                eq-softmax
        E -= Y
        E /= n  # Delta_L = (P - Y)/n                                             eq-output-error
        return loss, E

    def column(self, y):
        return np.eye(self.m)[y.astype(np.int64)]

    def targets(self, y, n: int) -> np.ndarray:
        y = _numbers(y)
        m = self.m
        if y.ndim == 2:
            if y.shape[1] != m:
                raise ValueError(
                    f"y must be class labels (n,) or one-hot (n, {m}) for m = {m} classes, "
                    f"got shape {y.shape}"
                )
            _length(y, n)
            if not (((y == 0) | (y == 1)).all() and (y.sum(axis=1) == 1).all()):
                raise ValueError(
                    f"y of shape (n, {m}) must be one-hot: a single 1 in each row, zeros elsewhere"
                )
            return y
        if y.ndim != 1:
            raise ValueError(
                f"y must be class labels (n,) or one-hot (n, {m}), got shape {y.shape}"
            )
        _length(y, n)
        _finite(y)
        bad = y[(y != np.round(y)) | (y < 0) | (y >= m)]
        if bad.size:
            raise ValueError(
                f"y must hold integer class labels 0 .. {m - 1} (m = {m} outputs); "
                f"it holds {float(bad[0]):g}"
            )
        return self.column(y)

    def labels(self, P):
        return np.argmax(P, axis=1).astype(np.int64)

    def check_classes(self, Y) -> None:
        present = np.flatnonzero(Y.sum(axis=0))
        if present.size < 2:
            raise ValueError(
                f"y holds a single class ({present[0]}): a classifier needs at least two to learn"
            )


def _row_max(Z):
    """The largest entry of each row of Z, as a column (n, 1).

    The same as Z.max(axis=1, keepdims=True), column by column: numpy's reduction along a
    short last axis pays its overhead once per row, which made it the costliest call of a
    small network's epoch (8 µs of about 60 at n = 300, m = 2); m - 1 elementwise maxima
    over whole columns cost about 1 µs. (E @ 1 sums the rows for the same reason.)
    """
    top = Z[:, 0].copy()
    for column in Z.T[1:]:
        np.maximum(top, column, out=top)
    return top[:, None]


PAIRS = {(p.output, p.loss): p for p in (LinearMSE, SigmoidBCE, SigmoidMSE, SoftmaxCE)}


def make_pair(output, loss, m: int) -> Pair:
    """The pair for `output` and `loss` (None: the canonical one), checked against m outputs."""
    output = choice("output", output, OUTPUTS)
    loss = CANONICAL[output] if loss is None else choice("loss", loss, ("mse", "bce", "ce"))
    if (output, loss) not in PAIRS:
        allowed = ", ".join(f"({o!r}, {name!r})" for o, name in PAIRS)
        raise ValueError(
            f"output {output!r} with loss {loss!r} is not a pair this course derives; "
            f"choose one of {allowed}, or loss=None for the output's own"
        )
    if output == "sigmoid" and m != 1:
        raise ValueError(
            f"a sigmoid output has one unit, P(class 1): sizes must end with 1, got m = {m} "
            "(use output='softmax' for several classes)"
        )
    if output == "softmax" and m < 2:
        raise ValueError(
            "a softmax output needs m >= 2 units, one per class: sizes must end with 2 or more, "
            f"got m = {m} (use output='sigmoid' for two classes with one unit)"
        )
    return PAIRS[output, loss](m)


def _numbers(y) -> np.ndarray:
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"y must be an array of targets, got {type(y).__name__}")
    y = numeric("y", y, "an array of numbers")
    return y.reshape(1) if y.ndim == 0 else y


def _length(y, n: int) -> None:
    if y.shape[0] != n:
        raise ValueError(
            f"x and y must have the same length (one target per sample): x has {n}, "
            f"y has {y.shape[0]}"
        )


def _finite(y) -> None:
    if not np.all(np.isfinite(y)):
        raise ValueError("y holds NaN or inf; every value must be finite")
