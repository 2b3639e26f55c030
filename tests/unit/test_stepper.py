"""The backprop stepper: buttons move through the steps, and the numbers it shows are the
package's gradients for that sample."""

import numpy as np
import pytest

import backproplab as bp
from backproplab.graph import fmt, fmt_html


def _press(button):
    button.click()  # runs the on_click handlers, as a press in the browser does


def test_default_stepper_uses_a_small_network_and_the_first_bump_sample():
    stepper = bp.BackpropStepper()
    data = bp.bump_data(seed=0)
    assert stepper.net.hidden == 3
    assert stepper.steps.x == data.x[0] and stepper.steps.y == data.y[0]
    assert stepper.position == 0


def test_next_walks_forward_then_backward_and_stops_at_the_end():
    stepper = bp.BackpropStepper()
    names = []
    for _ in range(len(stepper.steps) + 3):
        _press(stepper.next_button)
        names.append(stepper.current.name)
    assert names[:5] == ["z", "h", "f", "r", "L"]
    assert names[5] == "dL/dL" and names[-1] == "dL/db1"
    assert stepper.position == len(stepper.steps)
    assert stepper.next_button.disabled


def test_back_and_reset_move_the_position_back():
    stepper = bp.BackpropStepper()
    assert stepper.back_button.disabled
    for _ in range(7):
        _press(stepper.next_button)
    _press(stepper.back_button)
    assert stepper.position == 6 and stepper.current.name == "dL/dL"
    _press(stepper.reset_button)
    assert stepper.position == 0 and stepper.current is None
    assert "dL/dL" not in stepper.table.value


def test_each_backward_step_shows_upstream_local_and_their_product():
    stepper = bp.BackpropStepper()
    for _ in range(len(stepper.steps.forward)):
        stepper.next()
    for s in stepper.steps.backward:
        stepper.next()
        assert np.array_equal(np.asarray(s.downstream), np.asarray(s.upstream) * s.local)
        shown = stepper.detail.value
        for value in (s.upstream, s.local, s.downstream):
            assert fmt(value, stepper.digits) in shown, s.name
        assert "upstream" in shown and "local" in shown and "downstream" in shown


@pytest.mark.parametrize("activation,k", [("sigmoid", 3), ("tanh", 5), ("relu", 2)])
def test_stepper_numbers_equal_loss_and_grads_for_its_sample(activation, k):
    net = bp.Network(k, activation, seed=4)
    stepper = bp.BackpropStepper(net, 0.3, 0.2)
    loss, grads = net.loss_and_grads(np.array([0.3]), np.array([0.2]))
    while stepper.position < len(stepper.steps):
        stepper.next()
    assert stepper.steps.loss == loss
    table = stepper.table.value
    assert fmt(loss, stepper.digits) in table
    for name in bp.PARAM_NAMES:
        np.testing.assert_allclose(stepper.steps.grads[name], grads[name], rtol=1e-14)
        assert fmt_html(grads[name], stepper.digits) in table, name


def test_static_picture_is_the_full_table_next_to_the_widget_view():
    stepper = bp.BackpropStepper()
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    for s in stepper.steps:
        assert f">{s.name}<" in page
    assert page.count("<tr") == len(stepper.steps) + 2  # + one header row per table
    assert "BackpropStepper" in bundle["text/plain"]


def test_x_without_y_is_refused():
    with pytest.raises(ValueError, match="x and y"):
        bp.BackpropStepper(x=0.2)


def test_bad_sample_names_the_argument():
    with pytest.raises(ValueError, match="^x must"):
        bp.BackpropStepper(x=float("nan"), y=0.0)


# -- any Tensor graph (chapter 10) ------------------------------------------------------------
def _square_graph():
    x = bp.Tensor(3.0, name="x")
    return x, x * x


def test_a_tensor_graph_steps_forward_then_backward_with_the_fork_summed():
    x, loss = _square_graph()
    stepper = bp.BackpropStepper(loss)
    names = []
    while not stepper.next_button.disabled:
        _press(stepper.next_button)
        names.append(stepper.current.name)
    assert names == ["x", "L", "dL/dL", "dL/dx (1)", "dL/dx (2)", "dL/dx"]
    fork = stepper.current
    assert [float(t) for t in fork.upstream] == [3.0, 3.0] and fork.downstream == 6.0
    assert "3 + 3" in stepper.detail.value and "6" in stepper.detail.value
    assert "fork" in stepper.describe().lower()
    assert x.grad == 0.0  # the stepper leaves the tensors' own gradients alone


