"""The playground (the Trainer on the plane), driven headless: its handlers are what the
buttons and the timer call, and its session is the network chapter 11 builds."""

import base64
import io
import warnings

import numpy as np
import pytest
from PIL import Image

import backproplab as bp
from backproplab.plane import DATASETS, FEATURES, GRID_N, PRESET, PlaneSession
from backproplab.playground import CONTROLS, Playground
from backproplab.session import LOSS_BOUND

PNG = b"\x89PNG\r\n\x1a\n"


def _tick(p, times=1):
    """What the Play widget does in the browser: advance its value once per interval."""
    for _ in range(times):
        p.play.value += 1


def _clean(p, where=""):
    """Nothing a student reads shows nan or inf, and every number behind it is finite."""
    for text in (p.status.value, p.confusion_html.value, repr(p)):
        assert "nan" not in text and "inf" not in text, f"{where}: {text}"
    losses = p.history.loss + p.history.val_loss
    assert np.isfinite(losses).all() and max(losses, default=0) <= LOSS_BOUND, where
    assert all(np.isfinite(v).all() for v in p.net.params.values()), where
    assert bytes(p.image.value).startswith(PNG), where
    if p.history.diverged:
        assert "diverged at epoch" in p.status.value and "smaller learning rate" in p.status.value


# -- what it is -----------------------------------------------------------------------------
def test_a_2d_task_makes_bp_trainer_the_playground():
    p = bp.Trainer(dataset="circles")
    assert isinstance(p, Playground) and type(bp.Trainer()) is bp.Trainer
    assert p.net.sizes == (2, 4, 1) and p.net.output == "sigmoid" and p.net.loss_name == "bce"
    assert len(p.data) + len(p.val) == 200 and len(p.val) == 100  # test_ratio 0.5
    assert p.data.points.shape == (100, 2) and set(p.data.labels) == {0, 1}


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_data_set_trains_and_is_drawn(dataset):
    p = Playground(dataset=dataset, layers=2, hidden=6, optimizer="adam", lr=0.03)
    made = getattr(bp.data, dataset)(n=200, seed=0)
    assert sorted(np.concatenate([p.data.labels, p.val.labels])) == sorted(made.y)
    assert p.session.K == (3 if dataset == "spiral" else 2)
    p.run(60)
    assert p.history.loss[-1] < p.history.loss[0]
    assert p.session.accuracies[-1][1] > 0.6  # better than guessing on the training points
    _clean(p, dataset)


def test_the_spiral_has_three_classes_a_softmax_and_k_class_markers():
    p = Playground(dataset="spiral", classes=4, layers=2, hidden=8)
    assert p.session.K == 4 and p.net.sizes[-1] == 4 and p.net.output == "softmax"
    markers = {dots.get_paths()[0].vertices.round(3).tobytes() for dots in p.view.points[::2]}
    assert len(markers) == 4  # each class its own marker shape, not only its own colour
    probs = p.session.probabilities(p.session.grid_x)
    assert probs.shape == (GRID_N**2, 4)
    np.testing.assert_allclose(probs, p.net.predict(p.session.grid_x))


def test_the_map_is_the_network_s_probability_over_a_64_by_64_grid():
    p = Playground(dataset="xor", layers=1, hidden=4, lr=0.3)
    p.run(20)
    assert p.view.image.get_array().shape == (GRID_N, GRID_N, 3) and GRID_N >= 60
    p1 = p.net.predict(p.session.grid_x)  # P(class 1) for a sigmoid output
    np.testing.assert_allclose(p.session.probabilities(p.session.grid_x)[:, 1], p1)
    # the grid's first row is the bottom of the plane (origin 'lower')
    assert (
        p.session.grid[0, 1] == p.session.extent[2] and p.session.grid[-1, 1] == p.session.extent[3]
    )


@pytest.mark.parametrize(
    "features",
    [("x1",), ("x1^2", "x2^2"), tuple(FEATURES)],
    ids=["one", "squares", "all seven"],
)
def test_the_input_size_follows_the_features(features):
    p = Playground(dataset="circles", features=features)
    assert p.net.sizes[0] == len(features)
    points = p.data.points
    want = np.column_stack([FEATURES[f](points) for f in features])
    np.testing.assert_array_equal(p.data.x, want)


