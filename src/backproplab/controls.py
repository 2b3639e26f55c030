"""The Trainer's controls: the widgets a student presses, built and laid out, no logic.

Every task shares the player (play, step, reset), the status line and the settings grid;
``fit_controls`` adds the 1-D fit's settings (chapters 7-9). The Trainer wires them to its
session.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets

from . import _validate
from .activations import ACTIVATIONS
from .training import OPTIMIZERS

#: The most hidden layers the 1-D fit's control offers (chapter 9).
MAX_LAYERS = 3
#: Each setting's description column and the widget's width.
WIDE = dict(style={"description_width": "9em"}, layout=widgets.Layout(width="22em"))


def player(interval: int) -> dict:
    """Play/pause, step, reset, the status line and the main picture."""
    play = widgets.Play(
        value=0, min=0, max=10**9, step=1, show_repeat=False, description="play",
        tooltip="play / pause training", interval=interval,
    )  # fmt: skip
    step = widgets.Button(
        description="step", tooltip="train one frame", layout=widgets.Layout(width="6em")
    )
    reset = widgets.Button(
        description="reset",
        tooltip="new network, same settings",
        layout=widgets.Layout(width="6em"),
    )
    return dict(
        play=play,
        step_button=step,
        reset_button=reset,
        status=widgets.HTML(),
        image=widgets.Image(format="png", layout=widgets.Layout(max_width="100%")),
    )


def lr_slider(lr: float) -> widgets.FloatLogSlider:
    lo = min(-4.0, math.floor(math.log10(lr)))
    hi = max(1.0, math.ceil(math.log10(lr)))
    return widgets.FloatLogSlider(
        value=lr, base=10, min=lo, max=hi, step=0.05, description="learning rate",
        readout_format=".3g", continuous_update=False, **WIDE,
    )  # fmt: skip


def int_slider(value: int, lo: int, hi: int, description: str) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value, min=lo, max=max(hi, value), description=description,
        continuous_update=False, **WIDE,
    )  # fmt: skip


def dropdown(options, value, description: str) -> widgets.Dropdown:
    return widgets.Dropdown(options=list(options), value=value, description=description, **WIDE)


def checkbox(value: bool, description: str) -> widgets.Checkbox:
    return widgets.Checkbox(value=value, description=description, indent=False)


def common(lr, activation, optimizer, seed, epf, epochs) -> dict:
    """The settings every task has."""
    return dict(
        lr=lr_slider(lr),
        activation=dropdown(ACTIVATIONS, activation, "activation"),
        optimizer=dropdown(OPTIMIZERS, optimizer, "optimizer"),
        epochs_per_frame=int_slider(epf, 1, 200, "epochs / frame"),
        epochs=widgets.BoundedIntText(
            value=epochs, min=1, max=max(10**6, epochs), description="stop at epoch", **WIDE
        ),
        seed=widgets.BoundedIntText(
            value=seed, min=0, max=max(10**6, seed), description="seed", **WIDE
        ),
    )


def fit_controls(s, epf: int, epochs: int, show_units: bool, show_grad_norms: bool) -> dict:
    """The 1-D fit's settings, from a FitSession `s`; keys are the Trainer's attribute names."""
    controls = common(s.lr, s.activation, s.optimizer, s.seed, epf, epochs)
    controls.update(
        hidden=int_slider(s.hidden, 1, 64, "hidden units k"),
        noise=widgets.FloatSlider(
            value=s.noise,
            min=0.0,
            max=max(0.3, s.noise),
            step=0.01,
            description="noise σ",
            readout_format=".2f",
            continuous_update=False,
            **WIDE,
        ),  # fmt: skip
        n=int_slider(s.n, 2, 1000, "samples n"),
        units=checkbox(show_units, "show each unit's contribution"),
        layers=widgets.IntSlider(
            value=s.layers,
            min=1,
            max=MAX_LAYERS,
            description="hidden layers",
            continuous_update=False,
            **WIDE,
        ),  # fmt: skip
        norms_box=checkbox(show_grad_norms, "show each layer's gradient norm"),
        norms_image=widgets.Image(format="png", layout=widgets.Layout(max_width="100%")),
    )
    return controls


def layout(w: dict, shown: list, below: list, css_class: str) -> widgets.VBox:
    """The player's buttons, the status line, the settings `shown`, then the pictures `below`."""
    buttons = widgets.HBox([w["play"], w["step_button"], w["reset_button"]])
    settings = widgets.GridBox(
        shown, layout=widgets.Layout(grid_template_columns="repeat(auto-fill, 23em)")
    )
    box = widgets.VBox([buttons, w["status"], settings, *below])
    box.add_class(css_class)
    return box


#: Playground's choices for the batch size (0: the full batch) and the L2 rate.
BATCH_SIZES = (0, 1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100)
L2_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
TARGETS = (0.0, 0.8, 0.9, 0.95, 0.99, 1.0)


def _option(options, value, label=str):
    """(label, value) pairs for a dropdown, widened to hold `value` if it is not offered."""
    values = sorted({*options, value})
    return [(label(v), v) for v in values]


