"""The live Trainer, driven headless: its handlers are what the buttons and the timer call."""

import base64
import itertools
import warnings

import numpy as np
import pytest

import backproplab as bp
from backproplab.plotting import GRID
from backproplab.trainer import CONTROLS, LOSS_BOUND, Trainer

PNG = b"\x89PNG\r\n\x1a\n"


def _tick(trainer, times=1):
    """What the Play widget does in the browser: advance its value once per interval."""
    for _ in range(times):
        trainer.play.value += 1


def test_defaults_reproduce_the_seed_experiment():
    ex = bp.experiment  # the seed experiment, whatever an instructor set it to
    trainer = Trainer()
    trainer.run(ex.EPOCHS)
    data = bp.bump_data()
    net = bp.Network()
    hist = bp.train(net, data.x, data.y, lr=ex.LR, epochs=ex.EPOCHS, optimizer="gd")
    assert trainer.history.loss == hist.loss
    # Barely learns: at least 90% of the bump's variance is still above the floor.
    assert trainer.history.loss[-1] - bp.NOISE_FLOOR > 0.9 * np.var(bp.bump(data.x))


def test_playing_raises_the_epoch_and_lowers_the_loss():
    trainer = Trainer(**bp.RECOMMENDED)
    trainer.start()
    _tick(trainer, 5)
    assert trainer.history.epochs == 5 * trainer.epochs_per_frame.value
    assert trainer.history.loss[-1] < trainer.history.loss[0]
    assert f"epoch {trainer.history.epochs}" in trainer.status.value
    first_loss = trainer.history.loss[-1]
    _tick(trainer, 5)
    assert trainer.history.loss[-1] < first_loss


def test_pause_stops_training_and_play_resumes_from_there():
    trainer = Trainer()
    trainer.start()
    _tick(trainer, 3)
    trainer.pause()
    epochs = trainer.history.epochs
    _tick(trainer, 3)  # ticks already on their way when pause was pressed
    assert trainer.history.epochs == epochs
    trainer.start()
    _tick(trainer)
    assert trainer.history.epochs == epochs + trainer.epochs_per_frame.value


def test_play_stops_at_the_stop_epoch_and_says_so():
    trainer = Trainer(epochs=25, epochs_per_frame=10)
    trainer.start()
    _tick(trainer, 6)
    assert trainer.history.epochs == 25
    assert not trainer.play.playing
    assert "stopped at epoch 25" in trainer.status.value


def test_step_button_trains_one_frame_and_pauses():
    trainer = Trainer(epochs_per_frame=7)
    trainer.start()
    trainer.step_button.click()
    assert trainer.history.epochs == 7
    assert not trainer.play.playing


def test_reset_restores_the_initial_parameters():
    trainer = Trainer(optimizer="adam", lr=0.05)
    start = {name: p.copy() for name, p in trainer.net.params.items()}
    trainer.run(50)
    assert not np.array_equal(trainer.net.params["w1"], start["w1"])
    trainer.reset_button.click()
    assert trainer.history.epochs == 0
    for name in bp.PARAM_NAMES:
        assert np.array_equal(trainer.net.params[name], start[name])
    assert trainer.optimizer_state.t == 0  # Adam's moments start afresh too
    assert "epoch 0" in trainer.status.value


def test_training_state_carries_over_between_frames():
    trainer = Trainer(optimizer="adam", lr=0.05, epochs_per_frame=10)
    for _ in range(3):
        trainer.frame()
    data, net = bp.bump_data(), bp.Network()  # the experiment's, as the Trainer's defaults
    hist = bp.train(net, data.x, data.y, lr=0.05, epochs=30, optimizer="adam")
    assert trainer.history.loss == hist.loss  # one run, not three fresh starts
    assert trainer.optimizer_state.t == 30


def test_validation_points_are_not_the_training_points():
    trainer = Trainer(n=100, seed=3)
    assert not set(trainer.val.x) & set(trainer.data.x)


def test_divergence_says_lower_the_learning_rate_without_a_numpy_warning():
    trainer = Trainer(lr=2.0, activation="tanh")
    trainer.start()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning or TrainingDiverged fails here
        for _ in range(30):
            _tick(trainer)
    assert trainer.message.startswith("diverged at epoch")
    assert "lr = 2 (gd)" in trainer.message
    assert "smaller learning rate" in trainer.status.value
    assert not trainer.play.playing
    assert all(np.isfinite(p).all() for p in trainer.net.params.values())
    assert bytes(trainer.image.value).startswith(PNG)  # the plots are still drawn
    assert trainer.history.epochs > 0 and np.isfinite(trainer.history.loss).all()


