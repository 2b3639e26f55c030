"""Checkers for chapter 12: the softmax cross-entropy backward, accuracy and confusion, the
Tensor training loop with a bug, and a prediction of a network with no hidden layer."""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

# The buggy loop below is printed in the chapter for the student to copy, so it calls the
# package as the chapter does (bp.tensor_forward), and the copy runs in the notebook as it is.
import backproplab as bp

from ..autograd import Tensor
from ..deep import DeepNetwork
from ..digits import PRESET, digits
from ..losses import softmax
from ..metrics import accuracy, confusion_matrix
from ..tensor_digits import one_hot, tensor_cross_entropy, tensor_forward
from ..training import train
from .machinery import (
    _call,
    _call_fresh,
    _checker,
    _compare,
    _NotYet,
    _require_function,
    _rng,
    _unchanged,
    _Wrong,
)

_CE_SIG = "ce_backward(Z, y) -> dL/dZ, shape (n, m)"
_ACC_SIG = "accuracy_and_confusion(P, y) -> (accuracy, confusion)"
#: (n samples, m classes) for the backward check: n != m everywhere, so a transpose shows.
CE_SIZES = ((5, 3), (7, 10), (1, 4), (40, 10), (3, 2))


# -- 1. the batch softmax-with-cross-entropy backward ---------------------------------------
def _ce_variants(Z, y):
    n, m = Z.shape
    P, Y = softmax(Z), one_hot(y, m)
    by_column = np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=0)
    return [
        ("n × too large: the loss is the MEAN over the samples, so divide by n", P - Y),
        ("wrong sign — the output error is P − Y, not Y − P", (Y - P) / n),
        (
            "the labels were not one-hot: y (n,) was subtracted as numbers; build Y with "
            "np.eye(m)[y] (a 1 in each row's label column) and use P − Y",
            (P - y[:, None]) / n,
        ),
        ("the one-hot labels were never subtracted: P − Y, not P", P / n),
        (
            "softmax over the wrong axis — each ROW (one sample) must sum to 1: "
            "sum over axis=1 with keepdims=True",
            (by_column - Y) / n,
        ),
        (
            "an extra factor P(1 − P): with the cross-entropy the softmax's derivative "
            "cancels, leaving Δ_L = (P − Y)/n (chapter 11)",
            (P - Y) * P * (1 - P) / n,
        ),
        ("divided by n·m: the mean is over the n samples, not over every entry", (P - Y) / (n * m)),
    ]


@_checker("ce_backward")
def check_ce_backward(ce_backward, seed=None):
    """Check dL/dZ of the mean softmax cross-entropy, for integer labels y, on several sizes."""
    _require_function(ce_backward, "ce_backward", _CE_SIG)
    rng = _rng(seed)
    for n, m in CE_SIZES:
        Z, y = rng.normal(0.0, 2.0, (n, m)), rng.integers(0, m, n)
        where = f"n = {n} samples, m = {m} classes"
        got = _call_fresh(ce_backward, {"Z": Z, "y": y}, "ce_backward", _CE_SIG, where)
        want = (softmax(Z) - one_hot(y, m)) / n  # eq-output-error
        _compare("dL/dZ", got, want, where, _ce_variants(Z, y), "(P − Y)/n", samples=False)
    Z = rng.choice([-1000.0, 0.0, 1000.0], (4, 3))  # logits a trained network can reach
    y = np.array([0, 1, 2, 0])
    where = "logits of ±1000"
    got = _call_fresh(ce_backward, {"Z": Z, "y": y}, "ce_backward", _CE_SIG, where)
    if not np.all(np.isfinite(np.asarray(got, dtype=np.float64))):
        raise _Wrong(
            f"dL/dZ holds NaN or inf ({where})",
            "diagnosis: np.exp(1000) overflows to inf, and inf/inf is NaN — subtract each "
            "row's largest logit first (Z − Z.max(axis=1, keepdims=True)): softmax does not "
            "change when a whole row is shifted",
        )
    _compare("dL/dZ", got, (softmax(Z) - one_hot(y, 3)) / 4, where, _ce_variants(Z, y))
    return f"ce_backward gives (P − Y)/n on {len(CE_SIZES) + 1} batches, logits of ±1000 included."


