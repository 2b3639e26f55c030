"""Chapter 10's checkers: right rules pass, each common slip is named, none raise."""

import numpy as np
import pytest

import backproplab as bp
from backproplab import exercises as ex
from backproplab.autograd import sum_to

SEEDS = (0, 1, 2)


# -- student answers for *, right and wrong, as a student would write them ------------------
def mul_backward(a, b, out):
    a.grad += sum_to(out.grad * b.value, a.shape)
    b.grad += sum_to(out.grad * a.value, b.shape)


def mul_plain_sum(a, b, out):  # also right: += with the sum written out
    a.grad = a.grad + sum_to(b.value * out.grad, a.shape)
    b.grad = b.grad + sum_to(a.value * out.grad, b.shape)


def mul_no_upstream(a, b, out):
    a.grad += sum_to(b.value + 0 * out.value, a.shape)
    b.grad += sum_to(a.value + 0 * out.value, b.shape)


def mul_no_upstream_plain(a, b, out):
    a.grad += b.value
    b.grad += a.value


def mul_swapped(a, b, out):
    a.grad += sum_to(out.grad * a.value, a.shape)
    b.grad += sum_to(out.grad * b.value, b.shape)


def mul_assign(a, b, out):
    a.grad = sum_to(out.grad * b.value, a.shape)
    b.grad = sum_to(out.grad * a.value, b.shape)


def mul_no_sum(a, b, out):
    a.grad += out.grad * b.value
    b.grad += out.grad * a.value


def mul_assign_no_sum(a, b, out):
    a.grad = out.grad * b.value
    b.grad = out.grad * a.value


def mul_only_a(a, b, out):
    a.grad += sum_to(out.grad * b.value, a.shape)


def mul_in_place(a, b, out):
    g = out.grad
    g *= b.value  # changes out.grad itself
    a.grad += sum_to(g, a.shape)
    b.grad += sum_to(out.grad * a.value, b.shape)


def mul_changes_value(a, b, out):
    mul_backward(a, b, out)
    a.value *= 1.5


def mul_sum_wrong_axis(a, b, out):  # sums, but over the last axis instead of the broadcast ones
    ga, gb = out.grad * b.value, out.grad * a.value
    a.grad += ga if ga.shape == a.shape else ga.sum(axis=-1)
    b.grad += gb if gb.shape == b.shape else gb.sum(axis=-1)


def mul_sum_to_other_shape(a, b, out):  # sum_to with the other input's shape
    a.grad += sum_to(out.grad * b.value, b.shape)
    b.grad += sum_to(out.grad * a.value, a.shape)


def mul_returns(a, b, out):  # returns the gradients instead of adding them
    return sum_to(out.grad * b.value, a.shape), sum_to(out.grad * a.value, b.shape)


def mul_sums_everything(a, b, out):
    a.grad += np.sum(out.grad * b.value)
    b.grad += np.sum(out.grad * a.value)


def mul_minus(a, b, out):
    a.grad -= sum_to(out.grad * b.value, a.shape)
    b.grad -= sum_to(out.grad * a.value, b.shape)


def mul_changes_b_then_restores_nothing(a, b, out):  # the other input changed in place
    a.grad += sum_to(out.grad * b.value, a.shape)
    b.value[...] = 0.0
    b.grad += sum_to(out.grad * a.value, b.shape)


def mul_resets(a, b, out):  # clears .grad first, then adds: a fork loses its first use
    a.grad = np.zeros_like(a.value)
    a.grad += sum_to(out.grad * b.value, a.shape)
    b.grad = np.zeros_like(b.value)
    b.grad += sum_to(out.grad * a.value, b.shape)


def mul_out_value(a, b, out):  # the node's output where its upstream gradient belongs
    a.grad += sum_to(out.value * b.value, a.shape)
    b.grad += sum_to(out.value * a.value, b.shape)


def mul_no_local(a, b, out):
    a.grad += sum_to(out.grad, a.shape)
    b.grad += sum_to(out.grad, b.shape)


def mul_einsum(a, b, out):  # also right: the broadcast sums written by hand
    def back(g, shape):
        g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
        axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
        return g.sum(axis=axes, keepdims=True) if axes else g

    a.grad = a.grad + back(np.multiply(out.grad, b.value), a.shape)
    b.grad = b.grad + back(np.multiply(out.grad, a.value), b.shape)


