"""How well a classifier does: accuracy and the confusion matrix (chapter 11).

Predictions may be class labels (n,), a sigmoid output's probabilities (n,) (class 1 when
p >= 0.5), or a softmax output's probabilities (n, m) (the class of the largest). A column
(n, 1) is read as its (n,) values, for labels and a sigmoid's probabilities alike.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import numeric


def _labels(name: str, values, probabilities: bool = True) -> np.ndarray:
    """Integer labels >= 0 from labels, one-hot rows or probabilities, or raise naming `name`."""
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be an array of class labels, got {type(values).__name__}")
    arr = numeric(name, values, "an array of numbers")
    if arr.ndim == 2 and arr.shape[1] == 1:  # a column, one value per sample: argmax would say 0
        arr = arr[:, 0]
    if arr.ndim == 2:  # one-hot or softmax probabilities: (n, m)
        if arr.shape[1] == 0 or not np.isfinite(arr).all():
            raise ValueError(f"{name} of shape (n, m) must hold m >= 1 finite columns")
        return np.argmax(arr, axis=1).astype(np.int64)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be labels (n,) or probabilities (n, m), got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} holds NaN or inf; every value must be finite")
    whole = arr == np.round(arr)
    if whole.all():
        if (arr < 0).any():
            raise ValueError(f"{name} must hold class labels 0, 1, ...; it holds {arr.min():g}")
        return arr.astype(np.int64)
    if probabilities and ((arr >= 0) & (arr <= 1)).all():  # a sigmoid output's P(class 1)
        return (arr >= 0.5).astype(np.int64)
    raise ValueError(
        f"{name} must hold integer class labels"
        f"{' or probabilities in [0, 1]' if probabilities else ''}; "
        f"it holds {arr[~whole][0]:g}"
    )


def _pair(y, pred) -> tuple[np.ndarray, np.ndarray]:
    y, pred = _labels("y", y, probabilities=False), _labels("pred", pred)
    if y.size != pred.size:
        raise ValueError(
            f"y and pred must have the same length (one per sample), got {y.size} and {pred.size}"
        )
    if y.size == 0:
        raise ValueError("y is empty; it needs at least one sample")
    return y, pred


def accuracy(y, pred) -> float:
    """The fraction of samples whose predicted class is the true one, in [0, 1]."""
    y, pred = _pair(y, pred)
    return float(np.mean(y == pred))


def confusion_matrix(y, pred, m=None) -> np.ndarray:
    """C[i, j] = the number of samples of true class i predicted as class j, shape (m, m).

    m: the number of classes; None takes the largest label seen, plus one.
    """
    y, pred = _pair(y, pred)
    seen = int(max(y.max(), pred.max())) + 1
    if m is None:
        m = seen
    elif isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise (
            TypeError if not isinstance(m, numbers.Integral) or isinstance(m, bool) else ValueError
        )(f"m must be a positive integer (the number of classes) or None, got {m!r}")
    elif seen > m:
        raise ValueError(f"m = {m} classes, but y or pred holds the label {seen - 1}")
    counts = np.zeros((int(m), int(m)), dtype=np.int64)
    np.add.at(counts, (y, pred), 1)
    return counts
