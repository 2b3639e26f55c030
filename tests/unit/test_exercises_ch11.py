"""Chapter 11's checkers: every right answer passes however written; each common mistake is
named in the student's terms; the checkers never raise."""

import math
import warnings

import numpy as np
import pytest

from backproplab import exercises as ex


def run(checker, answer, capsys):
    """The checker's verdict and its printed lines; it must not raise or warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = checker(answer)
    return ok, capsys.readouterr().out


# -- the BCE output error --------------------------------------------------------------
def bce_textbook(z, y):
    p = 1 / (1 + np.exp(-z))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, (p - y) / len(z)


def bce_stable(z, y):
    loss = np.mean(np.logaddexp(0, z) - y * z)  # log(1 + e^z) − y z, stable
    return np.array(loss), (np.exp(-np.logaddexp(0, -z)) - y) / z.size  # 0-d loss


def bce_loop(z, y):
    n = len(z)
    total, delta = 0.0, np.zeros(n)
    for j in range(n):
        p = 1.0 / (1.0 + math.exp(-z[j]))
        total -= y[j] * math.log(p) + (1 - y[j]) * math.log(1 - p)
        delta[j] = (p - y[j]) / n
    return total / n, delta


def bce_dict(z, y):
    loss, delta = bce_textbook(z, y)
    return {"L": float(loss), "delta": list(delta)}


def bce_dot(z, y):
    p = 1 / (1 + np.exp(-z))
    n = z.shape[0]
    loss = -(np.dot(y, np.log(p)) + np.dot(1 - y, np.log1p(-p))) / n
    return [loss, np.subtract(p, y) / n]


def bce_tanh_where(z, y):
    p = 0.5 * (1 + np.tanh(z / 2))  # σ(z) through tanh
    return -np.mean(np.log(np.where(y == 1, p, 1 - p))), (p - y) / len(z)


def bce_log1p(z, y):
    soft = np.log1p(np.exp(-z))  # −log σ(z)
    loss = np.mean(y * soft + (1 - y) * (z + soft))
    return loss, (np.exp(z) / (1 + np.exp(z)) - y) / len(z)


@pytest.mark.parametrize(
    "fn", [bce_textbook, bce_stable, bce_loop, bce_dict, bce_dot, bce_tanh_where, bce_log1p]
)
def test_every_right_bce_passes(fn, capsys):
    ok, out = run(ex.check_bce, fn, capsys)
    assert ok is True, out
    assert out.startswith("✓ bce is right")


def bce_with(mistake):
    def bce(z, y):
        n = len(z)
        p = 1 / (1 + np.exp(-z))
        terms = y * np.log(p) + (1 - y) * np.log(1 - p)
        loss = {
            "no-minus": np.mean(terms),
            "only-y": -np.mean(y * np.log(p)),
            "swapped-p": -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)),
            "log10": -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)),
            "sum": -np.sum(terms),
            "mse": np.mean((p - y) ** 2),
            "no-labels": -np.mean(np.log(p)),
            "n-twice-loss": -np.mean(terms) / n,
        }.get(mistake, -np.mean(terms))
        delta = {
            "no-n": p - y,
            "sign": (y - p) / n,
            "sigma-prime": (p - y) * p * (1 - p) / n,
            "mse-delta": 2 * (p - y) * p * (1 - p) / n,
            "two": 2 * (p - y) / n,
            "dL-dp": (p - y) / (p * (1 - p) * n),
            "logits": (z - y) / n,
            "column": ((p - y) / n)[:, None],
            "mean": np.mean(p - y),
            "int-div": (p - y) // n,
            "n-twice": (p - y) / n / n,
        }.get(mistake, (p - y) / n)
        if mistake == "order":
            return delta, loss
        if mistake == "one-value":
            return delta
        if mistake == "in-place":
            z *= 2
        return loss, delta

    return bce


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("no-minus", "the minus sign is missing"),
        ("only-y", "(1 − y) log(1 − p) term"),
        ("swapped-p", "p and 1 − p swapped"),
        ("log10", "np.log10"),
        ("sum", "divide by n"),
        ("mse", "squared loss mean"),
        ("no-n", "forgot to divide by n"),
        ("sign", "wrong sign"),
        ("sigma-prime", "σ′(z) was multiplied in"),
        ("mse-delta", "squared loss's output error"),
        ("two", "the 2 belongs to the squared loss"),
        ("dL-dp", "∂L/∂p, not ∂L/∂z"),
        ("logits", "logits z were used"),
        ("column", "make it 1-D"),
        ("mean", "the sum of the right values"),
        ("order", "in the other order"),
        ("one-value", "should return two values"),
        ("in-place", "changed its input z in place"),
        ("no-labels", "the labels are missing"),
        ("n-twice-loss", "divided by n twice"),
        ("int-div", "integer division"),
        ("n-twice", "divided by n twice"),
    ],
)
def test_each_bce_mistake_is_named(mistake, words, capsys):
    ok, out = run(ex.check_bce, bce_with(mistake), capsys)
    assert ok is False
    assert out.startswith("✗ bce:") and words in out, out


# -- softmax with cross-entropy, backward ------------------------------------------------
def ce_stable(A, W, b, y):
    Z = A @ W + b
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(W.shape[1])[y]
    delta = (P - Y) / len(y)  # (n, m)
    return A.T @ delta, delta.sum(axis=0)


def ce_einsum(A, W, b, y):
    Z = np.einsum("nd,dm->nm", A, W) + b
    logp = Z - Z.max(1)[:, None]
    logp -= np.log(np.exp(logp).sum(1))[:, None]
    delta = np.exp(logp)
    delta[np.arange(len(y)), y] -= 1
    delta /= len(y)
    return np.einsum("nd,nm->dm", A, delta), np.einsum("nm->m", delta)


def ce_loops(A, W, b, y):
    n, d = A.shape
    m = W.shape[1]
    dW, db = np.zeros((d, m)), np.zeros(m)
    for j in range(n):
        z = [sum(A[j, i] * W[i, c] for i in range(d)) + b[c] for c in range(m)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        for c in range(m):
            g = (e[c] / sum(e) - (1.0 if c == y[j] else 0.0)) / n
            db[c] += g
            for i in range(d):
                dW[i, c] += A[j, i] * g
    return dW, db


def ce_dot_dict(A, W, b, y):
    Z = np.dot(A, W) + b
    Z = Z - np.max(Z, axis=1, keepdims=True)
    P = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    Y = np.zeros_like(P)
    Y[np.arange(len(y)), y] = 1
    delta = (P - Y) / A.shape[0]
    return {"dW": np.dot(A.T, delta), "db": np.ones(len(y)) @ delta}


def ce_ones_outer(A, W, b, y):
    n = len(y)
    Z = A @ W + np.ones((n, 1)) @ b.reshape(1, -1)  # Z = A W + 1 bᵀ
    P = np.exp(Z - np.logaddexp.reduce(Z, axis=1, keepdims=True))
    G = P - np.eye(W.shape[1])[y]  # P − Y, the 1/n applied below
    return A.T @ G / n, G.mean(axis=0)


@pytest.mark.parametrize("fn", [ce_stable, ce_einsum, ce_loops, ce_dot_dict, ce_ones_outer])
def test_every_right_softmax_ce_backward_passes(fn, capsys):
    ok, out = run(ex.check_softmax_ce_backward, fn, capsys)
    assert ok is True, out
    assert out.startswith("✓ softmax_ce_backward is right")


def ce_with(mistake):
    def backward(A, W, b, y):
        n, m = len(y), W.shape[1]
        Z = A @ W if mistake == "no-bias" else A @ W + b
        axis = 0 if mistake == "axis" else 1
        if mistake == "naive":
            P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        elif mistake == "global-max":
            P = np.exp(Z - Z.max())
            P = P / P.sum(axis=1, keepdims=True)
        else:
            P = np.exp(Z - Z.max(axis=axis, keepdims=True))
            P = P / P.sum(axis=axis, keepdims=True)
        Y = y[:, None] if mistake == "no-one-hot" else np.eye(m)[y - (mistake == "shifted")]
        delta = {
            "sign": (Y - P) / n,
            "no-n": P - Y,
            "logits": (Z - Y) / n,
            "diag": (P - Y) * P * (1 - P) / n,
            "mean-all": (P - Y) / (n * m),
            "int-div": (P - Y) // n,
        }.get(mistake, (P - Y) / n)
        dW = delta.T @ A if mistake == "transposed" else A.T @ delta
        db = {"b-mean": delta.mean(axis=0), "b-axis": delta.sum(axis=1)}.get(
            mistake, delta.sum(axis=0)
        )
        if mistake == "jacobian":  # the chain through eq-softmax-jacobian, divided by P
            J = P[:, :, None] * np.eye(m) - P[:, :, None] * P[:, None, :]  # (n, m, m)
            delta = np.einsum("jc,jck->jk", -Y / (n * P), J)
            dW, db = A.T @ delta, delta.sum(axis=0)
        if mistake == "in-place":
            A -= 1.0
        if mistake == "order":
            return db, dW
        return dW, db

    return backward


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("no-one-hot", "one-hot forgotten"),
        ("axis", "softmax over the wrong axis"),
        ("sign", "wrong sign"),
        ("no-n", "forgot to divide by n"),
        ("logits", "logits Z were used"),
        ("diag", "Jacobian is not diagonal"),
        ("mean-all", "divided by n·m"),
        ("transposed", "transposed"),
        ("b-mean", "averages over the samples"),
        ("b-axis", "summed over the classes"),
        ("naive", "overflowed"),
        ("global-max", "each row's own largest logit"),
        ("in-place", "changed its input A in place"),
        ("no-bias", "the bias b is missing"),
        ("shifted", "shifted by a column"),
        ("int-div", "integer division"),
        ("order", "in the other order"),
        ("jacobian", "a division by P"),
    ],
)
def test_each_softmax_ce_mistake_is_named(mistake, words, capsys):
    ok, out = run(ex.check_softmax_ce_backward, ce_with(mistake), capsys)
    assert ok is False
    assert out.startswith("✗ softmax_ce_backward:") and words in out, out


# -- a stable log-softmax --------------------------------------------------------------
def lsm_stable(Z):
    top = Z.max(axis=1, keepdims=True)
    return Z - top - np.log(np.sum(np.exp(Z - top), axis=1, keepdims=True))


def lsm_logaddexp(Z):
    return Z - np.logaddexp.reduce(Z, axis=1)[:, None]


def lsm_loops(Z):
    out = np.empty_like(Z)
    for j, row in enumerate(Z):
        top = max(row)
        lse = top + math.log(sum(math.exp(v - top) for v in row))
        out[j] = [v - lse for v in row]
    return out


def lsm_list(Z):
    return [list(row) for row in lsm_stable(Z)]


def lsm_in_place(Z):
    Z -= np.amax(Z, 1).reshape(-1, 1)  # the caller's Z is changed: the exercise forbids it
    Z -= np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return Z


def test_a_log_softmax_that_changes_its_input_is_named(capsys):
    ok, out = run(ex.check_log_softmax, lsm_in_place, capsys)
    assert ok is False and "changed its input Z in place" in out, out


@pytest.mark.parametrize("fn", [lsm_stable, lsm_logaddexp, lsm_loops, lsm_list])
def test_every_right_log_softmax_passes(fn, capsys):
    ok, out = run(ex.check_log_softmax, fn, capsys)
    assert ok is True, out
    assert out.startswith("✓ log_softmax is right") and "warned" not in out


def test_a_right_log_softmax_that_warns_on_the_way_passes_with_a_note(capsys):
    def noisy(Z):
        np.exp(np.full(1, 1000.0))  # a warning that changes nothing
        return lsm_stable(Z)

    ok, out = run(ex.check_log_softmax, noisy, capsys)
    assert ok is True and "numpy warned on the way: overflow" in out, out


def lsm_with(mistake):
    def log_softmax(Z):
        top = Z.max(axis=1, keepdims=True)
        if mistake == "naive":
            return np.log(np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))
        if mistake == "log-of-stable-softmax":
            P = np.exp(Z - top)
            return np.log(P / P.sum(axis=1, keepdims=True))
        if mistake == "global-max":
            return Z - Z.max() - np.log(np.exp(Z - Z.max()).sum(axis=1, keepdims=True))
        if mistake == "axis":
            top0 = Z.max(axis=0)
            return Z - top0 - np.log(np.exp(Z - top0).sum(axis=0))
        if mistake == "softmax":
            P = np.exp(Z - top)
            return P / P.sum(axis=1, keepdims=True)
        if mistake == "only-max":
            return Z - top
        if mistake == "max-not-added":
            return Z - np.log(np.exp(Z - top).sum(axis=1, keepdims=True))
        if mistake == "whole-array":
            return Z - Z.max() - np.log(np.exp(Z - Z.max()).sum())
        if mistake == "sign":
            return top + np.log(np.exp(Z - top).sum(axis=1, keepdims=True)) - Z
        if mistake == "log10":
            return Z - top - np.log10(np.exp(Z - top).sum(axis=1, keepdims=True))
        if mistake == "mean":
            return Z - top - np.log(np.exp(Z - top).mean(axis=1, keepdims=True))
        if mistake == "no-keepdims":
            return Z - Z.max(axis=1) - np.log(np.exp(Z - top).sum(axis=1, keepdims=True))
        return lsm_stable(Z)

    return log_softmax


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("naive", "np.exp overflowed"),
        ("log-of-stable-softmax", "the log of a softmax"),
        ("global-max", "each row needs its own"),
        ("axis", "over the wrong axis"),
        ("softmax", "the softmax itself"),
        ("only-max", "only the max was subtracted"),
        ("max-not-added", "not added back"),
        ("whole-array", "one sum over the whole array"),
        ("sign", "wrong sign"),
        ("no-keepdims", "broadcast"),
        ("log10", "np.log10"),
        ("mean", "np.mean where the sum belongs"),
    ],
)
def test_each_log_softmax_mistake_is_named(mistake, words, capsys):
    ok, out = run(ex.check_log_softmax, lsm_with(mistake), capsys)
    assert ok is False
    assert out.startswith("✗ log_softmax:") and words in out, out


# -- the prediction --------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [{"gaussians"}, ["Gaussians"], ("two gaussians",), "gaussians", frozenset({"blobs"}),
     {"gaussian", "Two Gaussians"}],
)  # fmt: skip
def test_the_right_prediction_passes_however_it_is_written(answer, capsys):
    ok, out = run(ex.check_separable, answer, capsys)
    assert ok is True and out.startswith("✓"), out


@pytest.mark.parametrize(
    "answer, words",
    [
        ({"gaussians", "moons"}, ["moons cannot be separated", "interlock"]),
        ({"gaussians", "circles", "xor"}, ["circles cannot", "xor cannot"]),
        ({"spiral"}, ["spiral cannot", "gaussians can be"]),
        (set(), ["none", "gaussians can be"]),
        ({"gaussians", "squares"}, ["'squares' is not one of the five", "'moons'"]),
        ({"gaussians", 3}, ["3 is not one of the five"]),
        (42, ["expected a set of names"]),
    ],
)
def test_each_wrong_prediction_is_named(answer, words, capsys):
    ok, out = run(ex.check_separable, answer, capsys)
    assert ok is False and out.startswith("✗ separable:"), out
    assert all(w in out for w in words), out


# -- stubs and broken code -------------------------------------------------------------
@pytest.mark.parametrize(
    "checker, stub",
    [
        (ex.check_bce, lambda z, y: (..., ...)),
        (ex.check_softmax_ce_backward, lambda A, W, b, y: (..., ...)),
        (ex.check_log_softmax, lambda Z: ...),
        (ex.check_separable, ...),
        (ex.check_separable, {...}),
    ],
)
def test_an_unfilled_stub_is_not_implemented_yet(checker, stub, capsys):
    ok, out = run(checker, stub, capsys)
    assert ok is False and "not implemented yet" in out, out


def test_code_that_raises_gets_its_exception_reported(capsys):
    def broken(Z):
        return Z @ Z  # (n, m) @ (n, m)

    ok, out = run(ex.check_log_softmax, broken, capsys)
    assert ok is False and "it raised ValueError" in out and "Z @ Z" in out, out


@pytest.mark.parametrize(
    "checker", [ex.check_bce, ex.check_softmax_ce_backward, ex.check_log_softmax]
)
@pytest.mark.parametrize(
    "answer",
    [None, "abc", 3, lambda: 1, lambda *a: "text", lambda *a: (None, None),
     lambda *a: {"x": 1}, lambda *a: np.nan, lambda *a: (1, 2, 3),
     lambda *a: ([[1.0, 2.0], [3.0]], [1.0])],
)  # fmt: skip
def test_garbage_gets_a_verdict_never_an_exception(checker, answer, capsys):
    ok, out = run(checker, answer, capsys)
    assert ok is False and out.startswith("✗") and "could not finish" not in out, out
