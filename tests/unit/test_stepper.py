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