def test_circles_with_squared_features_need_no_hidden_layer():
    p = Playground(dataset="circles", features=("x1^2", "x2^2"), layers=0, optimizer="adam", lr=0.1)
    assert p.net.sizes == (2, 1)
    p.run(200)
    assert p.session.accuracy() >= 0.95


def test_the_preset_reaches_95_percent_test_accuracy_on_circles():
    p = Playground(**PRESET, target=0.95)
    p.start()
    for _ in range(400):
        if not p.play.playing:
            break
        _tick(p)
    assert p.session.reached and not p.play.playing
    assert p.session.accuracy() >= 0.95
    assert f"reached 95% test accuracy at epoch {p.session.target_epoch}" in p.status.value


# -- the player --------------------------------------------------------------------------
def test_play_step_pause_reset_and_the_epoch_shown():
    p = Playground(epochs_per_frame=4)
    p.start()
    _tick(p, 3)
    assert p.history.epochs == 12 and "epoch 12 ·" in p.status.value
    p.pause()
    _tick(p, 2)
    assert p.history.epochs == 12
    p.step_button.click()
    assert p.history.epochs == 16 and not p.play.playing
    start = {k: v.copy() for k, v in p.session.initial_params.items()}
    p.reset_button.click()
    assert p.history.epochs == 0 and "epoch 0 ·" in p.status.value
    for name, value in start.items():
        np.testing.assert_array_equal(p.net.params[name], value)


def test_the_tick_is_the_session_s_advance_and_matches_bp_train():
    p = Playground(
        dataset="moons", layers=2, hidden=5, batch_size=None, optimizer="momentum", lr=0.1
    )
    p.run(30)
    s = PlaneSession(
        dataset="moons", layers=2, hidden=5, batch_size=None, optimizer="momentum", lr=0.1
    )
    s.reset()
    hist = bp.train(s.net, s.data.x, s.data.y, lr=0.1, epochs=30, optimizer="momentum", val=s.val)
    assert p.history.loss == hist.loss and p.history.val_loss == hist.val_loss


@pytest.mark.parametrize(
    "name,value",
    [("dataset", "xor"), ("noise", 0.3), ("layers", 3), ("hidden", 2), ("activation", "relu"),
     ("optimizer", "adam"), ("loss", "squared"), ("seed", 4), ("test_ratio", 0.3), ("n", 100)],
)  # fmt: skip
def test_changing_a_data_or_network_setting_starts_afresh(name, value):
    p = Playground()
    p.run(10)
    p.control(name).value = value
    assert p.history.epochs == 0
    fresh = Playground(**{name: value}, **({"noise": 0.1} if name == "dataset" else {}))
    np.testing.assert_array_equal(p.data.points, fresh.data.points)
    for k, v in fresh.net.params.items():
        np.testing.assert_array_equal(p.net.params[k], v)


def test_lr_l2_and_batch_size_change_the_run_without_restarting_it():
    p = Playground(optimizer="adam")
    p.run(10)
    p.lr.value, p.l2.value, p.batch_size.value = 0.01, 0.03, 0
    assert p.history.epochs == 10 and p.optimizer_state.lr == 0.01
    assert p.net.weight_decay == 0.03 and p.session.batch_size is None
    p.frame()
    assert p.history.epochs == 15


def test_unticking_every_feature_keeps_one_and_says_why():
    p = Playground(features=("x1",))
    p.feature_boxes[0].value = False
    assert p.feature_boxes[0].value and p.session.features == ("x1",)
    assert "at least one input feature" in p.status.value
    p.feature_boxes[2].value = True  # x1^2: the network's input grows and it starts afresh
    assert p.net.sizes[0] == 2 and p.session.features == ("x1", "x1^2")


def test_discretize_shows_only_the_class_tints():
    p = Playground(dataset="xor", layers=1, hidden=4)
    p.run(5)
    p.discretize.value = True
    pixels = p.view.image.get_array().reshape(-1, 3)
    assert len(np.unique(pixels.round(6), axis=0)) == 2
    p.discretize.value = False
    assert len(np.unique(p.view.image.get_array().reshape(-1, 3).round(6), axis=0)) > 2


