"""Chapter 9's checkers: the right backward pass passes, each common mistake is named."""

import numpy as np
import pytest

import backproplab as bp
from backproplab import exercises as ex


def backward(Z, A, y, params, act_prime, mistake=""):
    """A student's backward pass: chapter 9's solution, or it with one slip in it."""
    L, n = len(Z), y.size
    factor = {"no-2": 1.0, "no-1/n": 2.0 * n}.get(mistake, 2.0)
    grads = {}
    delta = factor / n * (A[-1][:, 0] - y)[:, None]
    if mistake == "output-prime":
        delta = delta * act_prime(Z[-1])
    for i in range(L, 0, -1):  # layer i = L, ..., 1
        grads[f"W{i}"] = delta.T @ A[i - 1] if mistake == "W-flipped" else A[i - 1].T @ delta
        grads[f"b{i}"] = delta.sum(axis=1 if mistake == "b-axis" else 0)
        if i > 1:
            W = params[f"W{i}"]
            if mistake == "no-transpose":
                back = delta @ W
            elif mistake == "wrong-side":
                back = W @ delta.T
            else:
                back = delta @ W.T
            z = {"prime-above": Z[i - 1], "prime-below": Z[i - 3], "prime-at-A": A[i - 1]}
            delta = back if mistake == "no-prime" else back * act_prime(z.get(mistake, Z[i - 2]))
    if mistake == "in-place":
        A[1] *= 0.5
    if mistake == "adds-a-key":
        params["delta"] = delta
    if mistake == "pops-a-layer":
        Z.pop()
    if mistake == "swapped":
        grads["b1"], grads["b2"] = grads["b2"], grads["b1"]
    if mistake == "zero-based":
        grads = {k[0] + str(int(k[1:]) - 1): v for k, v in grads.items()}
    if mistake == "lower-case":
        grads = {k.lower(): v for k, v in grads.items()}
    if mistake == "list":
        return list(grads.values())
    return grads


def test_the_right_backward_pass_passes(capsys):
    assert ex.check_backward(backward) is True
    assert capsys.readouterr().out.startswith("✓ backward is right on 6 random networks")


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("no-transpose", "W transposed and on the right"),
        ("wrong-side", "W transposed and on the right"),
        ("no-prime", "the activation's derivative is missing"),
        ("prime-above", "wrong layer's Z, the layer above"),
        ("prime-below", "wrong layer's Z, the layer below"),
        ("prime-at-A", "act′ was applied to A_l"),
        ("output-prime", "the output layer is linear"),
        ("no-2", "you forgot the 2 that comes down from the square"),
        ("no-1/n", "you forgot to divide by n"),
        ("b-axis", "summed over the units (axis 1) instead of the samples (axis 0)"),
        ("W-flipped", "transposed"),
        ("swapped", "holds the gradient of b2"),
        ("zero-based", "numbered from 1"),
        ("lower-case", "case-sensitive"),
        ("list", "return a dict"),
        ("in-place", "changed its input A[1] in place"),
        ("adds-a-key", "changed its input params (a key was added or removed) in place"),
        ("pops-a-layer", "changed its input Z (the list itself"),
    ],
)
def test_each_common_mistake_is_named(mistake, words, capsys):
    def answer(Z, A, y, params, act_prime):
        return backward(Z, A, y, params, act_prime, mistake)

    assert ex.check_backward(answer, seed=3) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ backward") and words in out, out


def test_a_stub_is_not_implemented_yet(capsys):
    def stub(Z, A, y, params, act_prime):
        grads = {}
        for i in range(len(Z), 0, -1):
            grads[f"W{i}"] = ...
            grads[f"b{i}"] = ...
        return grads

    assert ex.check_backward(stub) is False
    assert ex.check_backward(...) is False
    assert capsys.readouterr().out.count("not implemented yet") == 2


@pytest.mark.parametrize("thing", ["text", 3, None, np.zeros(3), lambda: 1, print])
def test_check_backward_never_raises_on_absurd_answers(thing, capsys):
    assert ex.check_backward(thing) is False
    out = capsys.readouterr().out
    assert "✗ backward: " in out and "Traceback" not in out


@pytest.mark.parametrize(
    "returned", ["text", 3, (1, 2, 3), {"W1": 1}, [None, None], (0.5, {}), object(), {"W1": "x"}]
)
def test_check_backward_never_raises_on_absurd_return_values(returned, capsys):
    assert ex.check_backward(lambda *args: returned) is False
    assert capsys.readouterr().out.startswith("✗ backward")


def test_check_backward_draws_new_problems_every_call(capsys):
    seen = []

    def spy(Z, A, y, params, act_prime):
        seen.append(y.copy())
        return backward(Z, A, y, params, act_prime)

    ex.check_backward(spy)
    ex.check_backward(spy)
    half = len(seen) // 2
    assert not np.array_equal(seen[0], seen[half])


def test_the_measurement_is_the_geometric_mean_of_each_seeds_norms():
    x, y = bp.bump_data(n=30, seed=2)
    got = bp.start_grad_norms(x, y, depth=3, activation="tanh", init="he", width=4, seeds=2)
    each = [
        bp.layer_grad_norms(bp.DeepNetwork((1, 4, 4, 1), "tanh", s, "he").loss_and_grads(x, y)[1])
        for s in range(2)
    ]
    np.testing.assert_allclose(got, np.sqrt(each[0] * each[1]), rtol=1e-12)
    with pytest.raises(ValueError, match="depth"):
        bp.start_grad_norms(x, y, depth=0)