def test_tensor_stepper_edges_show_upstream_times_local_summed_to_shape():
    rng = np.random.default_rng(1)
    w = bp.Tensor(rng.normal(size=(3,)), name="w")
    b = bp.Tensor(0.5, name="b")
    x = rng.normal(size=(4, 3))
    h = (x * w + b).tanh()  # w broadcasts over the 4 rows, b over everything
    h.name = "h"
    loss = (h.sum(axis=1) ** 2).mean()
    stepper = bp.BackpropStepper(loss)
    for step in stepper.steps.backward[1:]:
        if isinstance(step.upstream, bp.graph.Terms):
            np.testing.assert_allclose(sum(step.upstream), step.downstream)
            continue
        upstream, shape = np.asarray(step.upstream), np.shape(step.downstream)
        if "sum of the entries" in step.label and upstream.shape != ():  # over axis 1: copied back
            upstream = upstream[:, None]
        product = upstream * step.local
        if "of the entries" in step.label:  # a sum or mean: the upstream copied to every entry
            product = np.broadcast_to(product, shape)
        np.testing.assert_allclose(bp.autograd.sum_to(np.asarray(product), shape), step.downstream)
    loss.backward()
    np.testing.assert_allclose(stepper.steps.grads["w"], w.grad)
    np.testing.assert_allclose(stepper.steps.grads["b"], b.grad)


def test_tensor_stepper_matmul_steps_keep_the_order_of_the_product():
    a = bp.Tensor(np.arange(6.0).reshape(2, 3) / 10, name="A")
    v = bp.Tensor(np.array([1.0, -1.0, 0.5]), name="u")
    loss = ((a @ v) ** 2).sum()
    steps = bp.BackpropStepper(loss).steps
    loss.backward()
    np.testing.assert_allclose(steps["dL/dA"].downstream, a.grad)
    np.testing.assert_allclose(steps["dL/du"].downstream, v.grad)
    assert "@" in steps["dL/dA"].formula


def test_tensor_stepper_static_picture_is_the_drawing_and_the_full_table():
    _, loss = _square_graph()
    stepper = bp.BackpropStepper(loss)
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert page.startswith('<img class="stepper-graph" src="data:image/png;base64,')
    assert page.count("<tr") == len(stepper.steps) + 2
    assert "3 + 3" in page and "dL/dx" in page
    assert "2 nodes" in bundle["text/plain"]
    _press(stepper.next_button)
    _press(stepper.reset_button)
    assert stepper.position == 0 and "Press next" in stepper.detail.value


def test_tensor_stepper_refuses_a_sample_and_a_non_scalar_loss():
    x, loss = _square_graph()
    with pytest.raises(ValueError, match="x or y"):
        bp.BackpropStepper(loss, 0.1, 0.2)
    with pytest.raises(ValueError, match="scalar"):
        bp.BackpropStepper(bp.Tensor(np.ones(2)) * 2)
    with pytest.raises(TypeError, match="loss must be a bp.Tensor"):
        bp.tensor_steps(3.0)


def test_the_course_network_as_a_tensor_graph_steps_to_loss_and_grads():
    data = bp.bump_data(n=5, seed=2)
    net = bp.Network(3, "sigmoid", seed=0)
    loss, params = bp.tensor_loss(net, data.x, data.y)
    stepper = bp.BackpropStepper(loss)
    _, grads = net.loss_and_grads(data.x, data.y)
    for name in bp.PARAM_NAMES:
        np.testing.assert_allclose(stepper.steps.grads[name], grads[name], rtol=1e-12, atol=1e-15)
    assert all(p.grad is not None and not p.grad.any() for p in params.values())


def test_the_live_stepper_draws_the_graph_without_the_answers():
    _, loss = _square_graph()
    stepper = bp.BackpropStepper(loss)
    assert stepper.picture != stepper.full_picture
    assert "gradient" not in stepper.picture and "gradient" in stepper.full_picture
    assert stepper.picture in stepper.widget.children[0].value
