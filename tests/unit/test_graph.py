"""The one-sample computational graph: every backward step is upstream x local, and the
steps end in the package's gradients and in central differences."""

import numpy as np
import pytest

import backproplab as bp

CASES = [(act, k) for act in ("sigmoid", "tanh", "relu") for k in (1, 3, 10)]


def _sample(seed):
    data = bp.bump_data(n=5, seed=seed)
    return float(data.x[0]), float(data.y[0])


@pytest.mark.parametrize("activation,k", CASES)
def test_every_backward_step_is_upstream_times_local(activation, k):
    steps = bp.backprop_steps(bp.Network(k, activation, seed=k), *_sample(k))
    for s in steps.backward:
        assert np.array_equal(np.asarray(s.downstream), np.asarray(s.upstream) * s.local), s.name


@pytest.mark.parametrize("activation,k", CASES)
def test_each_step_takes_its_upstream_from_the_step_above(activation, k):
    steps = bp.backprop_steps(bp.Network(k, activation, seed=2), *_sample(2))
    parent = {"dL/dr": "dL/dL", "dL/df": "dL/dr", "dL/db2": "dL/df", "dL/dw2": "dL/df"}
    parent |= {"dL/dh": "dL/df", "dL/dz": "dL/dh", "dL/dw1": "dL/dz", "dL/db1": "dL/dz"}
    for child, above in parent.items():
        assert np.array_equal(steps[child].upstream, steps[above].downstream), child