def reviewed(Z, A, y, params, act_prime, mistake):
    """The right backward pass, written another way, with one of a reviewer's slips in it."""
    L, n = len(Z), y.size
    if mistake == "y-row":  # (n, 1) − (n,) broadcasts to an (n, n) table
        delta = (2.0 / n) * (A[L] - y)
    elif mistake == "residual-in-place":  # reuses the input Z_L for the residual
        Z[-1] -= y[:, None]
        delta = (2.0 / n) * Z[-1]
    else:
        delta = (2.0 / n) * (A[L] - y[:, None])
    if mistake == "linear-only-if-deep" and L == 1:  # a depth-1 net is not a sigmoid unit
        delta = delta * act_prime(Z[0])
    grads = {}
    for l in range(L, 0, -1):  # noqa: E741 (l is the book's layer index)
        inputs = A[l] if mistake == "own-output" else A[l - 1]
        grads[f"W{l}"] = inputs.T @ delta
        grads[f"b{l}"] = delta.sum(axis=0)
        if mistake in ("nan", "huge", "complex"):
            grads[f"W{l}"] = (
                grads[f"W{l}"] * {"nan": np.nan, "huge": 1e300, "complex": 1 + 1j}[mistake]
            )
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * act_prime(Z[l - 2])
    return grads


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("y-row", "A[L] − y broadcasts to an (n, n) table"),
        ("residual-in-place", "changed its input Z[3] in place"),
        ("own-output", "A_l, the layer's own output, was used"),
        ("linear-only-if-deep", "sizes (1, 1), n = 4, sigmoid"),
        ("nan", "holds NaN or inf"),
        ("huge", "grads['W4'] is wrong"),
        ("complex", "holds complex numbers"),
    ],
)
def test_a_reviewers_wrong_answers_are_named(mistake, words, capsys):
    def answer(Z, A, y, params, act_prime):
        return reviewed(Z, A, y, params, act_prime, mistake)

    assert ex.check_backward(answer, seed=3) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ backward") and words in out and "Traceback" not in out, out
    if mistake == "y-row":  # not blamed on a transpose that is there
        assert "transposed and on the right" not in out
    if mistake == "linear-only-if-deep":
        assert "the output layer is linear" in out


def test_a_reviewers_right_answer_passes(capsys):
    def answer(Z, A, y, params, act_prime):
        return reviewed(Z, A, y, params, act_prime, "")

    assert ex.check_backward(answer) is True
    assert capsys.readouterr().out.startswith("✓ backward")


def stepped(Z, A, y, params, act_prime, mistake):
    """The right backward pass, or one with a slip issue 17's class of students made."""
    L, n = len(Z), y.size
    delta = (2 // n if mistake == "floor-division" else 2 / n) * (A[L] - y[:, None])
    grads = {}
    for l in range(L, 0, -1):  # noqa: E741 (l is the book's layer index)
        grads[f"W{l}"] = A[l - 1].T @ delta
        grads[f"b{l}"] = {
            "bias-per-sample": delta,
            "bias-summed-all": np.sum(delta),
            "bias-keepdims": delta.sum(axis=0, keepdims=True),
        }.get(mistake, delta.sum(axis=0))
        W = params[f"W{l}"]
        if mistake == "updated-W-local":
            W = W - 0.1 * grads[f"W{l}"]
        elif mistake == "updated-W-params":
            params[f"W{l}"] = params[f"W{l}"] - 0.05 * grads[f"W{l}"]
            W = params[f"W{l}"]
        elif mistake == "updated-W-in-place":
            params[f"W{l}"] -= grads[f"W{l}"]
        if l > 1:
            delta = (delta @ W.T) * act_prime(Z[l - 2])
    return grads


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("bias-per-sample", "diagnosis: one row per sample — sum over the samples (axis 0)"),
        ("bias-summed-all", "diagnosis: summed over the samples and the units as well"),
        ("bias-keepdims", "diagnosis: a row or column vector"),
        ("floor-division", "`//` is whole-number (floor) division: 2 // n is 0 once n > 2"),
        ("updated-W-local", "diagnosis: the recursion used W4 already updated, W4 − 0.1·∂L/∂W4"),
        ("updated-W-params", "it took a gradient step, W4 ← W4 − 0.05·∂L/∂W4"),
        ("updated-W-in-place", "it took a gradient step, W4 ← W4 − 1·∂L/∂W4"),
    ],
)
def test_bias_sums_integer_division_and_updated_weights_are_named(mistake, words, capsys):
    def answer(Z, A, y, params, act_prime):
        return stepped(Z, A, y, params, act_prime, mistake)

    assert ex.check_backward(answer, seed=3) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ backward") and words in out, out


def test_the_stepped_answer_without_a_slip_passes(capsys):
    assert ex.check_backward(lambda *args: stepped(*args, mistake="")) is True
    assert capsys.readouterr().out.startswith("✓ backward")
