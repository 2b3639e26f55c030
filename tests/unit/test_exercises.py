"""The exercise checkers: right answers pass, each common mistake gets its diagnosis, none raise."""

import numpy as np
import pytest

import backproplab as bp

ex = bp.exercises
SEEDS = (0, 1, 2)


# --------------------------------------------------------------------------------------
# Student answers, right and wrong, written the way a student would write them
# --------------------------------------------------------------------------------------
def _forward(x, p):
    z = np.outer(x, p["w1"]) + p["b1"]
    h = 1 / (1 + np.exp(-z))
    return z, h, h @ p["w2"] + p["b2"]


def _delta(x, y, p, scale=2.0, mean=True, sign=1.0):
    _, h, f = _forward(x, p)
    return sign * scale * (f - y) / (len(x) if mean else 1), h


def grad_w2_b2(x, y, p):
    d, h = _delta(x, y, p)
    return h.T @ d, d.sum()


def grad_w2_b2_no_two(x, y, p):
    d, h = _delta(x, y, p, scale=1.0)
    return h.T @ d, d.sum()


def grad_w2_b2_no_mean(x, y, p):
    d, h = _delta(x, y, p, mean=False)
    return h.T @ d, d.sum()


def grad_w2_b2_sign(x, y, p):
    d, h = _delta(x, y, p, sign=-1.0)
    return h.T @ d, d.sum()


def grad_w2_b2_per_sample(x, y, p):
    d, h = _delta(x, y, p)
    return h * d[:, None], d.sum()


def grad_w2_b2_column(x, y, p):
    d, h = _delta(x, y, p)
    return (h.T @ d)[:, None], d.sum()


def grad_w2_b2_b2_keepdims(x, y, p):
    d, h = _delta(x, y, p)
    return h.T @ d, d.sum(keepdims=True)


def grad_w2_b2_types(x, y, p):
    """Lists and plain floats are fine answers."""
    d, h = _delta(x, y, p)
    return list(h.T @ d), float(d.sum())


def grad_w2_b2_0d(x, y, p):
    d, h = _delta(x, y, p)
    return h.T @ d, np.array(d.sum())


def grad_w1_b1(x, y, p, prime=True, with_x=True):
    d, h = _delta(x, y, p)
    dz = d[:, None] * p["w2"] * (h * (1 - h) if prime else 1.0)
    return (x @ dz if with_x else dz.sum(axis=0)), dz.sum(axis=0)


def grad_w1_b1_no_prime(x, y, p):
    return grad_w1_b1(x, y, p, prime=False)


def grad_w1_b1_no_x(x, y, p):
    return grad_w1_b1(x, y, p, with_x=False)


def grad_w1_b1_sign(x, y, p):
    dw1, db1 = grad_w1_b1(x, y, p)
    return -dw1, -db1


def grad_w1_b1_no_mean(x, y, p):
    dw1, db1 = grad_w1_b1(x, y, p)
    return len(x) * dw1, len(x) * db1