def test_lowering_the_learning_rate_after_divergence_goes_on_training():
    trainer = Trainer(lr=2.0, activation="tanh")
    for _ in range(30):
        trainer.frame()
    epochs = trainer.history.epochs
    trainer.lr.value = 0.01
    assert trainer.message == "" and "lower" not in trainer.status.value
    trainer.frame()
    assert trainer.history.epochs == epochs + trainer.epochs_per_frame.value


def test_changing_the_learning_rate_keeps_the_run():
    trainer = Trainer(optimizer="momentum", lr=0.1)
    trainer.run(20)
    optimizer = trainer.optimizer_state
    trainer.lr.value = 0.05
    assert trainer.history.epochs == 20
    assert trainer.optimizer_state is optimizer and optimizer.lr == 0.05


@pytest.mark.parametrize(
    "name,value",
    [
        ("hidden", 4),
        ("activation", "relu"),
        ("optimizer", "adam"),
        ("noise", round(2 * bp.NOISE, 6)),  # not the experiment's own noise
        ("n", 40),
        ("seed", 3),
    ],
)
def test_changing_a_data_or_architecture_setting_starts_afresh(name, value):
    trainer = Trainer()
    trainer.start()
    _tick(trainer, 2)
    trainer.control(name).value = value
    assert trainer.history.epochs == 0 and trainer.play.playing  # afresh, still playing
    ex = bp.experiment
    settings = dict(
        hidden=ex.HIDDEN, activation=ex.ACTIVATION, n=ex.N, noise=ex.NOISE, seed=ex.SEED
    )
    settings |= {name: value}
    data = bp.bump_data(settings["n"], settings["noise"], settings["seed"])
    net = bp.Network(settings["hidden"], settings["activation"], settings["seed"])
    np.testing.assert_array_equal(trainer.data.x, data.x)
    np.testing.assert_array_equal(trainer.data.y, data.y)
    for p in bp.PARAM_NAMES:
        np.testing.assert_array_equal(trainer.net.params[p], net.params[p])
    assert trainer.optimizer_state.name == (value if name == "optimizer" else "gd")
    assert len(trainer._unit_lines) == settings["hidden"]
    trainer.frame()
    assert trainer.history.epochs == trainer.epochs_per_frame.value


def test_recommended_preset_reaches_the_noise_floor():
    trainer = Trainer(**bp.RECOMMENDED)
    trainer.start()
    while trainer.play.playing:
        _tick(trainer)
    floor = bp.NOISE_FLOOR
    assert trainer.history.epochs == bp.RECOMMENDED["epochs"]
    assert trainer.floor_epoch is not None and trainer.floor_epoch <= 400
    assert trainer.history.loss[-1] <= 1.2 * floor
    assert trainer.history.val_loss[-1] <= 1.2 * floor
    assert f"since epoch {trainer.floor_epoch}" in trainer.status.value


def test_the_fit_is_the_prediction_over_sorted_x_redrawn_in_place():
    trainer = Trainer(lr=0.5)
    figure, line = trainer.figure, trainer._fit_line
    trainer.run(30)
    assert trainer.figure is figure and trainer._fit_line is line
    x, y = line.get_data()
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(y, trainer.net.predict(GRID))
    epochs, loss = trainer._train_line.get_data()
    assert list(loss) == trainer.history.loss and epochs[-1] == 30
    assert list(trainer._val_line.get_ydata()) == trainer.history.val_loss
    assert trainer._floor_line.get_ydata()[0] == pytest.approx(bp.NOISE_FLOOR)


def test_unit_toggle_shows_contributions_that_sum_to_the_fit():
    trainer = Trainer(hidden=4, lr=0.5)
    trainer.run(20)
    assert not any(line.get_visible() for line in trainer._unit_lines)
    trainer.units.value = True
    assert all(line.get_visible() for line in trainer._unit_lines)
    shares = sum(line.get_ydata() for line in trainer._unit_lines)
    np.testing.assert_allclose(shares + trainer.net.params["b2"], trainer._fit_line.get_ydata())


