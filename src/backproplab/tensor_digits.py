"""Chapter 12's classifier built from bp.Tensor: a tanh network, softmax and cross-entropy.

The cross-entropy is composed from Tensor operations that each have a one-line backward rule
(exp, sum, log, *, -), so backward() finds dL/dZ = (P - Y)/n without being told: the
chapter checks it against the hand-derived DeepNetwork. The training loop itself (zero the
gradients, forward, backward, step) is written out in the chapter.
"""

from __future__ import annotations

import numpy as np

from .autograd import Tensor


def one_hot(y, m: int) -> np.ndarray:
    """Integer labels (n,) as an (n, m) matrix of 0s with a 1 in each row's label column."""
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu" or (y.size and (y.min() < 0 or y.max() >= m)):
        raise ValueError(f"y must be a 1-D array of integer labels 0..{m - 1}, got {y!r:.60}")
    return np.eye(m)[y]  # (n, m)


def tensor_params(params: dict) -> dict:
    """A leaf Tensor per parameter, named as in net.params ("W1", "b1", ...)."""
    return {name: Tensor(value, name=name) for name, value in params.items()}


def tensor_forward(params: dict, X) -> Tensor:
    """The logits Z_L of a tanh network, Z_l = A_{l-1} W_l + b_l, A_l = tanh(Z_l)."""
    A = Tensor(X)  # (n, d), the data: a leaf nobody updates
    A.const = True  # so backward() leaves its .grad alone
    depth = len(params) // 2
    for layer in range(1, depth + 1):
        A = A @ params[f"W{layer}"] + params[f"b{layer}"]  # (n, d_l)
        if layer < depth:
            A = A.tanh()
    return A  # (n, m), the logits


def tensor_cross_entropy(Z: Tensor, y) -> Tensor:
    """The mean cross-entropy of softmax(Z) against integer labels y, through log-sum-exp.

    L = (1/n) sum_i [log sum_j exp(z_ij) - z_i,y_i]. Subtracting each row's maximum (a
    constant: softmax does not change when a row is shifted) keeps exp from overflowing.
    """
    n, m = Z.shape
    Y = one_hot(y, m)  # (n, m)
    shifted = Z - Z.value.max(axis=1, keepdims=True)  # (n, m), every row's largest is 0
    log_sum_exp = shifted.exp().sum(axis=1).log()  # (n,), each >= 0
    return (log_sum_exp.sum() - (shifted * Y).sum()) / n  # the label's logit picked by Y
