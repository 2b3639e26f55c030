"""The live Trainer: train the course's network in the notebook and watch it fit (chapters 7-8).

``bp.Trainer()`` reproduces the homework's experiment (sigmoid, k = 10, U(-1, 1) start,
gradient descent with lr = 0.01, 100 epochs); ``bp.Trainer(**bp.RECOMMENDED)`` is the
setting that reaches the noise floor. In JupyterLab it is a widget: play/pause, one step,
reset, the settings, a live fit and a live loss curve. On the static website, which has no
kernel, the same cell shows a picture of the fit and the loss after a short training run.

The Trainer only wires three parts together: a headless session (``session.py``: the data,
network, optimizer, history and what one tick does), the controls (``controls.py``) and a
view (``fit_view.py``). Every button calls a plain method (``frame``, ``step``, ``reset``,
...), so the widget can be driven, and tested, without a browser. Given a 2-D task
(``dataset=`` or ``data=``), ``bp.Trainer`` builds the playground instead (``playground.py``).
"""

from __future__ import annotations

import base64

from . import _validate
from . import controls as ui
from . import experiment as ex
from .activations import ACTIVATIONS
from .controls import MAX_LAYERS  # noqa: F401  (re-exported)
from .experiment import RECOMMENDED  # noqa: F401  (re-exported)
from .fit_view import FIT_MARGIN, FitView, stack  # noqa: F401  (FIT_MARGIN re-exported)
from .network import INITS
from .session import FLOOR_FACTOR, LOSS_BOUND, N_VAL, VAL_STREAM, FitSession  # noqa: F401
from .training import OPTIMIZERS

#: Controls a lesson can show or hide with ``controls=``; play, step and reset always show.
CONTROLS = (
    "lr",
    "hidden",
    "activation",
    "optimizer",
    "epochs_per_frame",
    "epochs",
    "noise",
    "n",
    "seed",
    "show_units",
    "layers",
    "show_grad_norms",
)
# Settings that change the data or the network: changing one starts afresh.
_RESET_ON = ("hidden", "activation", "optimizer", "noise", "n", "seed", "layers")
#: Gradient-norm snapshots the static picture's panel takes over its training run.
NORM_SNAPSHOTS = 25
# Plane-only arguments: any of them makes bp.Trainer the 2-D playground.
_PLANE = ("dataset", "data", "features", "classes", "loss", "l2", "test_ratio")