def test_mini_batches_train_too():
    trainer = Trainer(batch_size=10, lr=0.1)
    trainer.frame()
    assert trainer.history.epochs == 10 and trainer.history.loss[-1] < trainer.history.loss[0]


def test_controls_shows_only_the_named_settings():
    trainer = Trainer(controls=["lr", "show_units"])
    settings = trainer.widget.children[2].children
    assert list(settings) == [trainer.lr, trainer.units]
    assert trainer.play in trainer.widget.children[0].children
    assert len(Trainer().widget.children[2].children) == len(CONTROLS)


def test_static_picture_is_a_trained_png_and_leaves_the_widget_untouched():
    trainer = Trainer(**bp.RECOMMENDED)
    start = {name: p.copy() for name, p in trainer.net.params.items()}
    live = trainer.image.value
    bundle = trainer._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(PNG) and len(png) > 10_000
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Trainer(" in bundle["text/plain"]
    assert trainer.history.epochs == 0 and trainer.image.value == live
    for name in bp.PARAM_NAMES:
        assert np.array_equal(trainer.net.params[name], start[name])


@pytest.mark.parametrize(
    "kwargs,error,word",
    [
        ({"lr": 0}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
        ({"hidden": 0}, ValueError, "hidden"),
        ({"activation": "softplus"}, ValueError, "activation"),
        ({"optimizer": "sgd"}, ValueError, "optimizer"),
        ({"n": 1}, ValueError, "n"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"epochs_per_frame": 0}, ValueError, "epochs_per_frame"),
        ({"epochs": 2.5}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"controls": ["lr", "colour"]}, ValueError, "controls"),
        ({"controls": "lr"}, TypeError, "controls"),
        ({"show_units": "yes"}, TypeError, "show_units"),
    ],
)
def test_bad_settings_raise_naming_the_argument(kwargs, error, word):
    with pytest.raises(error, match=word):
        Trainer(**kwargs)


# --------------------------------------------------------------------------------------
# What a student sees first, and at the extremes of every control
# --------------------------------------------------------------------------------------
def _in_view(trainer) -> bool:
    lo, hi = trainer.ax_fit.get_ylim()
    y = trainer._fit_line.get_ydata()
    return bool(np.isfinite(y).all() and lo <= y.min() and y.max() <= hi)


@pytest.mark.parametrize(
    "settings",
    [{}, bp.RECOMMENDED, {"seed": 3}, {"hidden": 64}, {"activation": "relu", "seed": 5}],
    ids=["defaults", "recommended", "seed-3", "k-64", "relu"],
)
def test_the_untrained_network_is_in_view_before_training(settings):
    trainer = Trainer(**settings)
    assert trainer.history.epochs == 0
    assert _in_view(trainer), (trainer.ax_fit.get_ylim(), trainer._fit_line.get_ydata())
    lo, hi = trainer.ax_fit.get_ylim()  # ... and so are the data
    assert lo <= trainer.data.y.min() and trainer.data.y.max() <= hi


def test_the_default_untrained_curve_lies_off_the_data_and_still_shows():
    """The seed's network starts above every data point (chapter 2): the panel widens."""
    trainer = Trainer()
    y = trainer._fit_line.get_ydata()
    assert y.min() > trainer._data_ylim[1]  # off the data's own range...
    assert _in_view(trainer)  # ...and in view all the same


def test_the_fit_panel_zooms_back_to_the_data_once_the_fit_is_among_them():
    trainer = Trainer(**bp.RECOMMENDED)
    wide = trainer.ax_fit.get_ylim()
    trainer.run(bp.RECOMMENDED["epochs"])
    assert trainer.ax_fit.get_ylim() == pytest.approx(trainer._data_ylim)
    assert trainer.ax_fit.get_ylim()[1] < wide[1]
    assert _in_view(trainer)


def test_a_reset_shows_the_new_untrained_network():
    trainer = Trainer(**bp.RECOMMENDED)
    trainer.run(300)
    trainer.reset_button.click()
    assert _in_view(trainer) and trainer.history.epochs == 0


def test_the_status_line_never_shows_nan_or_inf_when_only_the_validation_loss_overflows():
    """The reported case: a finite training loss beside a validation loss of nan."""
    trainer = Trainer(activation="relu", hidden=4)
    # Put the network where one more gradient step overflows: the training loss of an epoch
    # is measured before its step and the validation loss after it.
    trainer.net.params["w2"][...] = 1e150
    trainer.frame(1)
    text = trainer.status.value
    assert "nan" not in text and "inf" not in text, text
    assert trainer.history.diverged and "diverged at epoch 1" in trainer.message
    assert "smaller learning rate" in text
    assert trainer.history.epochs == 0  # the blown-up epoch is not shown as a result


