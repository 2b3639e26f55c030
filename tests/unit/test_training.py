"""Training: the facts the course teaches, divergence in plain words, and determinism."""

import warnings

import numpy as np
import pytest

import backproplab as bp


@pytest.fixture(scope="module")
def data():
    return bp.bump_data()  # the experiment's data (bp.experiment), whatever it is set to


def fresh(
    activation=bp.experiment.ACTIVATION, seed=bp.experiment.SEED, hidden=bp.experiment.HIDDEN
):
    return bp.Network(hidden=hidden, activation=activation, seed=seed)


def test_the_seeds_own_settings_barely_learn(data):
    ex = bp.experiment
    hist = bp.train(bp.Network(), data.x, data.y, lr=ex.LR, epochs=ex.EPOCHS)
    assert hist.epochs == ex.EPOCHS and not hist.diverged
    # No better than the best horizontal line, and at least 90% of the bump's variance is
    # still above the noise floor, at any noise and any number of points.
    assert hist.loss[-1] >= 0.95 * np.var(data.y)
    assert hist.loss[-1] - bp.NOISE_FLOOR > 0.9 * np.var(bp.bump(data.x))
    assert hist.loss[-1] < hist.loss[0]  # it does learn, just slowly


@pytest.mark.parametrize(
    "activation, optimizer, lr, epochs",
    [("tanh", "adam", 0.05, 1000), ("sigmoid", "adam", 0.05, 1000), ("tanh", "gd", 0.3, 2000)],
)
def test_recommended_settings_reach_the_noise_floor(data, activation, optimizer, lr, epochs):
    hist = bp.train(fresh(activation), data.x, data.y, lr=lr, epochs=epochs, optimizer=optimizer)
    assert min(hist.loss) <= 1.5 * bp.NOISE_FLOOR


def test_recommended_preset_reaches_the_floor_on_held_out_data(data):
    train, val = data.split(0.25, seed=0)
    preset = bp.RECOMMENDED
    net = fresh(preset["activation"], hidden=preset.get("hidden", bp.experiment.HIDDEN))
    hist = bp.train(
        net,
        *train,
        lr=preset["lr"],
        epochs=preset["epochs"],
        optimizer=preset["optimizer"],
        val=val,
    )
    assert hist.val_loss[-1] <= 1.5 * bp.NOISE_FLOOR


def test_minibatches_also_learn(data):
    hist = bp.train(fresh("tanh"), data.x, data.y, lr=0.1, epochs=600, batch_size=10)
    assert hist.loss[-1] <= 1.5 * bp.NOISE_FLOOR


def test_a_diverging_run_stops_says_why_and_leaks_no_numpy_warning(data):
    net = fresh("tanh")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = bp.train(net, data.x, data.y, lr=50.0, epochs=500)
    assert hist.diverged
    assert hist.epochs < 500
    assert "lr=50" in hist.message and "smaller learning rate" in hist.message
    kinds = [w.category for w in caught]
    assert bp.TrainingDiverged in kinds
    assert RuntimeWarning not in kinds
    assert all(np.all(np.isfinite(p)) for p in net.params.values())
    assert all(np.isfinite(hist.loss))


def test_diverging_sigmoid_at_a_large_learning_rate_is_caught(data):
    with pytest.warns(bp.TrainingDiverged, match="inf|nan"):
        hist = bp.train(fresh(), data.x, data.y, lr=1e6, epochs=50)
    assert hist.diverged