# -- 2. accuracy and the confusion matrix -----------------------------------------------------
def _predictions(rng, n, m, absent=None):
    """Probabilities (n, m) whose argmax is right about 70% of the time, and labels (n,)."""
    classes = [c for c in range(m) if c != absent]
    y = rng.choice(classes, n)
    guess = np.where(rng.random(n) < 0.7, y, rng.choice(classes, n))
    logits = rng.normal(0, 1, (n, m))
    logits[np.arange(n), guess] += 4.0  # the predicted class clearly on top: no ties
    if absent is not None:
        logits[:, absent] -= 10.0
    return softmax(logits), y


def _split_answer(out, where):
    """(accuracy, confusion) from the student's pair, in either order."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise _Wrong(
            f"expected a pair (accuracy, confusion), got {type(out).__name__} ({where})",
            f"return both, separated by a comma: {_ACC_SIG}",
        )
    a, b = out
    if np.ndim(a) == 2 and np.ndim(b) == 0:  # (confusion, accuracy): unambiguous, accepted
        a, b = b, a
    return a, b


@_checker("accuracy_and_confusion")
def check_accuracy_confusion(accuracy_and_confusion, seed=None):
    """Check the accuracy (a fraction) and the confusion matrix (rows true, columns predicted)."""
    _require_function(accuracy_and_confusion, "accuracy_and_confusion", _ACC_SIG)
    rng = _rng(seed)
    note = ""
    for n, m, absent in ((30, 4, None), (200, 10, 7), (1, 3, None), (60, 5, 4)):
        P, y = _predictions(rng, n, m, absent)
        where = f"n = {n}, m = {m}" + (f", class {absent} never seen" if absent is not None else "")
        out = _call_fresh(accuracy_and_confusion, {"P": P, "y": y}, "", _ACC_SIG, where)
        acc, conf = _split_answer(out, where)
        want_acc, want_conf = accuracy(y, P), confusion_matrix(y, P, m)
        if isinstance(acc, numbers.Real) and 1 < acc <= 100 and np.isclose(acc, 100 * want_acc):
            acc, note = acc / 100, " (your accuracy is a percentage; the course's is a fraction)"
        _compare(
            "accuracy", acc, want_acc, where,
            [
                ("this is the error rate, 1 − accuracy: count the samples predicted RIGHT",
                 1 - want_acc),
                ("this is the number of right predictions: divide by n for the fraction",
                 want_acc * n),
            ],
        )  # fmt: skip
        c = np.asarray(conf, dtype=np.float64) if np.ndim(conf) == 2 else conf
        if np.ndim(c) == 2 and c.shape[0] < m:
            raise _Wrong(
                f"confusion has shape {c.shape}, expected ({m}, {m}) ({where})",
                "diagnosis: a class that no sample has (or that is never predicted) still "
                "needs its row and column: take m from P.shape[1], not from the labels seen",
            )
        rows = want_conf.sum(axis=1, keepdims=True)
        _compare(
            "confusion", c, want_conf, where,
            [
                ("transposed: rows are the TRUE class, columns the PREDICTED class", want_conf.T),
                ("each row was divided by its total: the matrix counts samples",
                 want_conf / np.where(rows == 0, 1, rows)),
            ],
            "C[i, j] = number of samples of true class i predicted as j",
        )  # fmt: skip
    return f"accuracy and confusion matrix are right on 4 sets of predictions{note}."


# -- 3. find the bug in a Tensor training loop ------------------------------------------------
def buggy_train_tensor(params, X, y, lr, epochs):
    """Full-batch gradient descent on bp.Tensor leaves; returns each epoch's loss."""
    losses = []
    for _ in range(epochs):
        Z = bp.tensor_forward(params, X)  # forward: the logits, (n, 10)
        loss = bp.tensor_cross_entropy(Z, y)
        loss.backward()  # backward: every leaf's .grad
        for p in params.values():
            p.value -= lr * p.grad  # step
        losses.append(float(loss.value))
    return losses


#: The loop with the bug, as the chapter shows it.
BUGGY_LOOP = inspect.getsource(buggy_train_tensor)
_LOOP_SIG = "train_tensor(params, X, y, lr, epochs) -> list of losses"


def _reference_loop(params, X, y, lr, epochs):
    for _ in range(epochs):
        for p in params.values():
            p.zero_grad()
        tensor_cross_entropy(tensor_forward(params, X), y).backward()
        for p in params.values():
            p.value -= lr * p.grad


def _leaves(values):
    return {name: Tensor(v, name=name) for name, v in values.items()}