def test_confusion_matrix_counts_the_test_points_by_true_and_predicted_class():
    p = Playground(dataset="spiral", layers=2, hidden=8, optimizer="adam", lr=0.03)
    p.run(50)
    assert p.confusion_html.layout.display == "none"
    p.show_confusion.value = True
    counts = p.session.confusion()
    pred = p.session.predict(p.val.points)
    np.testing.assert_array_equal(counts, bp.confusion_matrix(p.val.labels, pred, 3))
    assert counts.sum() == len(p.val) and "true 2" in p.confusion_html.value
    assert np.trace(counts) / counts.sum() == pytest.approx(p.session.accuracy())


def test_gradient_norms_are_each_layer_s_and_the_panel_shows_them():
    p = Playground(layers=3, hidden=4, show_grad_norms=True)
    p.run(5)
    p.run(5)
    assert [e for e, _ in p.norm_history] == [0, 5, 10]
    _, grads = p.net.loss_and_grads(p.data.x, p.data.y)
    np.testing.assert_allclose(p.norm_history[-1][1], bp.layer_grad_norms(grads))
    assert bytes(p.norms_image.value).startswith(PNG)
    assert [line.get_label() for line in p.view.ax_norms.get_lines()] == [
        f"layer {k}" for k in range(1, 5)
    ]


def test_a_thumbnail_for_every_hidden_unit():
    small, big = Playground(layers=1, hidden=2), Playground(layers=6, hidden=8)
    a = Image.open(io.BytesIO(bytes(small.units_image.value)))
    b = Image.open(io.BytesIO(bytes(big.units_image.value)))
    assert b.height > 5 * a.height and b.width > 3 * a.width
    outputs = big.session.unit_outputs(big.session.grid_x)
    assert [o.shape[1] for o in outputs] == [8] * 6
    none = Playground(layers=0)
    assert none.units_image.layout.display == "none"


# -- settings, own data, the network saved -------------------------------------------------
def test_settings_round_trip_rebuilds_the_same_run_and_keeps_controls_hidden():
    p = Playground(dataset="spiral", classes=3, features=("x1", "x2", "sin x1"), layers=2,
                   hidden=6, optimizer="adam", lr=0.02, l2=0.001, seed=7, batch_size=16,
                   controls=["lr", "features"], show_test=True)  # fmt: skip
    settings = p.settings
    assert settings["dataset"] == "spiral" and settings["seed"] == 7 and len(settings) < 16
    q = bp.Trainer(**settings)
    p.run(25)
    q.run(25)
    assert p.history.loss == q.history.loss
    for k, v in p.net.params.items():
        np.testing.assert_array_equal(q.net.params[k], v)
    assert list(q.widget.children[2].children) == [q.lr] and q.features in q.widget.children
    assert q.settings == settings


def test_own_data_with_four_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]])
    y = np.repeat(np.arange(4), 30)
    X = centres[y] + 0.3 * rng.standard_normal((120, 2))
    p = bp.Trainer(data=(X, y), layers=1, hidden=8, optimizer="adam", lr=0.05)
    assert p.session.dataset == "own" and p.session.K == 4 and p.net.sizes == (2, 8, 4)
    assert (
        p.dataset not in p.widget.children[2].children and p.n not in p.widget.children[2].children
    )
    p.run(100)
    assert p.session.accuracy() > 0.9
    again = bp.Trainer(**p.settings)
    np.testing.assert_array_equal(again.data.points, p.data.points)


@pytest.mark.parametrize(
    "data,word",
    [((np.zeros((5, 3)), [0, 1, 0, 1, 0]), "X"), ((np.zeros((4, 2)), [0, 0, 0, 0]), "two classes"),
     ((np.zeros((4, 2)), [0.5, 1, 0, 1]), "integer"), ("points", "pair")],
)  # fmt: skip
def test_bad_own_data_is_named(data, word):
    with pytest.raises((ValueError, TypeError), match=word):
        bp.Trainer(data=data)


def test_save_and_load_are_one_call_each(tmp_path):
    p = Playground(dataset="moons", layers=2, hidden=5, optimizer="adam", lr=0.03)
    p.run(40)
    p.save(tmp_path / "moons.npz")
    q = Playground(dataset="moons", layers=2, hidden=5)
    q.load(tmp_path / "moons.npz")
    np.testing.assert_array_equal(q.session.predict(q.val.points), p.session.predict(p.val.points))
    with pytest.raises(ValueError, match="moons.npz"):
        Playground(layers=3).load(tmp_path / "moons.npz")