def mul_out_first(out, a, b):  # right, but its parameters are in another order
    a.grad += sum_to(out.grad * b.value, a.shape)
    b.grad += sum_to(out.grad * a.value, b.shape)


def mul_stub(a, b, out):
    raise NotImplementedError("write the rule of *")


# -- and for tanh ---------------------------------------------------------------------------
def tanh_backward(a, out):
    a.grad += out.grad * (1 - out.value**2)


def tanh_from_input(a, out):  # also right: tanh'(a) from a itself
    a.grad += out.grad * (1 - np.tanh(a.value) ** 2)


def tanh_one_minus(a, out):
    a.grad += out.grad * (1 - out.value)


def tanh_no_upstream(a, out):
    a.grad += 1 - out.value**2


def tanh_assign(a, out):
    a.grad = out.grad * (1 - out.value**2)


def tanh_on_input(a, out):
    a.grad += out.grad * (1 - a.value**2)


def tanh_plus(a, out):
    a.grad += out.grad * (1 + out.value**2)


def tanh_itself(a, out):
    a.grad += out.grad * out.value


def tanh_sigmoid_prime(a, out):  # the derivative of the course's other activation
    a.grad += out.grad * out.value * (1 - out.value)


def tanh_square_of_difference(a, out):
    a.grad += out.grad * (1 - out.value) ** 2


def tanh_minus(a, out):
    a.grad -= out.grad * (1 - out.value**2)


def tanh_with_math(a, out):
    import math

    a.grad += out.grad * (1 - math.tanh(a.value) ** 2)


def tanh_resets(a, out):
    a.grad = 0
    a.grad += out.grad * (1 - out.value**2)


def tanh_out_value(a, out):
    a.grad += out.value * (1 - out.value**2)


def tanh_cosh(a, out):  # also right: 1/cosh², from the input
    a.grad += out.grad / np.cosh(a.value) ** 2


def tanh_factored(a, out):  # also right: (1 − t)(1 + t)
    a.grad = a.grad + out.grad * (1 - out.value) * (1 + out.value)


def tanh_returns(a, out):
    return out.grad * (1 - out.value**2)


def tanh_squares_out_in_place(a, out):  # the node's own value changed in place
    out.value **= 2
    a.grad += out.grad * (1 - out.value)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rule", [mul_backward, mul_plain_sum, mul_einsum])
def test_right_rules_for_mul_pass(rule, seed, capsys):
    assert ex.check_mul_backward(rule, seed=seed) is True
    assert capsys.readouterr().out.startswith("✓ mul_backward gives the gradients")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rule", [tanh_backward, tanh_from_input, tanh_cosh, tanh_factored])
def test_right_rules_for_tanh_pass(rule, seed, capsys):
    assert ex.check_tanh_backward(rule, seed=seed) is True
    assert capsys.readouterr().out.startswith("✓ tanh_backward gives the gradients")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "rule, words",
    [
        (mul_no_upstream, "the upstream gradient is missing"),
        (mul_no_upstream_plain, "the upstream gradient is missing"),
        (mul_swapped, "operands swapped"),
        (mul_assign, "`=` where `+=` belongs"),
        (mul_no_sum, "the broadcast was not summed back"),
        (mul_assign_no_sum, "the broadcast was not summed back"),
        (mul_only_a, "b.grad is never updated"),
        (mul_in_place, "changed out.grad, the upstream gradient, in place"),
        (mul_changes_value, "changed a .value in place"),
        (mul_changes_b_then_restores_nothing, "changed a .value in place"),
        (mul_sum_wrong_axis, "summed, but not to the input's shape"),
        (mul_sum_to_other_shape, "its own shape"),
        (mul_returns, "ignores what a rule returns"),
        (mul_sums_everything, "every entry was summed into one number"),
        (mul_minus, "the sign is flipped"),
        (mul_resets, "your rule resets .grad before adding"),
        (mul_out_value, "out.value where out.grad belongs"),
        (mul_no_local, "the local gradient is missing"),
        (mul_out_first, "takes its arguments in another order, (out, a, b)"),
    ],
)
def test_each_slip_in_mul_is_named(rule, words, seed, capsys):
    assert ex.check_mul_backward(rule, seed=seed) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ mul_backward") and words in out, out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "rule, words",
    [
        (tanh_one_minus, "tanh′ written as 1 − tanh"),
        (tanh_no_upstream, "the upstream gradient is missing"),
        (tanh_assign, "`=` where `+=` belongs"),
        (tanh_on_input, "uses the input"),
        (tanh_plus, "the square is subtracted"),
        (tanh_itself, "not by its derivative"),
        (tanh_sigmoid_prime, "the sigmoid's derivative"),
        (tanh_square_of_difference, "squares the difference"),
        (tanh_minus, "the sign is flipped"),
        (tanh_with_math, "use numpy's"),
        (tanh_returns, "ignores what a rule returns"),
        (tanh_squares_out_in_place, "changed a .value in place"),
        (tanh_resets, "your rule resets .grad before adding"),
        (tanh_out_value, "out.value where out.grad belongs"),
        (lambda out, a: tanh_backward(a, out), "takes its arguments in another order, (out, a)"),
    ],
)
def test_each_slip_in_tanh_is_named(rule, words, seed, capsys):
    assert ex.check_tanh_backward(rule, seed=seed) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ tanh_backward") and words in out, out