@_checker("train_tensor")
def check_loop_fix(train_tensor, seed=None):
    """Run the student's loop on a slice of the digits; compare the parameters it ends with."""
    _require_function(train_tensor, "train_tensor", _LOOP_SIG)
    rng = _rng(seed)
    d = digits()
    idx = rng.choice(len(d), 120, replace=False)
    X, y = d.x[idx], d.y[idx]
    start = DeepNetwork((64, 8, 10), "tanh", seed=rng, init="xavier", output="softmax").params
    lr, epochs = 0.5, 6
    where = f"n = {len(y)} digits, sizes (64, 8, 10), lr = {lr}, {epochs} epochs"
    runs = {}
    for name, loop in (("right", _reference_loop), ("buggy", buggy_train_tensor)):
        runs[name] = _leaves(start)
        loop(runs[name], X, y, lr, epochs)
    frozen = _leaves(start)
    data = {"X": X.copy(), "y": y.copy()}  # the loop's own copies, checked afterwards
    # the loop is meant to change the parameters in place: called on them, not on copies
    out = None
    try:
        out = _call(
            train_tensor,
            (frozen, data["X"], data["y"], lr, epochs),
            "train_tensor",
            _LOOP_SIG,
            where,
        )
    except _Wrong as wrong:
        if "returned None" not in wrong.args[0]:  # the losses are optional: judge the parameters
            raise
    _unchanged({"X": X, "y": y}, data, where, "train on the data as they are")
    got = {k: np.asarray(v.value if isinstance(v, Tensor) else v) for k, v in frozen.items()}
    if all(np.array_equal(got[k], start[k]) for k in start):
        copies = isinstance(out, dict) and set(out) == set(start) and out is not frozen
        raise _Wrong(
            f"the parameters did not move ({where})",
            "diagnosis: the loop trained copies and returned them; update the leaves in params "
            "themselves (p.value -= lr * p.grad for p in params.values())"
            if copies
            else "diagnosis: either the loop trained copies of the parameters, not the leaves "
            "in params, or the step used zero gradients — zero them BEFORE backward() (at the "
            "top of each epoch), not between backward() and the step",
        )
    gap = max(np.max(np.abs(got[k] - runs["right"][k].value)) for k in start)
    if gap <= 1e-10:
        return "train_tensor trains as the hand-derived step does: the gradients start from 0 every epoch."
    if max(np.max(np.abs(got[k] - runs["buggy"][k].value)) for k in start) <= 1e-10:
        raise _Wrong(
            f"the parameters end where the buggy loop leaves them ({where})",
            "diagnosis: backward() ADDS to each leaf's .grad, so every epoch's step still "
            "carries all the earlier gradients; call p.zero_grad() on every parameter at the "
            "top of each epoch",
        )
    raise _Wrong(
        f"the parameters end {gap:.3g} away from one plain gradient-descent step per epoch ({where})",
        "no common mistake recognised: zero every .grad, forward, backward, then "
        "p.value -= lr * p.grad for every parameter, once per epoch",
    )


# -- 4. predict the accuracy of a network without a hidden layer ------------------------------
@functools.cache
def no_hidden_accuracy() -> float:
    """Test accuracy of sizes (64, 10): softmax regression, trained with chapter 12's preset."""
    d = digits()
    net = DeepNetwork((64, 10), PRESET["activation"], seed=0, init=PRESET["init"], output="softmax")
    train(net, d.train.x, d.train.y, lr=PRESET["lr"], epochs=PRESET["epochs"],
          optimizer=PRESET["optimizer"])  # fmt: skip
    return accuracy(d.test.y, net.predict(d.test.x))


@_checker("prediction", todo="your prediction is")
def check_no_hidden_prediction(guess):
    """Compare a guessed test accuracy (a fraction, or a percentage) with the real one."""
    if guess is Ellipsis:
        raise _NotYet
    if isinstance(guess, bool) or not isinstance(guess, numbers.Real) or not np.isfinite(guess):
        raise _Wrong(f"the prediction should be a number such as 0.8 or 80, got {guess!r:.40}")
    value = float(guess) / 100 if 1 < guess <= 100 else float(guess)
    if not 0 <= value <= 1:
        raise _Wrong(f"an accuracy lies between 0 and 1 (or 0 and 100%), got {guess!r}")
    truth = no_hidden_accuracy()
    off = 100 * (value - truth)
    how = (
        "right on"
        if abs(off) < 1.5
        else f"{abs(off):.0f} points too {'high' if off > 0 else 'low'}"
    )
    return (
        f"you predicted {100 * value:.0f}%; with no hidden layer the network reaches "
        f"{100 * truth:.1f}% on the test digits — {how}."
    )