class Trainer(ui.PlayLoop):
    """Train ``Network(hidden, activation, seed)`` on ``bump_data(n, noise, seed)`` live.

    lr: learning rate; optimizer: 'gd', 'momentum' or 'adam'; epochs_per_frame: epochs
    trained per animation frame; epochs: where play stops (the step button may go on);
    batch_size: None for full batch; show_units: draw each hidden unit's contribution
    w2_i act(w1_i x + b1_i); controls: names from ``CONTROLS`` to show (None: all);
    interval: milliseconds between frames while playing; layers: 1 to 3 hidden layers of
    `hidden` units each (more than 1 trains a ``DeepNetwork``, chapter 9); show_grad_norms:
    a panel of each layer's gradient norm ||dL/dW_l|| as training goes on.

    With ``dataset=`` (e.g. 'circles') or ``data=(X, y)`` it is the 2-D playground instead:
    see ``backproplab.playground.Playground``.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Trainer and any(name in kwargs for name in _PLANE):
            from .playground import Playground

            return Playground(*args, **kwargs)
        return super().__new__(cls)

    def __init__(
        self,
        lr: float = ex.LR,
        hidden: int = ex.HIDDEN,
        activation: str = ex.ACTIVATION,
        optimizer: str = "gd",
        n: int = ex.N,
        noise: float = ex.NOISE,
        seed: int = ex.SEED,
        epochs_per_frame: int = 10,
        epochs: int = ex.EPOCHS,
        batch_size: int | None = None,
        show_units: bool = False,
        controls=None,
        init: str = ex.INIT,
        interval: int = 100,
        layers: int = 1,
        show_grad_norms: bool = False,
    ):
        self.session = FitSession(
            lr=_validate.positive("lr", lr),
            hidden=_validate.integer("hidden", hidden, minimum=1),
            activation=_validate.choice("activation", activation, tuple(ACTIVATIONS)),
            optimizer=_validate.choice("optimizer", optimizer, OPTIMIZERS),
            n=_validate.integer("n", n, minimum=2),
            noise=_validate.positive("noise", noise, allow_zero=True),
            seed=_validate.integer("seed", seed, minimum=0),
            layers=_validate.integer("layers", layers, minimum=1),
            init=_validate.choice("init", init, INITS),
            batch_size=None
            if batch_size is None
            else _validate.integer("batch_size", batch_size, minimum=1),
        )
        epochs_per_frame = _validate.integer("epochs_per_frame", epochs_per_frame, minimum=1)
        epochs = _validate.integer("epochs", epochs, minimum=1)
        for name, value in (("show_units", show_units), ("show_grad_norms", show_grad_norms)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be True or False, got {value!r}")
        if self.session.layers > MAX_LAYERS:
            raise ValueError(
                f"layers must be an integer from 1 to {MAX_LAYERS}, got {self.session.layers}"
            )
        interval = _validate.integer("interval", interval, minimum=10)
        controls = _chosen(controls, CONTROLS)

        self.view = FitView()
        self.__dict__.update(ui.player(interval))
        self.__dict__.update(
            ui.fit_controls(self.session, epochs_per_frame, epochs, show_units, show_grad_norms)
        )
        shown = [self.control(name) for name in CONTROLS if name in controls]
        self.widget = ui.layout(vars(self), shown, [self.image, self.norms_image], "bp-trainer")
        self.reset()
        for name in _RESET_ON:
            self.control(name).observe(lambda _: self.reset(), names="value")
        self.lr.observe(self._on_lr, names="value")
        self.units.observe(lambda _: self.redraw(), names="value")  # legend and limits change
        self.norms_box.observe(lambda _: self.redraw(), names="value")
        self.epochs.observe(lambda _: self._show_status(), names="value")
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())

    # The session's state and the view's artists, reachable as before the split.
    def __getattr__(self, name):
        for part in ("session", "view"):
            owner = self.__dict__.get(part)
            if owner is not None and hasattr(owner, name):
                return getattr(owner, name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name, value):
        session = self.__dict__.get("session")
        if session is not None and name not in self.__dict__ and hasattr(session, name):
            setattr(session, name, value)  # e.g. trainer.rng, trainer.batch_size
        else:
            super().__setattr__(name, value)

    batch_size = property(lambda self: self.session.batch_size)
    init = property(lambda self: self.session.init)

    def control(self, name: str):
        """The widget for a setting, by its constructor name (e.g. 'lr', 'show_units')."""
        name = _validate.choice("name", name, CONTROLS)
        boxes = {"show_units": self.units, "show_grad_norms": self.norms_box}
        return boxes[name] if name in boxes else getattr(self, name)

    # -- what the buttons and the timer call ---------------------------------------------
    def reset(self) -> None:
        """Start afresh from the current settings: new data, network and history. Play goes
        on as it was: a setting changed just before play can reach the kernel after it."""
        for name in ("lr", "optimizer", "seed", *_RESET_ON):
            setattr(self.session, name, self.control(name).value)
        self.session.reset()
        self.play.value = 0
        self.view.reset(self.session, self.epochs.value)
        self.redraw()

    def _on_lr(self, change) -> None:
        self.session.set_lr(change["new"])
        self._show_status()

    def _train(self, net, optimizer, history, epochs: int) -> str:
        """Train in place without redrawing (the benchmark times the two apart)."""
        return self.session.train(net, optimizer, history, epochs)

    # -- drawing -------------------------------------------------------------------------
    def _render(self, net, history, title: str = "") -> bytes:
        return self.view.render(net, history, self.units.value, title)

    def redraw(self) -> None:
        """Show the live network and history: move the artists, render, update the status."""
        self.image.value = self._render(self.net, self.history)
        self.norms_image.layout.display = None if self.norms_box.value else "none"
        if self.norms_box.value:  # the gradient-norm panel: redrawn only while shown
            self.norms_image.value = self.view.render_norms(self.norm_history)
        self._show_status()

    def _static_norms(self, epochs: int):
        """The gradient norms of a copy of the starting network over a training run."""
        return self.session.fresh_run(epochs, NORM_SNAPSHOTS)[3]

    def status_text(self, history=None) -> str:
        """The status line as plain text: epoch, losses, and what went wrong if anything."""
        return self.session.status_text(history)

    # -- display: the widget in a live kernel, a picture on the static website ------------
    def static_png(self) -> bytes:
        """The picture for a page without a kernel: the fit and loss after a training run.

        If this Trainer has not trained yet, a copy trains for ``epochs`` epochs (the
        "stop at epoch" setting) at build time; the live widget stays untouched.
        """
        s = self.session
        if self.history.epochs:
            net, hist, message = self.net, self.history, self.message
        else:
            net, hist, message, _ = s.fresh_run(self.epochs.value, net=self.net.copy())
        depth = f"{s.layers} layers of " if s.layers > 1 else ""
        settings = (
            f"{depth}{s.activation} units, k = {s.hidden}, {s.optimizer}, "
            f"lr = {s.lr:.3g}, n = {s.n}, noise σ = {s.noise:g}"
        )
        status = self.status_text(hist)
        reached = hist.epochs_to(FLOOR_FACTOR * s.floor) if s.floor > 0 else None
        if reached is not None:
            status += f" · within {FLOOR_FACTOR}× the floor from epoch {reached}"
        if message:
            status += f" · {message}"
        return self._render(net, hist, title=f"{settings}\n{status}")

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        png = self.static_png()
        if self.norms_box.value:  # the gradient-norm panel below the picture
            history = self.norm_history if self.history.epochs else None
            png = stack(
                png, self.view.render_norms(history or self._static_norms(self.epochs.value))
            )
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        s = self.session
        return (
            f"Trainer(lr={s.lr:.3g}, hidden={s.hidden}, activation={s.activation!r}, "
            f"optimizer={s.optimizer!r}, n={s.n}, noise={s.noise:g}, seed={s.seed}; "
            f"{self.status_text()})"
        )


def _chosen(controls, allowed) -> list:
    """The control names a lesson asked for (None: all), each checked."""
    if controls is None:
        return list(allowed)
    if isinstance(controls, str):
        raise TypeError("controls must be a list of names, e.g. controls=['lr', 'hidden']")
    return [_validate.choice("controls", c, allowed) for c in controls]