def test_a_finite_but_absurd_loss_counts_as_divergence():
    trainer = Trainer(activation="relu", hidden=4)
    trainer.net.params["b2"][...] = 10 * np.sqrt(LOSS_BOUND)  # loss about 100 x the bound
    trainer.frame(1)
    assert f"grew past {LOSS_BOUND:.0e}" in trainer.message
    assert trainer.history.epochs == 0 and not trainer.play.playing


def _extremes(widget):
    return (widget.min, widget.max)


_WIDGETS = Trainer()
LR_MAX = 10.0**_WIDGETS.lr.max
EPF_MAX = _WIDGETS.epochs_per_frame.max
(K_MIN, K_MAX), (NOISE_MIN, NOISE_MAX), (N_MIN, N_MAX), (L_MIN, L_MAX) = (
    _extremes(_WIDGETS.control(name)) for name in ("hidden", "noise", "n", "layers")
)
del _WIDGETS
# Each extreme of each data or network control at least once, in two mixes.
EXTREMES = [(K_MAX, NOISE_MAX, N_MAX, L_MIN), (K_MIN, NOISE_MIN, N_MIN, L_MAX)]


def _read_every_frame(trainer, where: str, frames: int = 3) -> None:
    """Press step like a student and check the status line and the numbers behind it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning or TrainingDiverged escapes
        for _ in range(frames):
            trainer.step_button.click()
            text = trainer.status.value
            assert "nan" not in text and "inf" not in text, f"{where}: {text}"
            losses = trainer.history.loss + trainer.history.val_loss
            assert np.isfinite(losses).all(), f"{where}: {losses[-3:]}"
            assert max(losses, default=0) <= LOSS_BOUND, f"{where}: {text}"
            assert all(np.isfinite(p).all() for p in trainer.net.params.values()), where
            assert bytes(trainer.image.value).startswith(PNG), where
            if trainer.history.diverged:
                assert "diverged at epoch" in text and "smaller learning rate" in text, where
                return


@pytest.mark.parametrize("hidden,noise,n,layers", EXTREMES, ids=["max", "min"])
@pytest.mark.parametrize(
    "optimizer,activation",
    list(itertools.product(("gd", "momentum", "adam"), ("sigmoid", "tanh", "relu"))),
)
def test_the_largest_learning_rate_never_shows_nan_or_inf(
    optimizer, activation, hidden, noise, n, layers
):
    trainer = Trainer(
        lr=LR_MAX, optimizer=optimizer, activation=activation, hidden=hidden, noise=noise, n=n,
        layers=layers, epochs_per_frame=EPF_MAX,
    )  # fmt: skip
    where = f"lr={LR_MAX:g} {optimizer}/{activation} k={hidden} n={n} layers={layers}"
    _read_every_frame(trainer, where)
    if optimizer == "gd" and hidden == K_MAX:  # far past what gradient descent survives
        assert trainer.history.diverged, trainer.status.value


def test_controls_pushed_to_their_extremes_in_the_widget_never_show_nan_or_inf():
    """The same, set through the widgets as a student does; and the static picture too."""
    trainer = Trainer()
    for name, value in [
        ("hidden", K_MAX), ("noise", NOISE_MIN), ("n", N_MIN), ("optimizer", "momentum"),
        ("activation", "relu"), ("epochs_per_frame", EPF_MAX), ("layers", L_MAX),
    ]:  # fmt: skip
        trainer.control(name).value = value
    trainer.lr.value = LR_MAX
    _read_every_frame(trainer, "widgets at their extremes")
    assert trainer.history.diverged
    picture = Trainer(lr=LR_MAX, hidden=K_MAX, n=N_MAX, noise=NOISE_MAX).static_png()
    assert picture.startswith(PNG)


def test_the_smallest_learning_rate_trains_quietly():
    trainer = Trainer()
    trainer.lr.value = 10.0**trainer.lr.min
    trainer.run(50)
    assert not trainer.history.diverged and "nan" not in trainer.status.value
    assert trainer.history.loss[-1] <= trainer.history.loss[0]