# -- the static picture ---------------------------------------------------------------------
def test_static_picture_has_alt_text_and_leaves_the_widget_untouched():
    p = Playground(dataset="circles", epochs=40)
    live = bytes(p.image.value)
    bundle = p._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(PNG) and "application/vnd.jupyter.widget-view+json" in bundle
    assert 'alt="Left: the plane shaded by the class the network predicts' in bundle["text/html"]
    assert (
        "circles" in bundle["text/html"] and "after 40 epochs: test accuracy" in bundle["text/html"]
    )
    assert p.history.epochs == 0 and bytes(p.image.value) == live
    assert Image.open(io.BytesIO(png)).height > 320 + 50  # the thumbnails are stacked below
    with_norms = Playground(dataset="circles", epochs=40, show_grad_norms=True)
    taller = Image.open(io.BytesIO(with_norms.static_png())).height
    assert taller > Image.open(io.BytesIO(png)).height  # and the gradient-norm panel


# -- every control at its extremes -----------------------------------------------------------
def _extremes():
    p = Playground()
    out = []
    for name in (
        "noise",
        "n",
        "classes",
        "test_ratio",
        "layers",
        "hidden",
        "lr",
        "epochs_per_frame",
    ):
        w = p.control(name)
        lo, hi = (10.0**w.min, 10.0**w.max) if name == "lr" else (w.min, w.max)
        out += [(name, lo), (name, hi)]
    for name in ("batch_size", "l2", "target"):
        values = [v for _, v in p.control(name).options]
        out += [(name, min(values)), (name, max(values))]
    return out


@pytest.mark.parametrize(
    "dataset,name,value",
    # each extreme once, on two classes (sigmoid) or on the spiral's three (softmax) in turn
    [("spiral" if i % 2 or name == "classes" else "circles", name, value)
     for i, (name, value) in enumerate(_extremes())],
)  # fmt: skip
def test_every_control_at_its_extremes_says_words_never_nan(dataset, name, value):
    p = Playground(dataset=dataset, layers=2, hidden=4, epochs_per_frame=1)
    p.control(name).value = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning or TrainingDiverged escapes
        for _ in range(2):
            p.step_button.click()
            _clean(p, f"{dataset} {name}={value}")


@pytest.mark.parametrize(
    "optimizer,activation", [("gd", "relu"), ("momentum", "tanh"), ("adam", "sigmoid")]
)
def test_the_largest_learning_rate_on_the_largest_network_is_said_in_words(optimizer, activation):
    p = Playground(dataset="spiral", layers=8, hidden=16, lr=10.0, optimizer=optimizer,
                   activation=activation, loss="squared", l2=10.0, show_grad_norms=True,
                   show_confusion=True, features=tuple(FEATURES), batch_size=1,
                   epochs_per_frame=1, epochs=4)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            p.step_button.click()
            _clean(p, f"{optimizer}/{activation}")
    if optimizer != "adam":  # far past what (momentum) gradient descent survives
        assert p.history.diverged and "diverged at epoch 1" in p.status.value
    assert p.static_png().startswith(PNG)


@pytest.mark.parametrize(
    "kwargs,error,word",
    [({"dataset": "swirl"}, ValueError, "dataset"), ({"layers": 9}, ValueError, "layers"),
     ({"hidden": 0}, ValueError, "hidden"), ({"features": ["x3"]}, ValueError, "features"),
     ({"features": []}, ValueError, "features"), ({"test_ratio": 1.0}, ValueError, "test_ratio"),
     ({"loss": "hinge"}, ValueError, "loss"), ({"l2": -1}, ValueError, "l2"),
     ({"target": 1.5}, ValueError, "target"), ({"show_test": "yes"}, TypeError, "show_test"),
     ({"controls": ["colour"]}, ValueError, "controls"), ({"colour": 1}, TypeError, "colour")],
)  # fmt: skip
def test_bad_settings_raise_naming_the_argument(kwargs, error, word):
    with pytest.raises(error, match=word):
        Playground(**kwargs)


def test_controls_lists_every_setting_a_lesson_can_show():
    p = Playground()
    assert len(p.widget.children[2].children) == len(CONTROLS) - 1  # the features: a row
    assert p.widget.children[3] is p.features
    assert "bp-playground" in p.widget._dom_classes