def test_the_stub_is_not_yet_not_wrong(capsys):
    assert ex.check_mul_backward(mul_stub) is False
    assert ex.check_tanh_backward(...) is False
    out = capsys.readouterr().out
    assert out.count("not implemented yet") == 2 and "✗" not in out


@pytest.mark.parametrize("thing", [None, 3, "mul", [mul_backward], lambda a: None, lambda: 1])
def test_rule_checkers_never_raise_on_absurd_answers(thing, capsys):
    assert ex.check_mul_backward(thing) is False
    assert ex.check_tanh_backward(thing) is False
    out = capsys.readouterr().out
    assert "could not finish" not in out


def test_an_exception_is_quoted_at_the_students_line(capsys):
    def rule(a, b, out):
        a.grad += sum_to(out.grad * b.val, a.shape)  # a typo: .val

    ex.check_mul_backward(rule)
    out = capsys.readouterr().out
    assert "it raised AttributeError" in out and "out.grad * b.val, a.shape" in out


def test_a_memorised_rule_cannot_pass_because_the_graphs_change(capsys):
    values = {}

    def memorise(a, b, out):
        values.setdefault(a.shape, sum_to(out.grad * b.value, a.shape))
        values.setdefault(("b",) + b.shape, sum_to(out.grad * a.value, b.shape))
        a.grad += values[a.shape]
        b.grad += values[("b",) + b.shape]

    ex.check_mul_backward(memorise, seed=0)
    assert ex.check_mul_backward(memorise, seed=1) is False


# -- find the bug -----------------------------------------------------------------------------
def _bug_line_number():
    return next(
        i
        for i, line in enumerate(ex.BUGGY_AUTOGRAD.splitlines(), 1)
        if line.strip() == "parent.grad = downstream"
    )


def test_the_buggy_autograd_is_right_on_a_chain_and_wrong_at_a_fork():
    a = np.array([0.3, -1.2, 0.8])
    v = ex.Value(a)
    (v * ex.Value(2.0 * np.ones(3))).tanh().sum().backward()
    np.testing.assert_allclose(v.grad, 2 * (1 - np.tanh(2 * a) ** 2))
    w = ex.Value(a)
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, a)  # only one of the two uses: 2a is right
    assert bp.grad_check is not None


@pytest.mark.parametrize(
    "bug, fix",
    [
        ("number", "parent.grad += downstream"),
        ("text", "parent.grad = parent.grad + downstream"),
        ("text", "    parent.grad += downstream   "),
        ("number as text", "parent.grad += downstream"),
        ("line N", "parent.grad += downstream"),
        ("float", "parent.grad += downstream"),
        ("pasted", "parent.grad += downstream  # forks add"),
        ("commented", "parent.grad = downstream + parent.grad"),
        ("number", f"{_bug_line_number()}  parent.grad += downstream"),  # pasted with its number
        ("number", "`parent.grad += downstream`"),
        ("number", "g = downstream\nparent.grad = parent.grad + g"),  # two lines
        ("number", "parent.grad = np.add(parent.grad, downstream)"),
        ("number as text", "parent.grad[...] += downstream"),
    ],
)
def test_naming_the_line_and_adding_passes(bug, fix, capsys):
    n = _bug_line_number()
    line = {
        "number": n,
        "text": "parent.grad = downstream",
        "number as text": str(n),
        "line N": f"line {n}",
        "float": float(n),
        "pasted": ex.numbered_source().splitlines()[n - 1],
        "commented": "parent.grad = downstream  # this one",
    }[bug]
    assert ex.check_fork_fix(line, fix) is True
    assert capsys.readouterr().out.startswith(f"✓ the bug is line {_bug_line_number()}")