def loss_and_grads(x, y, p, loss_scale=1.0, w1_prime=True):
    _, _, f = _forward(x, p)
    dw1, db1 = grad_w1_b1(x, y, p, prime=w1_prime)
    dw2, db2 = grad_w2_b2(x, y, p)
    loss = loss_scale * np.mean((f - y) ** 2)
    return loss, {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


def loss_and_grads_sum(x, y, p):
    return loss_and_grads(x, y, p, loss_scale=len(x))


def loss_and_grads_no_prime(x, y, p):
    return loss_and_grads(x, y, p, w1_prime=False)


def loss_and_grads_missing_key(x, y, p):
    loss, grads = loss_and_grads(x, y, p)
    del grads["b1"]
    return loss, grads


def loss_and_grads_stub(x, y, p):
    loss = ...
    grads = {"w1": ..., "b1": ..., "w2": ..., "b2": ...}
    return loss, grads


def stub_with_dots(x, y, p):
    """The stub as the chapters ship it: comments and `...`."""
    # compute dL_dw2 and dL_db2 here
    ...


def stub_returning_dots(x, y, p):
    dL_dw2 = ...
    dL_db2 = ...
    return dL_dw2, dL_db2


def stub_not_implemented(x, y, p):
    raise NotImplementedError("compute the gradients")


def forgot_return(x, y, p):
    d, h = _delta(x, y, p)
    h.T @ d  # noqa: B018 - computed and dropped: the mistake under test


def raises_key_error(x, y, p):
    return p["W2"], 0.0


def returns_nan(x, y, p):
    return np.full(p["w1"].shape, np.nan), np.nan


def overflows(x, y, p):
    return np.exp(1e3 * np.ones_like(p["w1"])), 0.0


class Boom(BaseException):
    """A BaseException that is not an Exception, raised by student code."""


def raises_base_exception(x, y, p):
    raise Boom("deep trouble")


def raises_keyboard_interrupt(x, y, p):
    raise KeyboardInterrupt


def sigmoid_prime(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


def sigmoid_prime_no_return(z):
    s = 1 / (1 + np.exp(-z))
    s * (1 - s)  # noqa: B018 - computed and dropped: the mistake under test


def tanh_prime(z):
    return 1 - np.tanh(z) ** 2


def numerical_grad(fn, theta, eps=1e-6):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        keep = theta[i]
        theta[i] = keep + eps
        up = fn(theta)
        theta[i] = keep - eps
        down = fn(theta)
        theta[i] = keep
        grad[i] = (up - down) / (2 * eps)
    return grad


def numerical_grad_forward(fn, theta, eps=1e-6):
    grad, base = np.zeros_like(theta), fn(theta.copy())
    for i in range(theta.size):
        moved = theta.copy()
        moved[i] += eps
        grad[i] = (fn(moved) - base) / eps
    return grad


def numerical_grad_one_eps(fn, theta, eps=1e-6):
    return numerical_grad(fn, theta)  # ignores the eps it is given


def numerical_grad_over_eps(fn, theta, eps=1e-6):
    return 2 * numerical_grad(fn, theta, eps)  # divides by eps, not 2 eps


def numerical_grad_no_restore(fn, theta, eps=1e-6):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += eps
        up = fn(theta)
        theta[i] -= 2 * eps
        grad[i] = (up - fn(theta)) / (2 * eps)
    return grad


def fixed_predict(params, x):
    return _forward(x, params)[2]


def fixed_predict_stub(params, x): ...


def fixed_predict_not_implemented(params, x):
    raise NotImplementedError("fixed_predict is not implemented yet")


def predict_still_s(params, x):
    _, h, _ = _forward(x, params)
    return h @ params["w2"] + ex.S


def predict_no_b2(params, x):
    _, h, _ = _forward(x, params)
    return h @ params["w2"]


def gd_step(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}


def gd_step_uphill(params, grads, lr):
    return {name: params[name] + lr * grads[name] for name in params}


def gd_step_no_lr(params, grads, lr):
    return {name: params[name] - grads[name] for name in params}


def gd_step_in_place_no_return(params, grads, lr):
    for name in params:
        params[name] -= lr * grads[name]


def momentum_step(params, grads, velocity, lr, beta):
    v = {name: beta * velocity[name] + grads[name] for name in params}
    return {name: params[name] - lr * v[name] for name in params}, v


def momentum_step_old_velocity(params, grads, velocity, lr, beta):
    v = {name: beta * velocity[name] + grads[name] for name in params}
    return {name: params[name] - lr * velocity[name] for name in params}, v


def momentum_step_other_convention(params, grads, velocity, lr, beta):
    v = {name: beta * velocity[name] - lr * grads[name] for name in params}
    return {name: params[name] + v[name] for name in params}, v


def momentum_step_ema(params, grads, velocity, lr, beta):
    v = {name: beta * velocity[name] + (1 - beta) * grads[name] for name in params}
    return {name: params[name] - lr * v[name] for name in params}, v


def momentum_step_stub(params, grads, velocity, lr, beta):
    # v <- beta v + g, then theta <- theta - lr v
    raise NotImplementedError("write momentum_step")


# --------------------------------------------------------------------------------------
# The verdict table: (checker, answer, verdict, words the printed diagnosis must contain)
# --------------------------------------------------------------------------------------
NOT_YET = "not implemented yet — fill in the cell above and run it again"
CASES = {
    "grad_w2_b2 right": (ex.check_grad_w2_b2, grad_w2_b2, True, "✓"),
    "grad_w2_b2 lists and floats": (ex.check_grad_w2_b2, grad_w2_b2_types, True, "✓"),
    "grad_w2_b2 0-d array": (ex.check_grad_w2_b2, grad_w2_b2_0d, True, "✓"),
    "grad_w2_b2 forgot the 2": (ex.check_grad_w2_b2, grad_w2_b2_no_two, False, "forgot the 2"),
    "grad_w2_b2 forgot the mean": (
        ex.check_grad_w2_b2,
        grad_w2_b2_no_mean,
        False,
        "n × too large: you forgot to divide by n",
    ),
    "grad_w2_b2 sign": (ex.check_grad_w2_b2, grad_w2_b2_sign, False, "wrong sign"),
    "grad_w2_b2 per sample": (ex.check_grad_w2_b2, grad_w2_b2_per_sample, False, "one row per"),
    "grad_w2_b2 column": (ex.check_grad_w2_b2, grad_w2_b2_column, False, "column vector"),
    "grad_w2_b2 keepdims": (ex.check_grad_w2_b2, grad_w2_b2_b2_keepdims, False, "return a scalar"),
    "grad_w2_b2 NaN": (ex.check_grad_w2_b2, returns_nan, False, "NaN or inf"),
    "grad_w2_b2 inf": (ex.check_grad_w2_b2, overflows, False, "NaN or inf"),
    "grad_w2_b2 None": (ex.check_grad_w2_b2, forgot_return, False, "returned None"),
    "grad_w2_b2 raises": (
        ex.check_grad_w2_b2,
        raises_key_error,
        False,
        "it raised KeyError: 'W2'",
    ),
    "grad_w2_b2 BaseException": (
        ex.check_grad_w2_b2,
        raises_base_exception,
        False,
        "it raised Boom: deep trouble",
    ),
    "grad_w2_b2 NotImplementedError": (
        ex.check_grad_w2_b2,
        stub_not_implemented,
        False,
        NOT_YET,
    ),
    "grad_w2_b2 stub body ...": (ex.check_grad_w2_b2, stub_with_dots, False, NOT_YET),
    "grad_w2_b2 stub returns ...": (ex.check_grad_w2_b2, stub_returning_dots, False, NOT_YET),
    "grad_w1_b1 right": (ex.check_grad_w1_b1, grad_w1_b1, True, "✓"),
    "grad_w1_b1 forgot σ′": (ex.check_grad_w1_b1, grad_w1_b1_no_prime, False, "forgot the σ′"),
    "grad_w1_b1 forgot x": (ex.check_grad_w1_b1, grad_w1_b1_no_x, False, "forgot the x factor"),
    "grad_w1_b1 sign": (ex.check_grad_w1_b1, grad_w1_b1_sign, False, "wrong sign"),
    "grad_w1_b1 forgot the mean": (ex.check_grad_w1_b1, grad_w1_b1_no_mean, False, "n × too"),
    "grad_w1_b1 NotImplementedError": (
        ex.check_grad_w1_b1,
        stub_not_implemented,
        False,
        NOT_YET,
    ),
    "loss_and_grads right": (ex.check_loss_and_grads, loss_and_grads, True, "✓"),
    "loss_and_grads sum": (ex.check_loss_and_grads, loss_and_grads_sum, False, "not the mean"),
    "loss_and_grads forgot σ′": (
        ex.check_loss_and_grads,
        loss_and_grads_no_prime,
        False,
        'grads["w1"] is wrong',
    ),
    "loss_and_grads missing key": (
        ex.check_loss_and_grads,
        loss_and_grads_missing_key,
        False,
        "missing 'b1'",
    ),
    "loss_and_grads stub": (ex.check_loss_and_grads, loss_and_grads_stub, False, NOT_YET),
    "sigmoid_prime right": (ex.check_sigmoid_prime, sigmoid_prime, True, "✓"),
    "sigmoid_prime package": (ex.check_sigmoid_prime, bp.sigmoid_prime, True, "✓"),
    "sigmoid_prime is σ": (ex.check_sigmoid_prime, bp.sigmoid, False, "σ(z) itself"),
    "sigmoid_prime of z": (
        ex.check_sigmoid_prime,
        lambda z: z * (1 - z),
        False,
        "instead of σ(z)",
    ),
    "sigmoid_prime sign": (ex.check_sigmoid_prime, lambda z: -bp.sigmoid_prime(z), False, "sign"),
    "sigmoid_prime ×2": (ex.check_sigmoid_prime, lambda z: 2 * bp.sigmoid_prime(z), False, "twice"),
    "sigmoid_prime transposed": (
        ex.check_sigmoid_prime,
        lambda z: bp.sigmoid_prime(z).T,
        False,
        "transposed",
    ),
    "sigmoid_prime NaN": (
        ex.check_sigmoid_prime,
        lambda z: np.full_like(z, np.nan),
        False,
        "NaN or inf",
    ),
    "sigmoid_prime None": (ex.check_sigmoid_prime, sigmoid_prime_no_return, False, "returned None"),
    "sigmoid_prime stub": (ex.check_sigmoid_prime, lambda z: ..., False, NOT_YET),
    "tanh_prime right": (ex.check_tanh_prime, tanh_prime, True, "✓"),
    "tanh_prime no square": (ex.check_tanh_prime, lambda z: 1 - np.tanh(z), False, "squared"),
    "tanh_prime of z": (ex.check_tanh_prime, lambda z: 1 - z**2, False, "instead of tanh(z)"),
    "tanh_prime sign": (ex.check_tanh_prime, lambda z: np.tanh(z) ** 2 - 1, False, "wrong sign"),
    "tanh_prime raises": (
        ex.check_tanh_prime,
        lambda z: np.tanhh(z),
        False,
        "it raised AttributeError",
    ),
    "numerical_grad right": (ex.check_numerical_grad, numerical_grad, True, "✓"),
    "numerical_grad forward": (
        ex.check_numerical_grad,
        numerical_grad_forward,
        False,
        "one-sided (forward) difference",
    ),
    "numerical_grad ignores eps": (
        ex.check_numerical_grad,
        numerical_grad_one_eps,
        False,
        "eps argument was ignored",
    ),
    "numerical_grad ×2": (
        ex.check_numerical_grad,
        numerical_grad_over_eps,
        False,
        "divided by ε instead of 2ε",
    ),
    "numerical_grad no restore": (
        ex.check_numerical_grad,
        numerical_grad_no_restore,
        False,
        "theta was changed",
    ),
    "gd_step right": (ex.check_gd_step, gd_step, True, "✓"),
    "gd_step uphill": (ex.check_gd_step, gd_step_uphill, False, "wrong sign"),
    "gd_step no lr": (ex.check_gd_step, gd_step_no_lr, False, "forgot the learning rate"),
    "gd_step in place, no return": (
        ex.check_gd_step,
        gd_step_in_place_no_return,
        False,
        "returned None",
    ),
    "momentum_step right": (ex.check_momentum_step, momentum_step, True, "✓"),
    "momentum_step old velocity": (
        ex.check_momentum_step,
        momentum_step_old_velocity,
        False,
        "used the old velocity",
    ),
    "momentum_step other convention": (
        ex.check_momentum_step,
        momentum_step_other_convention,
        False,
        "other common convention",
    ),
    "momentum_step moving average": (
        ex.check_momentum_step,
        momentum_step_ema,
        False,
        "moving-average form",
    ),
    "momentum_step stub": (ex.check_momentum_step, momentum_step_stub, False, NOT_YET),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", CASES)
def test_checker_gives_the_verdict_and_the_diagnosis(case, seed, capsys):
    checker, answer, verdict, words = CASES[case]
    assert checker(answer, seed=seed) is verdict
    out = capsys.readouterr().out
    assert words in out
    if verdict:
        assert out.count("\n") == 1 and out.startswith("✓ ")
    else:
        assert not out.startswith("✓")


def test_a_wrong_entry_is_reported_with_expected_and_actual_values(capsys):
    assert ex.check_grad_w2_b2(grad_w2_b2_sign, seed=0) is False
    out = capsys.readouterr().out
    assert "✗ grad_w2_b2: dL_dw2 is wrong (k = 3 hidden units, n = 7 samples)" in out
    entry = next(line for line in out.splitlines() if "entry dL_dw2[" in line)
    expected = float(entry.split("expected ")[1].split(",")[0])
    actual = float(entry.split("got ")[1])
    assert actual == pytest.approx(-expected, rel=1e-5)


def test_an_exception_is_quoted_with_the_line_that_raised_it(capsys):
    assert ex.check_grad_w2_b2(raises_key_error) is False
    out = capsys.readouterr().out
    assert "KeyError" in out and 'return p["W2"], 0.0' in out


def test_an_error_inside_numpy_is_quoted_at_the_student_line(capsys):
    def bad_matmul(x, y, p):
        _, h, f = _forward(x, p)
        return h @ (f - y)[:2], 0.0  # (n, k) @ (2,): numpy raises inside matmul

    assert ex.check_grad_w2_b2(bad_matmul) is False
    out = capsys.readouterr().out
    assert "it raised ValueError" in out and "return h @ (f - y)[:2], 0.0" in out


def test_swapped_return_values_are_named(capsys):
    def swapped(x, y, p):
        return grad_w2_b2(x, y, p)[::-1]

    assert ex.check_grad_w2_b2(swapped) is False
    assert "the two values look swapped" in capsys.readouterr().out


def test_the_stub_message_is_kind_and_not_a_cross(capsys):
    ex.check_sigmoid_prime(lambda z: ...)
    out = capsys.readouterr().out
    assert out.startswith("…") and "✗" not in out and "Traceback" not in out


def test_keyboard_interrupt_in_student_code_still_stops_the_cell():
    with pytest.raises(KeyboardInterrupt):
        ex.check_grad_w2_b2(raises_keyboard_interrupt)


def test_an_answer_that_changes_its_inputs_in_place_is_told_so(capsys):
    def sneaky(x, y, p):
        p["w2"] *= 0
        return grad_w2_b2(x, y, p)

    assert ex.check_grad_w2_b2(sneaky) is False
    assert "changed its input params['w2'] in place" in capsys.readouterr().out


@pytest.mark.parametrize(
    "vandalise",
    [lambda p: p.pop("b1"), lambda p: p.update(w1="text"), lambda p: p["b2"].fill(9.0)],
    ids=["deleted", "replaced", "filled"],
)
def test_an_answer_that_vandalises_params_is_told_so_not_blamed_on_the_checker(vandalise, capsys):
    def vandal(x, y, p):
        out = grad_w1_b1(x, y, p)
        vandalise(p)
        return out

    assert ex.check_grad_w1_b1(vandal) is False
    out = capsys.readouterr().out
    assert "changed its input params" in out and "checker could not finish" not in out


def test_inputs_change_from_call_to_call_so_answers_cannot_be_hard_coded(capsys):
    seen = []

    def spy(x, y, p):
        seen.append((len(p["w1"]), len(x), x.copy()))
        return grad_w2_b2(x, y, p)

    assert ex.check_grad_w2_b2(spy) and ex.check_grad_w2_b2(spy)
    first, second = seen[: len(seen) // 2], seen[len(seen) // 2 :]
    assert {k for k, _, _ in first} == {1, 3, 10} and {n for _, n, _ in first} == {1, 7, 50}
    assert not np.array_equal(first[0][2], second[0][2])


def test_a_memorised_answer_fails_on_the_next_call(capsys):
    memory = {}

    def memorised(x, y, p):
        key = (len(p["w1"]), len(x))
        memory.setdefault(key, grad_w2_b2(x, y, p))
        return memory[key]

    assert ex.check_grad_w2_b2(memorised) is True
    assert ex.check_grad_w2_b2(memorised) is False
    assert "dL_dw2 is wrong" in capsys.readouterr().out


def test_the_same_seed_draws_the_same_problems():
    seen = {0: [], 1: []}
    for run in (0, 1):

        def spy(x, y, p, run=run):
            seen[run].append(x.copy())
            return grad_w2_b2(x, y, p)

        ex.check_grad_w2_b2(spy, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(seen[0], seen[1], strict=True))


# --------------------------------------------------------------------------------------
# Checkers never raise, whatever they are given
# --------------------------------------------------------------------------------------
ABSURD = ["a string", 42, None, np.zeros(3), lambda: 1, lambda a, b, c, d, e, f, g: 1, print]
FUNCTION_CHECKERS = [
    ex.check_grad_w2_b2,
    ex.check_grad_w1_b1,
    ex.check_loss_and_grads,
    ex.check_sigmoid_prime,
    ex.check_tanh_prime,
    ex.check_numerical_grad,
    ex.check_gd_step,
    ex.check_momentum_step,
]


@pytest.mark.parametrize("thing", ABSURD, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: c.__name__)
def test_checkers_never_raise_on_absurd_answers(checker, thing, capsys):
    assert checker(thing) is False
    out = capsys.readouterr().out
    assert f"✗ {checker.__name__.removeprefix('check_')}: " in out and "Traceback" not in out


@pytest.mark.parametrize(
    "returned",
    ["text", 3, (1, 2, 3), {"w1": 1}, [None, None], (np.zeros(2), "x"), object()],
    ids=["str", "int", "triple", "dict", "nones", "array-and-str", "object"],
)
@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: c.__name__)
def test_checkers_never_raise_on_absurd_return_values(checker, returned, capsys):
    def answer(*args, **kwargs):
        return returned

    assert checker(answer) is False
    assert capsys.readouterr().out.startswith("✗ ")


def test_wrong_arity_is_explained_with_the_signature(capsys):
    assert ex.check_gd_step(lambda params: params) is False
    out = capsys.readouterr().out
    assert "TypeError" in out and "check the signature: gd_step(params, grads, lr)" in out


@pytest.mark.parametrize("thing", ABSURD + [..., "b2"], ids=lambda t: type(t).__name__)
def test_check_bug_fix_never_raises(thing, capsys):
    assert ex.check_bug_fix(thing, thing) is False
    assert ex.check_bug_fix("b2", thing) is False
    assert "✓" not in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# The find-the-bug exercise
# --------------------------------------------------------------------------------------
def test_the_gradient_check_flags_b2_in_the_buggy_network():
    data = bp.bump_data(n=100, seed=0)
    check = bp.grad_check(ex.BuggyNetwork(hidden=10, activation="sigmoid", seed=0), *data)
    assert check.worst() == "b2"
    assert check.errors["b2"] > 0.5
    assert all(check.errors[name] < 1e-7 for name in ("w1", "b1", "w2"))
    assert not check.ok


def test_the_buggy_network_adds_s_where_b2_belongs():
    x = np.linspace(-1, 1, 9)
    buggy, good = ex.BuggyNetwork(seed=3), bp.Network(seed=3)
    shift = ex.S - good.params["b2"]
    np.testing.assert_allclose(buggy.predict(x), good.predict(x) + shift, rtol=1e-12)
    assert isinstance(buggy.copy(), ex.BuggyNetwork)
    np.testing.assert_array_equal(buggy.copy().predict(x), buggy.predict(x))


@pytest.mark.parametrize(
    ("suspect", "predict", "verdict", "words"),
    [
        ("b2", fixed_predict, True, "✓ the bug is b2"),
        (" B_2 ", fixed_predict, True, "✓"),
        ("w1", fixed_predict, False, "not the parameter the gradient check flags"),
        (2, fixed_predict, False, "parameter name in quotes"),
        ("b2", predict_still_s, False, "still adds S = 0.5"),
        ("b2", predict_no_b2, False, "b2 is missing"),
        ("b2", fixed_predict_stub, False, NOT_YET),
        (..., fixed_predict_stub, False, NOT_YET),
        (..., stub_not_implemented, False, NOT_YET),
        ("b2", fixed_predict_not_implemented, False, NOT_YET),
    ],
)
def test_check_bug_fix_needs_the_parameter_and_the_fixed_forward_pass(
    suspect, predict, verdict, words, capsys
):
    assert ex.check_bug_fix(suspect, predict) is verdict
    assert words in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# The learning-rate exercise: at LR_EPOCHS = 2500, lr in about [0.13, 0.33] works, >= 0.34 diverges
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lr", [0.15, 0.2, 0.3, np.float64(0.25), np.array(0.3)], ids=repr)
def test_check_learning_rate_accepts_a_rate_that_reaches_the_floor(lr, capsys):
    assert ex.check_learning_rate(lr) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ ") and f"of {ex.LR_EPOCHS}" in out


@pytest.mark.parametrize("lr", [0.01, 0.05, 0.1])
def test_check_learning_rate_says_too_small_with_the_loss_reached(lr, capsys):
    assert ex.check_learning_rate(lr) is False
    out = capsys.readouterr().out
    assert "too small: the loss is still" in out
    assert f"after {ex.LR_EPOCHS} epochs (need ≤ {ex.LR_TARGET:.4g}" in out


@pytest.mark.parametrize("lr", [0.36, 0.5, 2, 1e6])
def test_check_learning_rate_says_too_large_when_training_diverges(lr, capsys):
    assert ex.check_learning_rate(lr) is False
    out = capsys.readouterr().out
    assert "too large: training diverged at epoch" in out


@pytest.mark.parametrize(
    "lr", [0, -0.1, float("nan"), float("inf"), "0.1", None, True, [0.1], 1j], ids=repr
)
def test_check_learning_rate_rejects_what_is_not_a_positive_number(lr, capsys):
    assert ex.check_learning_rate(lr) is False
    assert "positive number" in capsys.readouterr().out


def test_check_learning_rate_is_kind_to_the_stub(capsys):
    assert ex.check_learning_rate(...) is False
    assert NOT_YET in capsys.readouterr().out


def test_the_diverging_rate_diverges_where_the_checker_says():
    data = bp.bump_data(seed=0)
    with pytest.warns(bp.TrainingDiverged):
        hist = bp.train(bp.Network(10, "tanh", seed=0), *data, lr=0.36, epochs=ex.LR_EPOCHS)
    assert hist.diverged
    good = bp.train(bp.Network(10, "tanh", seed=0), *data, lr=0.3, epochs=ex.LR_EPOCHS)
    assert not good.diverged and good.epochs_to(ex.LR_TARGET) <= ex.LR_EPOCHS
