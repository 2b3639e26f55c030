"""bp.Tensor: every gradient equals central differences, forks add, broadcasting sums back,
and the course's networks rebuilt from Tensor operations give loss_and_grads' gradients."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import backproplab as bp
from backproplab.autograd import Tensor, sum_to


def central(fn, leaves, eps=1e-6):
    """Central differences of the scalar fn(*values) for every entry of every leaf."""
    values = [np.array(leaf, dtype=np.float64) for leaf in leaves]
    grads = []
    for v in values:
        g = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            old = v[i]
            v[i] = old + eps
            up = fn(*values)
            v[i] = old - eps
            down = fn(*values)
            v[i] = old
            g[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def tensor_grads(fn, leaves):
    ts = [Tensor(v) for v in leaves]
    out = fn(*ts)
    out.backward()
    return float(out.value), [t.grad for t in ts]


def value_of(fn):
    return lambda *vs: float(fn(*(Tensor(v) for v in vs)).value)


def assert_grads_match(fn, leaves, rtol=1e-6, atol=1e-8):
    _, grads = tensor_grads(fn, leaves)
    for got, want in zip(grads, central(value_of(fn), leaves), strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# -- the design brief's example and single operations --------------------------------------
def test_design_example_gives_the_hand_derived_gradient():
    t = Tensor(np.array([1.0, 2.0]))
    loss = ((t * t).sum() - 3.0) ** 2
    loss.backward()
    # L = (sum t^2 - 3)^2, dL/dt = 2 (sum t^2 - 3) 2 t
    np.testing.assert_allclose(t.grad, 2 * (5.0 - 3.0) * 2 * np.array([1.0, 2.0]))
    assert t.grad.shape == t.shape and loss.value == 4.0


rng = np.random.default_rng(0)
A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
u, v = rng.normal(size=4), rng.normal(size=3)


@pytest.mark.parametrize(
    "name, fn, leaves",
    [
        ("add", lambda a, b: (a + b).sum(), [v, v[::-1].copy()]),
        ("sub", lambda a, b: ((a - b) ** 2).sum(), [v, 2 * v]),
        ("mul", lambda a, b: (a * b).sum(), [v, v + 1]),
        ("div", lambda a, b: (a / b).sum(), [v, v * v + 1]),
        ("matmul 2-D @ 2-D", lambda a, b: (a @ b).tanh().sum(), [A, B]),
        ("matmul 2-D @ 1-D", lambda a, b: ((a @ b) ** 2).sum(), [A, u]),
        ("matmul 1-D @ 2-D", lambda a, b: ((a @ b) ** 2).sum(), [v, A]),
        ("matmul 1-D @ 1-D", lambda a, b: (a @ b) ** 2, [u, u + 1]),
        ("pow 3", lambda a: (a**3).sum(), [v]),
        ("pow -1", lambda a: (a**-1).sum(), [v * v + 0.5]),
        ("neg", lambda a: (-a * a).sum(), [v]),
        ("sum axis 0", lambda a: (a.sum(axis=0) ** 2).sum(), [A]),
        ("sum axis 1", lambda a: (a.sum(axis=1) ** 2).sum(), [A]),
        ("sum axis tuple", lambda a: a.sum(axis=(0, 1)) ** 2, [A]),
        ("mean axis 0", lambda a: (a.mean(axis=0) ** 2).sum(), [A]),
        ("mean", lambda a: a.mean() ** 2, [A]),
        ("tanh", lambda a: a.tanh().sum(), [A]),
        ("sigmoid", lambda a: a.sigmoid().sum(), [A]),
        ("relu", lambda a: (a.relu() * a).sum(), [A]),
    ],
)
def test_each_operation_matches_central_differences(name, fn, leaves):
    assert_grads_match(fn, leaves)


def test_activations_reuse_the_package_functions():
    z = np.linspace(-800, 800, 9)
    for name in ("tanh", "sigmoid", "relu"):
        np.testing.assert_array_equal(getattr(Tensor(z), name)().value, getattr(bp, name)(z))


# -- forks and broadcasting ----------------------------------------------------------------
def test_a_value_used_twice_receives_the_sum_of_both_gradients():
    x = Tensor(3.0)
    (x * x).backward()
    assert x.grad == 6.0  # 3 from each use, not 3


def test_the_residual_used_twice_by_the_loss_adds_its_gradients():
    f, y = Tensor(np.array([0.5, -1.0, 2.0])), np.array([0.0, 1.0, 1.0])
    r = f - y
    loss = (r * r).mean()  # r feeds both sides of *
    loss.backward()
    np.testing.assert_allclose(r.grad, 2 * (f.value - y) / 3)


def test_a_value_feeding_different_nodes_adds_their_gradients():
    assert_grads_match(lambda a: (a.tanh() * a + a.sigmoid() / (a * a + 1)).sum(), [v])


@pytest.mark.parametrize(
    "left, right",
    [((3, 4), (4,)), ((3, 4), (3, 1)), ((3, 4), ()), ((1, 4), (3, 1)), ((2, 3, 4), (3, 4))],
)
def test_broadcast_gradients_are_summed_back_to_each_input_shape(left, right):
    a, b = rng.normal(size=left), rng.normal(size=right) + 2.0
    for fn in (
        lambda p, q: ((p * q) ** 2).sum(),
        lambda p, q: ((p + q).tanh()).sum(),
        lambda p, q: (p / q - q).sum(),
    ):
        _, (ga, gb) = tensor_grads(fn, [a, b])
        assert ga.shape == left and gb.shape == right
        assert_grads_match(fn, [a, b])


def test_plain_numbers_and_arrays_work_on_either_side():
    t = Tensor(np.array([1.0, 2.0]))
    for out in (2.0 * t, t * 2, np.array([2.0, 2.0]) * t, 1 + t + 1, 3 - t, 1 / t, t / 2):
        assert isinstance(out, Tensor)
    out = (np.ones((2, 2)) @ t).sum() + (t @ np.ones(2))
    out.backward()
    np.testing.assert_allclose(t.grad, [3.0, 3.0])


def test_sum_to_undoes_broadcasting():
    g = np.ones((2, 3, 4))
    assert sum_to(g, (3, 1)).shape == (3, 1) and sum_to(g, (3, 1))[0, 0] == 8
    assert sum_to(g, ()).shape == () and sum_to(g, ()) == 24


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 4, 3), (2, 6)])
def test_sum_to_a_shape_that_was_not_broadcast_names_both_shapes(shape):
    with pytest.raises(ValueError, match=r"shape \(4, 3\) back to shape"):
        sum_to(np.ones((4, 3)), shape)


def test_a_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be"):
        Tensor(1.0, name=3)


# -- backward: once per node, again after zero_grad ----------------------------------------
def test_backward_visits_each_node_once_in_a_diamond():
    x = Tensor(0.7)
    calls = []
    a = x.tanh()
    b, c = a * 2.0, a * a
    out = b + c
    for node in out.graph():
        if node.parents:
            original = node._backward
            node._backward = lambda n=node, f=original: (calls.append(id(n)), f())
    out.backward()
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 4
    t = np.tanh(0.7)
    assert x.grad == pytest.approx((2 + 2 * t) * (1 - t * t), rel=1e-14)


def test_backward_again_accumulates_and_zero_grad_resets():
    x = Tensor(np.array([1.0, -2.0]))
    loss = (x * x * x).sum()
    loss.backward()
    first = x.grad.copy()
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * first)
    loss.zero_grad()
    assert not x.grad.any() and not loss.grad.any()
    loss.backward()
    np.testing.assert_allclose(x.grad, first)


def test_a_deep_chain_does_not_hit_the_recursion_limit():
    x = Tensor(0.1)
    out = x
    for _ in range(5000):
        out = out * 1.0
    out.backward()
    assert x.grad == 1.0


def test_backward_with_a_seed_on_a_non_scalar():
    x = Tensor(np.array([1.0, 2.0]))
    (x * 3.0).backward(grad=np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad, [3.0, 30.0])


# -- clear errors ---------------------------------------------------------------------------
def test_backward_on_a_non_scalar_without_a_seed_says_what_to_do():
    with pytest.raises(ValueError, match=r"scalar.*shape \(2,\).*grad="):
        (Tensor(np.ones(2)) * 2).backward()
    with pytest.raises(ValueError, match=r"grad must have"):
        Tensor(np.ones(2)).backward(grad=np.ones(3))


def test_shapes_that_cannot_broadcast_are_named():
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        Tensor(np.ones(3)) + np.ones(4)
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2,\)"):
        Tensor(np.ones((2, 3))) * Tensor(np.ones(2))
    with pytest.raises(ValueError, match=r"\(3, 2\) @ \(3,\)"):
        Tensor(np.ones((3, 2))) @ np.ones(3)


@pytest.mark.parametrize("bad", ["abc", None, [1, "a"], [[1, 2], [3]], {"a": 1}, True, 1 + 2j])
def test_a_non_numeric_operand_is_a_type_error_naming_it(bad):
    with pytest.raises(TypeError, match="Tensor combines with"):
        Tensor(1.0) * bad
    with pytest.raises(TypeError, match="value must be"):
        Tensor(bad)


def test_powers_must_be_integers_and_axes_valid():
    with pytest.raises(TypeError, match="integer"):
        Tensor(2.0) ** 0.5
    with pytest.raises(ValueError, match="divides by zero"):
        Tensor(np.array([0.0, 1.0])) ** -1
    with pytest.raises(ValueError, match="out of range"):
        Tensor(np.ones(3)).sum(axis=1)
    with pytest.raises(TypeError, match="axis"):
        Tensor(np.ones(3)).mean(axis="0")
    with pytest.raises(ValueError, match="axis .* twice"):
        Tensor(np.ones((2, 3))).sum(axis=(0, -2))


def test_a_tensor_owns_a_copy_of_its_value():
    a = np.array([1.0, 2.0])
    t = Tensor(a)
    a[0] = 99.0
    assert t.value[0] == 1.0 and t.value.dtype == np.float64


# -- the course's networks ------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_the_course_network_rebuilt_from_tensors_gives_loss_and_grads(activation):
    data = bp.bump_data(n=40, seed=3)
    net = bp.Network(hidden=6, activation=activation, seed=2)
    loss, params = bp.tensor_loss(net, data.x, data.y)
    loss.backward()
    want_loss, want = net.loss_and_grads(data.x, data.y)
    assert abs(float(loss.value) - want_loss) <= 1e-12
    for name, g in want.items():
        assert params[name].grad.shape == g.shape
        np.testing.assert_allclose(params[name].grad, g, rtol=0, atol=1e-12)


@pytest.mark.skipif(not hasattr(bp, "DeepNetwork"), reason="bp.DeepNetwork is not merged yet")
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_a_deep_network_rebuilt_from_tensors_gives_loss_and_grads(activation):
    data = bp.bump_data(n=40, seed=3)
    deep = bp.DeepNetwork(sizes=(1, 5, 4, 1), activation=activation, seed=1)
    loss, params = bp.tensor_loss(deep, data.x, data.y)
    loss.backward()
    want_loss, want = deep.loss_and_grads(data.x, data.y)
    assert abs(float(loss.value) - want_loss) <= 1e-12
    for name, g in want.items():
        np.testing.assert_allclose(params[name].grad, g, rtol=0, atol=1e-12)


def test_an_autograd_epoch_is_one_step_of_gradient_descent():
    data = bp.bump_data(n=30, seed=1)
    ours, ref = bp.Network(5, "tanh", seed=0), bp.Network(5, "tanh", seed=0)
    for _ in range(3):
        bp.autograd_epoch(ours, data.x, data.y, lr=0.1)
    bp.train(ref, data.x, data.y, lr=0.1, epochs=3)
    for name in bp.PARAM_NAMES:
        np.testing.assert_allclose(ours.params[name], ref.params[name], rtol=0, atol=1e-12)


def test_autograd_epochs_in_one_call_equal_one_call_per_epoch_and_check_lr():
    data = bp.bump_data(n=30, seed=1)
    one, many = bp.Network(4, "relu", seed=2), bp.Network(4, "relu", seed=2)
    for _ in range(4):
        last = bp.autograd_epoch(one, data.x, data.y, lr=0.05)
    assert bp.autograd_epoch(many, data.x, data.y, lr=0.05, epochs=4) == last
    for name in bp.PARAM_NAMES:
        np.testing.assert_array_equal(one.params[name], many.params[name])
    with pytest.raises(ValueError, match="lr"):
        bp.autograd_epoch(one, data.x, data.y, lr=0.0)
    with pytest.raises(ValueError, match="epochs"):
        bp.autograd_epoch(one, data.x, data.y, lr=0.1, epochs=0)


def test_inner_nodes_have_no_gradient_until_backward():
    t = bp.Tensor(np.ones(2))
    u = (t * 2.0).sum()
    assert u.grad is None and t.grad.shape == (2,)
    u.backward()
    assert u.grad == 1.0


# -- the property: random graphs, forks and broadcasting included ---------------------------
SHAPES = [(), (3,), (2, 3), (1, 3), (2, 1)]
BINARY = ["+", "-", "*", "/", "@"]
UNARY = ["neg", "pow2", "pow3", "pow-1", "sum", "sum0", "mean", "mean1", "tanh", "sigmoid", "relu"]


@st.composite
def programs(draw):
    """Leaves of mixed shapes, then a list of operations whose operands are any earlier
    value (so one value often feeds several nodes), and a final sum to a scalar."""
    shapes = draw(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3))
    leaves = [
        draw(hnp.arrays(np.float64, s, elements=st.floats(-1.5, 1.5, allow_subnormal=False)))
        for s in shapes
    ]
    steps = []
    for _ in range(draw(st.integers(1, 7))):
        op = draw(st.sampled_from(BINARY + UNARY))
        n = len(leaves) + len(steps)
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        steps.append((op, i, j))
    return leaves, steps


def run(program_leaves, steps, values):
    """Replay the program on Tensors; operations that do not apply are skipped."""
    pool = list(values)
    for op, i, j in steps:
        a, b = pool[i], pool[j]
        try:
            if op in BINARY:
                if op == "/":  # a denominator kept away from 0: 1 + b^2
                    out = a / (b * b + 1.0)
                elif op == "@":
                    out = a @ b
                else:
                    out = {"+": a.__add__, "-": a.__sub__, "*": a.__mul__}[op](b)
            elif op == "neg":
                out = -a
            elif op.startswith("pow"):
                p = int(op[3:])
                out = (a * a + 0.5) ** p if p < 0 else a**p
            elif op in ("sum0", "mean1"):
                axis = int(op[-1])
                out = getattr(a, op[:-1])(axis=axis) if a.value.ndim > axis else a
            else:
                out = getattr(a, op)()
        except ValueError:  # shapes that do not broadcast or multiply: skip this step
            out = a
        if np.max(np.abs(out.value), initial=0.0) > 1e3:
            out = a  # keep the values in a range where central differences are accurate
        pool.append(out)
    return pool[-1].sum()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graphs_have_the_gradients_of_central_differences(program):
    leaves, steps = program

    def fn(*ts):
        return run(leaves, steps, ts)

    out = fn(*(Tensor(v) for v in leaves))
    # relu's kink: central differences are meaningless within eps of it
    for node in out.graph():
        if node.op == "relu":
            assume(np.min(np.abs(node.parents[0].value), initial=1.0) > 1e-4)
    assert_grads_match(fn, leaves, rtol=1e-5, atol=1e-6)