def plane_controls(s, epf: int, epochs: int, shown: dict) -> dict:
    """The playground's settings, from a PlaneSession `s`; `shown`: the picture checkboxes."""
    from .plane import DATASETS, FEATURES, LOSSES, MAX_LAYERS, MAX_UNITS

    controls = common(s.lr, s.activation, s.optimizer, s.seed, epf, epochs)
    datasets = DATASETS if not s.data_given else ("own",)
    batch = 0 if s.batch_size is None else s.batch_size
    target = 0.0 if s.target is None else s.target
    features = [checkbox(name in s.features, name) for name in FEATURES]
    for box in features:
        box.layout = widgets.Layout(width="7em")
    controls.update(
        dataset=dropdown(datasets, s.dataset, "data"),
        noise=widgets.FloatSlider(
            value=s.noise,
            min=0.0,
            max=max(0.5, s.noise),
            step=0.01,
            description="noise",
            readout_format=".2f",
            continuous_update=False,
            **WIDE,
        ),  # fmt: skip
        n=int_slider(s.n, 20, 1000, "points n"),
        classes=int_slider(s.classes, 2, 6, "spiral arms"),
        test_ratio=widgets.FloatSlider(
            value=s.test_ratio,
            min=0.1,
            max=0.9,
            step=0.05,
            description="test share",
            readout_format=".0%",
            continuous_update=False,
            **WIDE,
        ),  # fmt: skip
        batch_size=dropdown(
            _option(BATCH_SIZES, batch, lambda v: str(v) if v else "full"), batch, "batch size"
        ),
        features=widgets.HBox(
            [widgets.Label("input features", layout=widgets.Layout(width="9.5em")), *features],
            layout=widgets.Layout(flex_flow="row wrap"),
        ),
        feature_boxes=features,
        layers=int_slider(s.layers, 0, MAX_LAYERS, "hidden layers"),
        hidden=int_slider(s.hidden, 1, MAX_UNITS, "units per layer"),
        l2=dropdown(_option(L2_RATES, s.l2, lambda v: f"{v:g}"), s.l2, "L2 rate λ"),
        loss=dropdown(LOSSES, s.loss, "loss"),
        target=dropdown(
            _option(TARGETS, target, lambda v: f"{100 * v:g}%" if v else "off"),
            target,
            "stop at test acc.",
        ),
        units_image=widgets.Image(format="png"),
        norms_image=widgets.Image(format="png", layout=widgets.Layout(max_width="100%")),
        confusion_html=widgets.HTML(),
    )
    labels = dict(
        discretize="discretize output", show_test="show test points",
        show_units="show each hidden unit", show_grad_norms="show each layer's gradient norm",
        show_confusion="show the confusion matrix",
    )  # fmt: skip
    controls.update({name: checkbox(value, labels[name]) for name, value in shown.items()})
    return controls


class PlayLoop:
    """Play, pause, step and the timer's tick, shared by the Trainer and the playground.

    The widget using it has ``session`` (whose ``advance`` trains and ``reached`` says a
    target was met), ``history``, ``message``, the ``play``, ``epochs``, ``epochs_per_frame``
    and ``status`` widgets, ``redraw`` and ``status_text``.
    """

    def frame(self, epochs: int | None = None) -> None:
        """One tick: train a chunk (epochs_per_frame epochs, or `epochs`), then redraw."""
        chunk = self.epochs_per_frame.value if epochs is None else epochs
        chunk = _validate.integer("epochs", chunk, minimum=0)
        if self.session.advance(chunk) or self.session.reached:  # diverged, or at the target
            self.play.playing = False
        self.redraw()

    def step(self) -> None:
        """Pause, and train one frame."""
        self.play.playing = False
        self.frame()

    def start(self) -> None:
        """Start playing (in a browser the Play widget then ticks ``frame``)."""
        self.play.playing = True

    def pause(self) -> None:
        """Stop playing; the state is kept, play resumes from here."""
        self.play.playing = False

    def run(self, epochs: int) -> None:
        """Train `epochs` epochs at once, without the timer (for scripts and static pictures)."""
        self.frame(epochs)

    def _on_tick(self, change) -> None:
        if not self.play.playing or change["new"] == 0:
            return
        left = self.epochs.value - self.history.epochs
        if left > 0 and not self.session.reached:
            self.frame(min(self.epochs_per_frame.value, left))
        if self.history.epochs >= self.epochs.value or self.session.reached:
            self.play.playing = False
            self._show_status()

    def _show_status(self) -> None:
        """The status line, with what went wrong or why play stopped."""
        text = html.escape(self.status_text())
        if self.message:
            self.status.value = (
                f'<span class="bp-status">{text}</span><br>'
                f'<b class="bp-diverged" style="color:#D55E00">{html.escape(self.message)}</b>'
            )
            return
        note = ""
        if self.history.epochs >= self.epochs.value and not self.play.playing:
            note = f" · stopped at epoch {self.epochs.value} (raise “stop at epoch” to go on)"
        self.status.value = f'<span class="bp-status">{text}{html.escape(note)}</span>'