@pytest.mark.parametrize("optimizer", bp.OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_same_seeds_give_bit_identical_histories(data, optimizer, batch_size):
    runs = []
    for _ in range(2):
        net = fresh("tanh", seed=3)
        hist = bp.train(
            net,
            data.x,
            data.y,
            lr=0.02,
            epochs=50,
            optimizer=optimizer,
            batch_size=batch_size,
            seed=5,
            val=(data.x[:10], data.y[:10]),
        )
        runs.append((hist.loss, hist.val_loss, net.params))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
    for name in bp.PARAM_NAMES:
        np.testing.assert_array_equal(runs[0][2][name], runs[1][2][name])


@pytest.mark.parametrize("optimizer", bp.OPTIMIZERS)
def test_training_in_chunks_equals_one_run(data, optimizer):
    """The Trainer trains a chunk per frame; the optimizer's state must carry over."""
    whole = fresh("tanh")
    one = bp.train(whole, data.x, data.y, lr=0.05, epochs=60, optimizer=optimizer)
    parts = fresh("tanh")
    opt = bp.make_optimizer(optimizer, 0.05)
    hist = bp.History()
    for _ in range(3):
        bp.train(parts, data.x, data.y, lr=0.05, epochs=20, optimizer=opt, history=hist)
    assert hist.loss == one.loss
    for name in bp.PARAM_NAMES:
        np.testing.assert_array_equal(whole.params[name], parts.params[name])


def test_one_gradient_descent_step_is_theta_minus_lr_times_gradient(data):
    net = fresh()
    before = {k: v.copy() for k, v in net.params.items()}
    _, grads = net.loss_and_grads(data.x, data.y)
    bp.train(net, data.x, data.y, lr=0.3, epochs=1)
    for name in bp.PARAM_NAMES:
        np.testing.assert_allclose(net.params[name], before[name] - 0.3 * grads[name], rtol=1e-14)


def test_momentum_accumulates_velocity():
    params = {"w": np.array([1.0])}
    opt = bp.Momentum(lr=0.1, beta=0.9)
    opt.step(params, {"w": np.array([1.0])})
    opt.step(params, {"w": np.array([1.0])})
    # v1 = 1, v2 = 0.9 * 1 + 1 = 1.9: w = 1 - 0.1 - 0.19
    assert params["w"][0] == pytest.approx(1 - 0.1 - 0.19)


def test_adams_first_step_has_the_size_of_the_learning_rate():
    params = {"w": np.array([1.0, 1.0])}
    bp.Adam(lr=0.01).step(params, {"w": np.array([1e-3, -50.0])})
    np.testing.assert_allclose(params["w"], [0.99, 1.01], rtol=1e-6)


def test_validation_loss_is_recorded_each_epoch(data):
    train, val = data.split(0.2)
    net = fresh()
    hist = bp.train(net, *train, lr=0.1, epochs=30, val=val)
    assert len(hist.val_loss) == len(hist.loss) == 30
    # measured after the epoch's step, on the held-out samples only
    assert hist.val_loss[-1] == pytest.approx(net.loss(*val), rel=1e-12)
    assert hist.val_loss[-1] != pytest.approx(net.loss(*train), rel=1e-3)


def test_callback_runs_every_epoch_and_can_stop_training(data):
    seen = []

    def stop_at_five(epoch, net, hist):
        seen.append(epoch)
        return epoch < 5

    hist = bp.train(fresh(), data.x, data.y, lr=0.1, epochs=100, callback=stop_at_five)
    assert seen == [1, 2, 3, 4, 5] and hist.epochs == 5


def test_zero_epochs_changes_nothing(data):
    net = fresh()
    before = net.params["w1"].copy()
    hist = bp.train(net, data.x, data.y, lr=0.1, epochs=0)
    assert hist.epochs == 0
    np.testing.assert_array_equal(net.params["w1"], before)


def test_epochs_to_finds_the_first_epoch_below_a_target():
    hist = bp.History(loss=[0.5, 0.2, 0.1, 0.05])
    assert hist.epochs_to(0.1) == 3
    assert hist.epochs_to(0.01) is None


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(lr=0), ValueError, "lr must be a finite number > 0"),
        (dict(lr=-0.1), ValueError, "lr"),
        (dict(lr=float("nan")), ValueError, "lr"),
        (dict(lr="fast"), TypeError, "lr"),
        (dict(epochs=-1), ValueError, "epochs must be an integer >= 0"),
        (dict(epochs=1.5), TypeError, "epochs"),
        (dict(batch_size=0), ValueError, "batch_size must be an integer >= 1"),
        (dict(optimizer="sgd"), ValueError, "optimizer.*'gd', 'momentum', 'adam'"),
        (dict(callback=3), TypeError, "callback"),
        (dict(val=3), TypeError, "val must be an"),
        (dict(val=([0.1, 0.2, 0.3],)), TypeError, "val must be an"),
    ],
)
def test_bad_training_arguments_name_what_is_allowed(data, kwargs, error, words):
    args = dict(lr=0.1, epochs=5) | kwargs
    with pytest.raises(error, match=words):
        bp.train(fresh(), data.x, data.y, **args)


def test_a_callback_returning_numpys_false_stops_training(data):
    net = fresh()
    hist = bp.train(net, data.x, data.y, epochs=50, callback=lambda e, n, h: np.float64(e) < 5)
    assert hist.epochs == 5


def test_parameters_are_views_of_one_buffer_that_training_keeps(data):
    net = fresh()
    w1 = net.params["w1"]
    theta = w1.base
    assert all(p.base is theta for p in net.params.values())
    assert theta.size == sum(p.size for p in net.params.values())
    before = w1.copy()
    bp.train(net, data.x, data.y, lr=0.1, epochs=3, optimizer="adam")
    bp.train(net, data.x, data.y, lr=0.1, epochs=3, optimizer="adam")
    assert net.params["w1"] is w1 and not np.array_equal(w1, before)  # trained in place


def test_a_parameter_replaced_by_hand_is_trained_too(data):
    net, twin = fresh(), fresh()
    net.params["b1"] = net.params["b1"] + 0.0  # no longer a view of the buffer
    bp.train(net, data.x, data.y, lr=0.1, epochs=5, optimizer="momentum")
    bp.train(twin, data.x, data.y, lr=0.1, epochs=5, optimizer="momentum")
    for name in bp.PARAM_NAMES:
        np.testing.assert_array_equal(net.params[name], twin.params[name])


def test_flat_adam_matches_adam_written_per_parameter(data):
    """The one-buffer step is eq-adam, array by array, to the last bit."""
    net = fresh("tanh")
    ref = {k: v.copy() for k, v in net.params.items()}
    m = {k: 0.0 for k in ref}
    v = {k: 0.0 for k in ref}
    opt = bp.Adam(lr=0.05)
    for t in range(1, 6):
        grads = net.loss_and_grads(data.x, data.y)[1]
        opt.step(net.params, grads)
        twin = bp.Network(hidden=10, activation="tanh")
        twin.params = ref
        g_ref = twin.loss_and_grads(data.x, data.y)[1]
        for k in ref:
            m[k] = 0.9 * m[k] + 0.1 * g_ref[k]
            v[k] = 0.999 * v[k] + 0.001 * g_ref[k] * g_ref[k]
            ref[k] = ref[k] - 0.05 * (m[k] / (1 - 0.9**t)) / (np.sqrt(v[k] / (1 - 0.999**t)) + 1e-8)
    for k in ref:
        np.testing.assert_allclose(net.params[k], ref[k], rtol=1e-13, atol=1e-15)
