"""Chapter 12's checkers: right answers in many styles pass, each common slip is named,
none raise."""

import numpy as np
import pytest

import backproplab as bp
from backproplab import exercises as ex

SEEDS = (0, 1, 2)


def verdict(capsys, checker, answer, seed):
    ok = checker(answer, seed=seed)
    return ok, capsys.readouterr().out


# -- 1. the softmax cross-entropy backward ------------------------------------------------------
def ce_library(Z, y):
    return (bp.softmax(Z) - np.eye(Z.shape[1])[y]) / len(y)


def ce_by_hand(Z, y):  # stable, written out, the label's entry fixed by fancy indexing
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P / len(y)


def ce_loop(Z, y):  # one sample at a time, as a list of lists
    out = []
    for z, label in zip(Z, y, strict=True):
        e = np.exp(z - max(z))
        p = e / e.sum()
        out.append([(p[j] - (j == label)) / len(y) for j in range(len(z))])
    return out


def ce_log_softmax(Z, y):
    return (np.exp(bp.log_softmax(Z)) - bp.one_hot(y, Z.shape[1])) / Z.shape[0]


def ce_naive(Z, y):
    E = np.exp(Z)
    return (E / E.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(y)


WRONG_CE = {
    "labels not one-hot": (
        lambda Z, y: (bp.softmax(Z) - y[:, None]) / len(y),
        "not one-hot",
    ),
    "no 1/n": (lambda Z, y: bp.softmax(Z) - np.eye(Z.shape[1])[y], "MEAN"),
    "sign": (lambda Z, y: (np.eye(Z.shape[1])[y] - bp.softmax(Z)) / len(y), "wrong sign"),
    "softmax over axis 0": (
        lambda Z, y: (np.exp(Z) / np.exp(Z).sum(axis=0) - np.eye(Z.shape[1])[y]) / len(y),
        "wrong axis",
    ),
    "no labels": (lambda Z, y: bp.softmax(Z) / len(y), "never subtracted"),
    "sigmoid-style factor": (
        lambda Z, y: (
            (bp.softmax(Z) - np.eye(Z.shape[1])[y]) * bp.softmax(Z) * (1 - bp.softmax(Z)) / len(y)
        ),
        "P(1 − P)",
    ),
    "transposed": (lambda Z, y: ce_library(Z, y).T, "transposed"),
    "overflows": (ce_naive, "row's largest logit"),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("answer", [ce_library, ce_by_hand, ce_loop, ce_log_softmax])
def test_right_ce_backwards_pass(capsys, answer, seed):
    ok, out = verdict(capsys, ex.check_ce_backward, answer, seed)
    assert ok and out.startswith("✓"), out


@pytest.mark.parametrize("name", WRONG_CE)
def test_each_ce_slip_is_named(capsys, name):
    answer, words = WRONG_CE[name]
    ok, out = verdict(capsys, ex.check_ce_backward, answer, 0)
    assert not ok and out.startswith("✗") and words in out, out


def test_an_in_place_softmax_is_named(capsys):
    def in_place(Z, y):
        Z -= Z.max(axis=1, keepdims=True)
        return ce_library(Z, y)

    ok, out = verdict(capsys, ex.check_ce_backward, in_place, 0)
    assert not ok and "in place" in out


def test_the_ce_stub_is_not_yet(capsys):
    def ce_backward(Z, y): ...

    ok, out = verdict(capsys, ex.check_ce_backward, ce_backward, 0)
    assert not ok and "not implemented yet" in out


# -- 2. accuracy and the confusion matrix ------------------------------------------------------
def acc_add_at(P, y):
    pred, m = P.argmax(axis=1), P.shape[1]
    C = np.zeros((m, m), dtype=int)
    np.add.at(C, (y, pred), 1)
    return np.mean(pred == y), C


def acc_loops(P, y):  # plain Python, floats, and a list of lists
    m = len(P[0])
    C = [[0.0] * m for _ in range(m)]
    right = 0
    for p, label in zip(P, y, strict=True):
        guess = int(np.argmax(p))
        C[label][guess] += 1
        right += guess == label
    return right / len(y), C


def acc_library(P, y):
    return bp.accuracy(y, P), bp.confusion_matrix(y, P, P.shape[1])


def acc_other_order_percent(P, y):
    a, C = acc_add_at(P, y)
    return C, 100 * a


def _right(P, y):
    return acc_add_at(P, y)


WRONG_ACC = {
    "transposed": (lambda P, y: (_right(P, y)[0], _right(P, y)[1].T), "TRUE class"),
    "error rate": (lambda P, y: (1 - _right(P, y)[0], _right(P, y)[1]), "error rate"),
    "a count": (lambda P, y: (_right(P, y)[0] * len(y), _right(P, y)[1]), "divide by n"),
    "rows normalised": (
        lambda P, y: (
            _right(P, y)[0],
            _right(P, y)[1] / np.maximum(_right(P, y)[1].sum(axis=1, keepdims=True), 1),
        ),
        "counts samples",
    ),
    "classes seen only": (
        lambda P, y: (
            _right(P, y)[0],
            _right(P, y)[1][
                : max(y.max(), P.argmax(1).max()) + 1, : max(y.max(), P.argmax(1).max()) + 1
            ],
        ),
        "P.shape[1]",
    ),
    "one value": (lambda P, y: _right(P, y)[0], "pair"),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("answer", [acc_add_at, acc_loops, acc_library, acc_other_order_percent])
def test_right_accuracy_and_confusion_pass(capsys, answer, seed):
    ok, out = verdict(capsys, ex.check_accuracy_confusion, answer, seed)
    assert ok and out.startswith("✓"), out


@pytest.mark.parametrize("name", WRONG_ACC)
def test_each_accuracy_slip_is_named(capsys, name):
    answer, words = WRONG_ACC[name]
    ok, out = verdict(capsys, ex.check_accuracy_confusion, answer, 0)
    assert not ok and out.startswith("✗") and words in out, out


# -- 3. the Tensor loop with the bug ----------------------------------------------------------
def loop_zero_grad(params, X, y, lr, epochs):
    losses = []
    for _ in range(epochs):
        for p in params.values():
            p.zero_grad()
        loss = bp.tensor_cross_entropy(bp.tensor_forward(params, X), y)
        loss.backward()
        for p in params.values():
            p.value -= lr * p.grad
        losses.append(float(loss.value))
    return losses


def loop_assign_zero_no_return(params, X, y, lr, epochs):
    for _ in range(epochs):
        for p in params.values():
            p.grad = np.zeros_like(p.value)
        bp.tensor_cross_entropy(bp.tensor_forward(params, X), y).backward()
        for name in params:
            params[name].value = params[name].value - lr * params[name].grad


def loop_zero_after_step(params, X, y, lr, epochs):  # also right: zeroed at the end instead
    for _ in range(epochs):
        bp.tensor_cross_entropy(bp.tensor_forward(params, X), y).backward()
        for p in params.values():
            p.value -= lr * p.grad
            p.zero_grad()
    return []


def loop_zero_too_late(params, X, y, lr, epochs):
    for _ in range(epochs):
        bp.tensor_cross_entropy(bp.tensor_forward(params, X), y).backward()
        for p in params.values():
            p.zero_grad()
            p.value -= lr * p.grad
    return []


def loop_zero_once(params, X, y, lr, epochs):
    for p in params.values():
        p.zero_grad()
    return ex.buggy_train_tensor(params, X, y, lr, epochs)


def loop_plus(params, X, y, lr, epochs):
    for _ in range(epochs):
        for p in params.values():
            p.zero_grad()
        bp.tensor_cross_entropy(bp.tensor_forward(params, X), y).backward()
        for p in params.values():
            p.value += lr * p.grad
    return []


def loop_on_copies(params, X, y, lr, epochs):
    fresh = bp.tensor_params({k: p.value.copy() for k, p in params.items()})
    loop_zero_grad(fresh, X, y, lr, epochs)
    return fresh


def loop_scales_x(params, X, y, lr, epochs):
    X *= 2  # the data changed in place
    return loop_zero_grad(params, X, y, lr, epochs)


def loop_fresh_leaves(params, X, y, lr, epochs):
    """Right, written otherwise: new leaves every epoch, so no gradient is ever left over."""
    for _ in range(epochs):
        fresh = bp.tensor_params({k: p.value for k, p in params.items()})
        bp.tensor_cross_entropy(bp.tensor_forward(fresh, X), y).backward()
        for k, p in params.items():
            p.value = p.value - lr * fresh[k].grad


@pytest.mark.parametrize(
    "answer", [loop_zero_grad, loop_assign_zero_no_return, loop_zero_after_step, loop_fresh_leaves]
)
def test_right_loops_pass(capsys, answer):
    ok, out = verdict(capsys, ex.check_loop_fix, answer, 0)
    assert ok and out.startswith("✓"), out


@pytest.mark.parametrize(
    "answer, words",
    [
        (ex.buggy_train_tensor, "ADDS"),
        (loop_zero_once, "ADDS"),
        (loop_zero_too_late, "did not move"),
        (loop_plus, "away from"),
        (loop_on_copies, "trained copies and returned them"),
        (loop_scales_x, "changed its input X"),
    ],
)
def test_loop_slips_are_named(capsys, answer, words):
    ok, out = verdict(capsys, ex.check_loop_fix, answer, 0)
    assert not ok and words in out, out


def gradient_check_after(loop, epochs=2, lr=0.1):
    """The loop's .grad against the gradient where its last backward() ran (the step undone)."""
    d = bp.data.digits()
    X, y = d.x[:50], d.y[:50]
    net = bp.DeepNetwork((64, 8, 10), "tanh", seed=0, init="xavier", output="softmax")
    leaves = bp.tensor_params(net.params)
    loop(leaves, X, y, lr, epochs)
    net.params.update({k: v.value + lr * v.grad for k, v in leaves.items()})
    _, grads = net.loss_and_grads(X, y)
    return max(bp.relative_error(leaves[k].grad, g) for k, g in grads.items())


def test_the_buggy_loop_is_the_listing_and_its_gradient_check_fails():
    assert "loss.backward()" in ex.BUGGY_LOOP and "zero_grad" not in ex.BUGGY_LOOP
    # after two epochs .grad is the sum of two gradients, not the gradient where it was taken
    assert gradient_check_after(ex.buggy_train_tensor) > 0.1
    # ... while the same check, made of a right loop, finds rounding only
    assert gradient_check_after(loop_zero_grad) < 1e-10


def test_the_printed_loop_runs_where_the_student_copies_it(capsys):
    """Chapter 12 prints BUGGY_LOOP and asks for it fixed; the copy runs with only `bp` imported."""
    fixed = ex.BUGGY_LOOP.replace("buggy_train_tensor", "train_tensor").replace(
        "        Z = ", "        for p in params.values():\n            p.zero_grad()\n        Z = "
    )
    namespace = {"bp": bp}
    exec(fixed, namespace)
    ok, out = verdict(capsys, ex.check_loop_fix, namespace["train_tensor"], 0)
    assert ok and out.startswith("✓"), out


# -- 4. the prediction ------------------------------------------------------------------------
@pytest.mark.parametrize("guess", [0.9, 90, 50.0, np.float64(0.97), 1])
def test_any_prediction_is_compared_with_the_real_accuracy(capsys, guess):
    assert ex.check_no_hidden_prediction(guess)
    out = capsys.readouterr().out
    assert out.startswith("✓") and f"{100 * ex.ch12.no_hidden_accuracy():.1f}%" in out


@pytest.mark.parametrize(
    "guess, words",
    [
        ("high", "a number"),
        (150, "between"),
        (-0.2, "between"),
        (True, "a number"),
        (float("nan"), "a number"),
    ],
)
def test_a_prediction_that_is_not_an_accuracy_is_named(capsys, guess, words):
    assert not ex.check_no_hidden_prediction(guess)
    assert words in capsys.readouterr().out


def test_the_no_hidden_network_is_a_linear_softmax_below_the_chapters():
    acc = ex.ch12.no_hidden_accuracy()
    assert 0.9 < acc < 0.97