@pytest.mark.parametrize("activation,k", CASES)
def test_final_gradients_equal_loss_and_grads_for_that_sample(activation, k):
    net = bp.Network(k, activation, seed=k + 7)
    x, y = _sample(k + 7)
    steps = bp.backprop_steps(net, x, y)
    loss, grads = net.loss_and_grads(np.array([x]), np.array([y]))
    assert steps.loss == pytest.approx(loss, rel=1e-15)
    for name in bp.PARAM_NAMES:
        assert steps.grads[name].shape == net.params[name].shape
        np.testing.assert_allclose(steps.grads[name], grads[name], rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("activation,k", CASES)
def test_final_gradients_match_central_differences(activation, k):
    net = bp.Network(k, activation, seed=3)
    x, y = 0.37, 0.12  # z stays away from relu's kink for these seeds
    steps = bp.backprop_steps(net, x, y)
    numeric = bp.numerical_grads(net, np.array([x]), np.array([y]))
    for name in bp.PARAM_NAMES:
        assert bp.relative_error(steps.grads[name], numeric[name]) < 1e-7, name


def test_forward_values_follow_the_model_equations():
    net = bp.Network(4, "tanh", seed=0)
    p = net.params
    steps = bp.backprop_steps(net, -0.4, 0.25)
    z = p["w1"] * -0.4 + p["b1"]
    np.testing.assert_allclose(steps["z"].value, z, rtol=1e-15)
    np.testing.assert_allclose(steps["h"].value, np.tanh(z), rtol=1e-15)
    f = float(np.tanh(z) @ p["w2"] + p["b2"])
    assert steps["f"].value == pytest.approx(f, rel=1e-14)
    assert steps["r"].value == pytest.approx(f - 0.25, rel=1e-14)
    assert steps["L"].value == pytest.approx((f - 0.25) ** 2, rel=1e-14)


def test_steps_run_forward_then_backward_from_the_loss_to_the_first_layer():
    steps = bp.backprop_steps(bp.Network(2, seed=0), 0.1, 0.0)
    assert [s.name for s in steps.forward] == ["z", "h", "f", "r", "L"]
    assert [s.name for s in steps.backward] == [
        "dL/dL",
        "dL/dr",
        "dL/df",
        "dL/db2",
        "dL/dw2",
        "dL/dh",
        "dL/dz",
        "dL/dw1",
        "dL/db1",
    ]
    assert steps["dL/dL"].downstream == 1.0
    assert all(s.formula and s.label for s in steps)


def test_backprop_steps_leaves_the_network_unchanged():
    net = bp.Network(3, seed=0)
    before = {n: p.copy() for n, p in net.params.items()}
    bp.backprop_steps(net, 0.5, 0.5)
    for name in bp.PARAM_NAMES:
        assert np.array_equal(net.params[name], before[name])


def test_tables_print_every_step_with_the_same_digits_as_the_values():
    steps = bp.backprop_steps(bp.Network(3, "sigmoid", seed=0), 0.2, 0.1)
    md = steps.to_markdown(digits=4)
    page = steps.to_html(digits=4)
    for s in steps.backward:
        assert s.name in md and s.name in page
        assert bp.graph.fmt(s.downstream, 4) in md
        assert bp.graph.fmt_html(s.downstream, 4) in page
    assert f"{steps.loss:.4g}" in page
    assert steps._repr_html_() == page


def test_partial_html_shows_only_the_steps_reached():
    steps = bp.backprop_steps(bp.Network(2, seed=0), 0.2, 0.1)
    two = steps.to_html(upto=2)
    assert ">z<" in two and ">h<" in two and ">f<" not in two and "Backward" not in two
    six = steps.to_html(upto=6)
    assert "dL/dL" in six and "dL/dr" not in six


def test_numbers_print_negative_zero_as_zero():
    assert bp.graph.fmt(-0.0) == "0"
    assert bp.graph.fmt(np.array([-0.0, 1.5])) == "[0, 1.5]"


def test_one_element_arrays_are_accepted_as_one_sample():
    net = bp.Network(2, seed=0)
    a = bp.backprop_steps(net, np.array([0.3]), np.float64(0.1))
    b = bp.backprop_steps(net, 0.3, 0.1)
    assert a.loss == b.loss


@pytest.mark.parametrize(
    "kwargs,error,word",
    [
        ({"x": float("nan")}, ValueError, "x"),
        ({"y": float("inf")}, ValueError, "y"),
        ({"x": np.array([0.1, 0.2])}, ValueError, "x"),
        ({"y": np.zeros((2, 2))}, ValueError, "y"),
        ({"x": "0.5"}, TypeError, "x"),
        ({"y": None}, TypeError, "y"),
        ({"x": True}, TypeError, "x"),
    ],
)
def test_bad_sample_raises_naming_the_argument(kwargs, error, word):
    args = {"x": 0.1, "y": 0.2} | kwargs
    with pytest.raises(error, match=rf"^{word} must"):
        bp.backprop_steps(bp.Network(2, seed=0), **args)


def test_something_other_than_a_network_raises_naming_net():
    with pytest.raises(TypeError, match="^net must"):
        bp.backprop_steps({"w1": 1}, 0.1, 0.2)


def test_unknown_step_name_lists_the_steps():
    steps = bp.backprop_steps(bp.Network(2, seed=0), 0.1, 0.2)
    with pytest.raises(KeyError, match="dL/dz"):
        steps["dL/dq"]


# -- one engine: chapter 5's steps are bp.tensor_steps of a named Tensor graph ----------------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_the_chapter_steps_are_the_tensor_engines_steps_in_the_chapters_words(activation):
    net = bp.Network(3, activation, seed=5)
    loss = bp.sample_graph(net, 0.3, -0.2)
    assert isinstance(loss, bp.Tensor) and loss.name == "L"
    raw = bp.tensor_steps(loss)  # the machine of chapter 10, in its own words
    steps = bp.backprop_steps(net, 0.3, -0.2)
    for s in steps:
        twin = raw[s.name]
        for part in ("value",) if hasattr(s, "value") else ("upstream", "local", "downstream"):
            assert np.array_equal(getattr(s, part), getattr(twin, part)), (s.name, part)
        assert (s.label, s.formula) == bp.graph.WORDING[s.name]
    loss.backward()
    for name in bp.PARAM_NAMES:
        leaf = next(t for t in loss.graph() if t.name == name)
        np.testing.assert_array_equal(leaf.grad, steps.grads[name])


def test_a_gradient_handed_on_unchanged_is_the_same_array_computed_once():
    steps = bp.backprop_steps(bp.Network(3, seed=0), 0.5, 0.4)
    assert steps["dL/db2"].upstream is steps["dL/dw2"].upstream is steps["dL/df"].downstream
    assert steps["dL/dw1"].upstream is steps["dL/db1"].upstream is steps["dL/dz"].downstream


def test_wording_that_names_a_step_the_graph_lacks_lists_the_steps():
    x = bp.Tensor(2.0, name="x")
    with pytest.raises(ValueError, match="dL/dq.*dL/dx"):
        bp.tensor_steps(x * x, {"dL/dq": ("a label", "q")})
    with pytest.raises(TypeError, match="^wording must"):
        bp.tensor_steps(x * x, [("dL/dx", "a label", "x")])
    short = bp.tensor_steps(x * x, {"dL/dx": ("all of x", "x")})
    assert [s.name for s in short] == ["dL/dx"] and short["dL/dx"].downstream == 4.0


def test_a_tensor_graphs_markdown_keeps_one_cell_per_column_at_a_fork():
    x = bp.Tensor(3.0, name="x")
    md = bp.tensor_steps(x * x).to_markdown()
    rows = [line for line in md.splitlines() if line.startswith("| dL/d")]
    assert len(rows) == 4 and all(r.replace(r"\|", "").count("|") == 6 for r in rows)
    assert rows[-1].endswith("| 3 + 3 | 1 | 6 |")


def test_a_dot_product_hands_each_vector_the_other_as_its_local_gradient():
    a = bp.Tensor(np.array([1.0, 2.0]), name="a")
    b = bp.Tensor(np.array([3.0, -1.0]), name="b")
    steps = bp.tensor_steps((a @ b) * 2.0)
    for mine, other in (("a", b), ("b", a)):
        s = steps[f"dL/d{mine}"]
        assert np.array_equal(s.local, other.value) and s.formula.endswith(rf"\cdot {other.name}")
        assert np.array_equal(s.downstream, s.upstream * s.local)