@pytest.mark.parametrize(
    "bug, fix, words",
    [
        ("self.grad = np.ones_like(self.value)", "", "is not the line with the bug"),
        (10, "", "is not the line with the bug"),
        (999, "", "there is no line 999"),
        (None, "", "the line's number or its text"),
        ("bug", "parent.grad = downstream", "the buggy line itself"),
        ("bug", "parent.grad = 2 * downstream", "must ADD at a fork"),
        ("bug", "parent.grad -= downstream", "`-=` subtracts each use's gradient"),
        ("bug", "parent.grad += 2 * downstream", "still wrong"),
        ("bug", "parent.grad +=", "not valid Python — a syntax error"),
        ("bug", "parent.grad =+ downstream", "`=+` is not `+=`"),
        ("bug", "parent.grad = downstream + 0", "your line still overwrites"),
        (
            "bug",
            "parent.grad = np.zeros_like(parent.grad); parent.grad += downstream",
            "sets parent.grad to 0 and then adds",
        ),
        (
            "bug",
            "parent.grad = 0\nparent.grad += downstream",
            "sets parent.grad to 0 and then adds",
        ),
        (
            "bug",
            "parent.grad += downstream * node.grad",
            "multiplying by node.grad again counts it twice",
        ),
        ("bug", "parent.grad += node.grad", "node.grad is the upstream gradient"),
        ("bug", "parent.grad = downstream  # fixed it", "the buggy line itself, unchanged"),
        ("bug", "parent.grad += downstream)", "a syntax error (unmatched ')')"),
        ("parent.grad += downstream", "bug", "the arguments are in the wrong order"),
        (
            "parent.grad += downstream",
            "parent.grad = downstream",
            "the arguments are in the wrong order",
        ),
        ("bug", 42, "the corrected line as text"),
        ("bug", "raise RuntimeError('no')", "the autograd raised RuntimeError"),
        ("bug", "node.grad += downstream", "must update parent.grad"),
        ("bug", "self.grad = self.grad + downstream", "must update parent.grad"),
        ("bug", "parent.grad + downstream", "must ADD at a fork"),
        ("38", "parent.grad += downstream", "is not the line with the bug"),
        (39.5, "parent.grad += downstream", "the line's number or its text"),
    ],
)
def test_wrong_answers_to_the_bug_hunt_are_explained(bug, fix, words, capsys):
    line = _bug_line_number() if bug == "bug" else bug
    fix = _bug_line_number() if fix == "bug" else fix
    assert ex.check_fork_fix(line, fix) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ find the bug") and words in out, out


def test_the_bug_hunt_stub_is_not_yet(capsys):
    assert ex.check_fork_fix(..., ...) is False
    assert "not implemented yet" in capsys.readouterr().out


def test_the_numbered_listing_is_the_source():
    listing = ex.numbered_source().splitlines()
    assert len(listing) == len(ex.BUGGY_AUTOGRAD.splitlines())
    assert listing[_bug_line_number() - 1].split(None, 1)[1] == "parent.grad = downstream"


# -- the prediction: the stepper's answer, and the check the chapter prints ----------------------
def test_the_stepper_shows_d_x_squared_as_three_plus_three():
    x = bp.Tensor(3.0, name="x")
    stepper = bp.BackpropStepper(x * x)
    fork = stepper.steps["dL/dx"]
    assert [float(t) for t in fork.upstream] == [3.0, 3.0] and float(fork.downstream) == 6.0


def test_the_value_grad_check_passes_the_chain_and_flags_every_fork():
    report = ex.value_grad_check()
    chain, *forks = report.rows
    assert "chain" in chain.graph and chain.ok and len(forks) == 3
    assert not any(row.ok for row in forks)
    assert "WRONG" in str(report)
    fixed = ex.ch10.buggy_value_class(
        ex.BUGGY_AUTOGRAD.replace("parent.grad = downstream", "parent.grad += downstream")
    )
    assert all(row.ok for row in ex.value_grad_check(fixed).rows)
