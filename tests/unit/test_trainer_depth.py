"""The Trainer's chapter 9 controls, driven headless: hidden layers and the gradient-norm panel."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

import backproplab as bp
from backproplab.plotting import GRID
from backproplab.trainer import Trainer

PNG = b"\x89PNG\r\n\x1a\n"


def _tick(trainer, times=1):
    for _ in range(times):
        trainer.play.value += 1


def test_one_hidden_layer_is_still_the_course_network():
    trainer = Trainer()
    assert type(trainer.net) is bp.Network and trainer.layers.value == 1


@pytest.mark.parametrize("layers", [2, 3])
def test_more_layers_train_the_deep_network_that_train_would(layers):
    trainer = Trainer(layers=layers, hidden=6, activation="tanh", optimizer="adam", lr=0.02)
    trainer.run(40)
    deep = bp.DeepNetwork((1,) + (6,) * layers + (1,), "tanh", seed=0, init="uniform")
    assert trainer.net.sizes == deep.sizes
    hist = bp.train(deep, *bp.bump_data(), lr=0.02, epochs=40, optimizer="adam")
    assert trainer.history.loss == hist.loss
    assert trainer.history.loss[-1] < trainer.history.loss[0]


def test_changing_the_layers_control_starts_afresh_with_the_new_depth():
    trainer = Trainer(hidden=5)
    trainer.start()
    _tick(trainer, 2)
    trainer.control("layers").value = 3
    assert trainer.history.epochs == 0 and trainer.play.playing  # afresh, still playing
    assert trainer.net.sizes == (1, 5, 5, 5, 1)
    np.testing.assert_array_equal(
        trainer.net.params["W2"], bp.DeepNetwork((1, 5, 5, 5, 1), "sigmoid", 0).params["W2"]
    )
    assert len(trainer._unit_lines) == 5
    trainer.frame()
    assert trainer.history.epochs == trainer.epochs_per_frame.value
    trainer.control("layers").value = 1
    assert type(trainer.net) is bp.Network


def test_the_gradient_norm_panel_is_off_until_ticked_and_follows_training():
    trainer = Trainer(layers=3, hidden=4, lr=0.5)
    assert trainer.control("show_grad_norms") is trainer.norms_box
    assert trainer.norms_image.layout.display == "none" and bytes(trainer.norms_image.value) == b""
    trainer.run(10)
    trainer.run(10)
    assert [epoch for epoch, _ in trainer.norm_history] == [0, 10, 20]
    _, grads = trainer.net.loss_and_grads(*trainer.data)
    np.testing.assert_allclose(trainer.norm_history[-1][1], bp.layer_grad_norms(grads))
    trainer.norms_box.value = True
    assert trainer.norms_image.layout.display is None
    assert bytes(trainer.norms_image.value).startswith(PNG)
    lines = trainer.ax_norms.get_lines()
    assert [line.get_label() for line in lines] == ["layer 1", "layer 2", "layer 3", "layer 4"]
    np.testing.assert_allclose(lines[0].get_ydata(), [n[0] for _, n in trainer.norm_history])
    before = bytes(trainer.norms_image.value)
    trainer.frame()
    assert bytes(trainer.norms_image.value) != before  # redrawn with the new snapshot


def test_the_panel_shows_a_sigmoid_stack_losing_gradient_towards_the_input():
    trainer = Trainer(layers=3, activation="sigmoid", show_grad_norms=True)
    first = trainer.norm_history[0][1]
    assert first[0] < first[-1] / 100


def test_one_layer_panel_has_two_layers_of_weights():
    trainer = Trainer(hidden=3, show_grad_norms=True)
    _, grads = trainer.net.loss_and_grads(*trainer.data)
    norms = trainer.norm_history[0][1]
    np.testing.assert_allclose(norms, [np.linalg.norm(grads["w1"]), np.linalg.norm(grads["w2"])])


def test_the_last_hidden_layer_s_contributions_sum_to_the_deep_fit():
    trainer = Trainer(layers=2, hidden=4, lr=0.3, show_units=True)
    trainer.run(20)
    shares = sum(line.get_ydata() for line in trainer._unit_lines)
    np.testing.assert_allclose(shares + trainer.net.params["b3"][0], trainer._fit_line.get_ydata())
    np.testing.assert_allclose(trainer._fit_line.get_ydata(), trainer.net.predict(GRID))


def test_the_static_picture_carries_the_panel_and_leaves_the_widget_untouched():
    trainer = Trainer(layers=2, hidden=4, activation="tanh", epochs=60, show_grad_norms=True)
    plain = Trainer(layers=2, hidden=4, activation="tanh", epochs=60)
    start = {name: p.copy() for name, p in trainer.net.params.items()}
    png = base64.b64decode(trainer._repr_mimebundle_()["image/png"])
    without = base64.b64decode(plain._repr_mimebundle_()["image/png"])
    assert png.startswith(PNG)
    assert Image.open(io.BytesIO(png)).height > Image.open(io.BytesIO(without)).height
    assert trainer.history.epochs == 0 and len(trainer.norm_history) == 1
    for name, p in trainer.net.params.items():
        np.testing.assert_array_equal(p, start[name])
    epochs = [epoch for epoch, _ in trainer._static_norms(60)]
    assert epochs[0] == 0 and epochs[-1] == 60


def test_layers_and_panel_are_controls_a_lesson_can_pick():
    trainer = Trainer(controls=["layers", "show_grad_norms"])
    assert list(trainer.widget.children[2].children) == [trainer.layers, trainer.norms_box]
    assert trainer.norms_image in trainer.widget.children


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        ({"layers": 0}, ValueError, "layers"),
        ({"layers": 4}, ValueError, "layers"),
        ({"layers": 2.0}, TypeError, "layers"),
        ({"layers": "2"}, TypeError, "layers"),
        ({"show_grad_norms": "yes"}, TypeError, "show_grad_norms"),
    ],
)
def test_bad_depth_settings_raise_naming_the_argument(kwargs, error, word):
    with pytest.raises(error, match=word):
        Trainer(**kwargs)
