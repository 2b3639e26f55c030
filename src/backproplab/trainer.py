"""The live Trainer: train the course's network in the notebook and watch it fit (chapters 7-8).

``bp.Trainer()`` reproduces the homework's experiment (sigmoid, k = 10, U(-1, 1) start,
gradient descent with lr = 0.01, 100 epochs); ``bp.Trainer(**bp.RECOMMENDED)`` is the
setting that reaches the noise floor. In JupyterLab it is a widget: play/pause, one step,
reset, the settings, a live fit and a live loss curve. On the static website, which has no
kernel, the same cell shows a picture of the fit and the loss after a short training run.

Every button calls a plain method (``frame``, ``step``, ``reset``, ...), so the widget can
be driven, and tested, without a browser.
"""

from __future__ import annotations

import base64
import html
import io
import math
import warnings
from collections import deque

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import _validate
from . import experiment as ex
from .activations import ACTIVATIONS
from .data import bump_data
from .deep import DeepNetwork, layer_grad_norms
from .experiment import RECOMMENDED  # noqa: F401  (re-exported)
from .network import INITS, Network
from .plotting import COLORS, GRID, LOSS_CAP, plot_fit
from .training import OPTIMIZERS, History, TrainingDiverged, make_optimizer, train

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
#: Within this factor of the noise floor, the fit is as good as the noise allows.
FLOOR_FACTOR = 1.2
#: Size of the held-out validation set, drawn from the same bump with its own seed.
N_VAL = 200
#: The validation set's random stream; the training data's is data.DATA_STREAM.
VAL_STREAM = 2
#: A training or validation loss above this counts as divergence (the data lie within ±1,
#: so an untrained network's loss is of order 1; the loss plots cap at the same value).
LOSS_BOUND = LOSS_CAP
#: The fit panel shows at most this many data ranges above and below the data.
FIT_MARGIN = 3.0
# Settings that change the data or the network: changing one starts afresh.
_RESET_ON = ("hidden", "activation", "optimizer", "noise", "n", "seed", "layers")
#: The most hidden layers the control offers (chapter 9).
MAX_LAYERS = 3
#: Gradient-norm snapshots the static picture's panel takes over its training run.
NORM_SNAPSHOTS = 25


class Trainer:
    """Train ``Network(hidden, activation, seed)`` on ``bump_data(n, noise, seed)`` live.

    lr: learning rate; optimizer: 'gd', 'momentum' or 'adam'; epochs_per_frame: epochs
    trained per animation frame; epochs: where play stops (the step button may go on);
    batch_size: None for full batch; show_units: draw each hidden unit's contribution
    w2_i act(w1_i x + b1_i); controls: names from ``CONTROLS`` to show (None: all);
    interval: milliseconds between frames while playing; layers: 1 to 3 hidden layers of
    `hidden` units each (more than 1 trains a ``DeepNetwork``, chapter 9); show_grad_norms:
    a panel of each layer's gradient norm ||dL/dW_l|| as training goes on.
    """

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
        lr = _validate.positive("lr", lr)
        hidden = _validate.integer("hidden", hidden, minimum=1)
        activation = _validate.choice("activation", activation, tuple(ACTIVATIONS))
        optimizer = _validate.choice("optimizer", optimizer, OPTIMIZERS)
        n = _validate.integer("n", n, minimum=2)
        noise = _validate.positive("noise", noise, allow_zero=True)
        seed = _validate.integer("seed", seed, minimum=0)
        epochs_per_frame = _validate.integer("epochs_per_frame", epochs_per_frame, minimum=1)
        epochs = _validate.integer("epochs", epochs, minimum=1)
        if batch_size is not None:
            batch_size = _validate.integer("batch_size", batch_size, minimum=1)
        if not isinstance(show_units, bool):
            raise TypeError(f"show_units must be True or False, got {show_units!r}")
        layers = _validate.integer("layers", layers, minimum=1)
        if layers > MAX_LAYERS:
            raise ValueError(f"layers must be an integer from 1 to {MAX_LAYERS}, got {layers}")
        if not isinstance(show_grad_norms, bool):
            raise TypeError(f"show_grad_norms must be True or False, got {show_grad_norms!r}")
        self.init = _validate.choice("init", init, INITS)
        self.batch_size = batch_size
        interval = _validate.integer("interval", interval, minimum=10)
        if controls is None:
            controls = CONTROLS
        elif isinstance(controls, str):
            raise TypeError("controls must be a list of names, e.g. controls=['lr', 'hidden']")
        controls = [_validate.choice("controls", c, CONTROLS) for c in controls]

        self._build_widgets(
            lr, hidden, activation, optimizer, n, noise, seed, epochs_per_frame, epochs
        )
        self.units.value = show_units
        self._build_depth_widgets(layers, show_grad_norms)
        self.play.interval = interval
        self._build_figure()
        self._layout(controls)
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

    # -- widgets -------------------------------------------------------------------------
    def _build_widgets(self, lr, hidden, activation, optimizer, n, noise, seed, epf, epochs):
        wide = dict(style={"description_width": "9em"}, layout=widgets.Layout(width="22em"))
        lo = min(-4.0, math.floor(math.log10(lr)))
        hi = max(1.0, math.ceil(math.log10(lr)))
        self.lr = widgets.FloatLogSlider(
            value=lr, base=10, min=lo, max=hi, step=0.05, description="learning rate",
            readout_format=".3g", continuous_update=False, **wide,
        )  # fmt: skip
        self.hidden = widgets.IntSlider(
            value=hidden, min=1, max=max(64, hidden), description="hidden units k",
            continuous_update=False, **wide,
        )  # fmt: skip
        self.activation = widgets.Dropdown(
            options=list(ACTIVATIONS), value=activation, description="activation", **wide
        )
        self.optimizer = widgets.Dropdown(
            options=list(OPTIMIZERS), value=optimizer, description="optimizer", **wide
        )
        self.epochs_per_frame = widgets.IntSlider(
            value=epf, min=1, max=max(200, epf), description="epochs / frame",
            continuous_update=False, **wide,
        )  # fmt: skip
        self.epochs = widgets.BoundedIntText(
            value=epochs, min=1, max=max(10**6, epochs), description="stop at epoch", **wide
        )
        self.noise = widgets.FloatSlider(
            value=noise, min=0.0, max=max(0.3, noise), step=0.01, description="noise σ",
            readout_format=".2f", continuous_update=False, **wide,
        )  # fmt: skip
        self.n = widgets.IntSlider(
            value=n, min=2, max=max(1000, n), description="samples n",
            continuous_update=False, **wide,
        )  # fmt: skip
        self.seed = widgets.BoundedIntText(
            value=seed, min=0, max=max(10**6, seed), description="seed", **wide
        )
        self.units = widgets.Checkbox(
            value=False, description="show each unit's contribution", indent=False
        )
        self.play = widgets.Play(
            value=0, min=0, max=10**9, step=1, show_repeat=False, description="play",
            tooltip="play / pause training",
        )  # fmt: skip
        self.step_button = widgets.Button(
            description="step", tooltip="train one frame", layout=widgets.Layout(width="6em")
        )
        self.reset_button = widgets.Button(
            description="reset",
            tooltip="new network, same settings",
            layout=widgets.Layout(width="6em"),
        )
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def _build_depth_widgets(self, layers: int, show_grad_norms: bool) -> None:
        """The chapter 9 controls: the number of hidden layers and the gradient-norm panel."""
        wide = dict(style={"description_width": "9em"}, layout=widgets.Layout(width="22em"))
        self.layers = widgets.IntSlider(
            value=layers, min=1, max=MAX_LAYERS, description="hidden layers",
            continuous_update=False, **wide,
        )  # fmt: skip
        self.norms_box = widgets.Checkbox(
            value=show_grad_norms, description="show each layer's gradient norm", indent=False
        )
        self.norms_image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.norms_figure = Figure(figsize=(9.6, 2.3), dpi=80)
        FigureCanvasAgg(self.norms_figure)
        self.norms_figure.subplots_adjust(left=0.07, right=0.985, bottom=0.22, top=0.86)
        self.ax_norms = self.norms_figure.subplots()

    def control(self, name: str):
        """The widget for a setting, by its constructor name (e.g. 'lr', 'show_units')."""
        name = _validate.choice("name", name, CONTROLS)
        boxes = {"show_units": self.units, "show_grad_norms": self.norms_box}
        return boxes[name] if name in boxes else getattr(self, name)

    def _layout(self, controls) -> None:
        buttons = widgets.HBox([self.play, self.step_button, self.reset_button])
        shown = [self.control(name) for name in CONTROLS if name in controls]
        settings = widgets.GridBox(
            shown, layout=widgets.Layout(grid_template_columns="repeat(auto-fill, 23em)")
        )
        self.widget = widgets.VBox([buttons, self.status, settings, self.image, self.norms_image])
        self.widget.add_class("bp-trainer")

    # -- the state: data, network, optimizer, history -------------------------------------
    def reset(self) -> None:
        """Stop, and start afresh from the current settings: new data, network and history."""
        self.play.playing = False
        seed = self.seed.value
        self.data = bump_data(self.n.value, self.noise.value, seed)
        # validation data: the same bump, a seed of its own, so it never overlaps the training
        self.val = bump_data(N_VAL, self.noise.value, np.random.default_rng([seed, VAL_STREAM]))
        self.net = self._new_network(seed)
        self.initial_params = {name: p.copy() for name, p in self.net.params.items()}
        self.optimizer_state = make_optimizer(self.optimizer.value, self.lr.value)
        self.history = History()
        self.rng = np.random.default_rng(seed)  # the order of the mini-batches
        self.message = ""
        self.floor_epoch = None
        self.play.value = 0
        self.norm_history = [(0, self._layer_norms(self.net))]  # (epoch, ||dL/dW_l|| per layer)
        self._reset_axes()
        self.redraw()

    def _new_network(self, seed):
        """Network for one hidden layer, DeepNetwork (chapter 9) for more, same settings."""
        k, act = self.hidden.value, self.activation.value
        if self.layers.value == 1:
            return Network(k, act, seed, self.init)
        return DeepNetwork((1,) + (k,) * self.layers.value + (1,), act, seed, self.init)

    def _layer_norms(self, net) -> np.ndarray:
        """||dL/dW_l|| for every layer of `net` on the training data (w1, w2 for a Network)."""
        with np.errstate(all="ignore"):
            grads = net._loss_and_grads(self.data.x, self.data.y)[1]
        if "w1" in grads:
            grads = {"W1": grads["w1"], "W2": grads["w2"]}
        return layer_grad_norms(grads)

    @property
    def floor(self) -> float:
        """The noise floor of the current data: noise variance σ²."""
        return self.noise.value**2

    def _train(self, net, optimizer, history, epochs: int) -> str:
        """Train in place; if the run diverged, say so in words (never as nan or inf).

        train() stops when the training loss stops being finite. The status line must not
        show a loss that has blown up either, so an epoch whose training or validation loss
        is non-finite or above LOSS_BOUND also ends the run: it is taken out of the history
        and the parameters go back two epochs, as train() does, so that a lower learning
        rate can go on from there.
        """
        if epochs <= 0:
            return ""
        history.diverged, history.message = False, ""
        recent = deque([_copy(net.params)], maxlen=3)  # the parameters after recent epochs
        blown = []

        def watch(epoch, net, hist):
            which = _blown_up(hist)
            if which:
                blown.append((epoch, which))
                return False  # stop training
            recent.append(_copy(net.params))
            return True

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrainingDiverged)  # said in the status line instead
            train(
                net, self.data.x, self.data.y, lr=self.lr.value, epochs=epochs,
                optimizer=optimizer, batch_size=self.batch_size, val=self.val,
                seed=self.rng, history=history, callback=watch,
            )  # fmt: skip
        if blown:
            epoch, which = blown[0]
            del history.loss[epoch - 1 :], history.val_loss[epoch - 1 :]
            for name, value in recent[0].items():
                net.params[name][...] = value
            history.diverged = True
        elif history.diverged:  # train() stopped it: the training loss stopped being finite
            epoch, which = history.epochs + 1, "training loss overflowed"
        else:
            return ""
        return (
            f"diverged at epoch {epoch}: the {which} with lr = {self.lr.value:.3g} "
            f"({optimizer.name}) — training stopped; try a smaller learning rate"
        )

    # -- what the buttons and the timer call ---------------------------------------------
    def frame(self, epochs: int | None = None) -> None:
        """Train one chunk (epochs_per_frame epochs, or `epochs`), then redraw in place."""
        chunk = self.epochs_per_frame.value if epochs is None else epochs
        chunk = _validate.integer("epochs", chunk, minimum=0)
        before = self.history.epochs
        message = self._train(self.net, self.optimizer_state, self.history, chunk)
        if message:
            self.message = message
            self.play.playing = False
        elif self.history.epochs > before:
            self.message = ""
        if self.floor_epoch is None and self.floor > 0:
            self.floor_epoch = self.history.epochs_to(FLOOR_FACTOR * self.floor)
        if self.history.epochs > self.norm_history[-1][0]:
            self.norm_history.append((self.history.epochs, self._layer_norms(self.net)))
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
        if left <= 0:
            self.play.playing = False
            self._show_status()
            return
        self.frame(min(self.epochs_per_frame.value, left))
        if self.history.epochs >= self.epochs.value:
            self.play.playing = False
            self._show_status()

    def _on_lr(self, change) -> None:
        self.optimizer_state.lr = change["new"]  # the optimizer's state (Adam's moments) stays
        self.message = ""
        self._show_status()

    # -- drawing -------------------------------------------------------------------------
    # One Agg figure for the widget's lifetime, outside pyplot so nothing else shows it.
    # The axes, ticks, data and legend are drawn once into a background; a frame restores
    # it and draws only the moving lines (blitting), then encodes the pixels as PNG.
    def _build_figure(self) -> None:
        self.figure = Figure(figsize=(9.6, 3.4), dpi=80)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.07, right=0.985, bottom=0.15, top=0.86, wspace=0.22)
        self.ax_fit, self.ax_loss = self.figure.subplots(1, 2)
        self._background = None

    def _reset_axes(self) -> None:
        """Rebuild the artists once per reset; frames then only move their data."""
        ax = self.ax_fit
        ax.clear()
        plot_fit(self.net, self.data, ax, contributions=True)
        self._truth, *self._unit_lines, self._fit_line = ax.lines
        lo, hi = float(self.data.y.min()), float(self.data.y.max())
        pad = 0.15 * (hi - lo) + 0.05
        self._data_ylim = (lo - pad, hi + pad)
        # the first frame widens these to show the untrained network's curve (see _fit_ylim)
        self._fit_range = self._data_ylim
        ax.set_title("the fit", fontsize=11)

        ax = self.ax_loss
        ax.clear()
        (self._train_line,) = ax.plot([], [], color=COLORS["train"], label="training loss")
        (self._val_line,) = ax.plot([], [], color=COLORS["val"], ls="--", label="validation loss")
        label = f"noise floor {self.floor:.3g}"
        self._floor_line = ax.axhline(
            self.floor if self.floor > 0 else np.nan, color=COLORS["floor"], ls=":", lw=1.5,
            label=label,
        )  # fmt: skip
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean squared loss $L$")
        ax.legend(fontsize=9, loc="upper right")
        ax.set_title("the loss", fontsize=11)
        for line in (self._fit_line, *self._unit_lines, self._train_line, self._val_line):
            line.set_animated(True)  # drawn per frame, not part of the background
        start = self.net.loss(self.data.x, self.data.y)
        floor = self.floor if self.floor > 0 else start / 100
        self._loss_ylim = (min(floor, start) / 2, max(start, floor) * 3)
        self._xmax = max(self.epochs.value, 10)
        self._background = None

    def _fit_ylim(self, f, shares) -> tuple:
        """The fit panel's y-limits: the data's, widened to show the curves when they leave.

        An untrained network's curve often lies far from the data (chapter 2), and a
        student must see it before training starts, so the limits widen to take it in, up
        to FIT_MARGIN data ranges beyond the data (a wilder curve is cut at the edge). They
        widen with room to spare and only zoom back in once every curve is among the data
        again, so frames rarely redraw the axes.
        """
        lo, hi = self._data_ylim
        span = hi - lo
        low, high = lo - FIT_MARGIN * span, hi + FIT_MARGIN * span
        values = np.concatenate([f, np.ravel(shares)]) if self.units.value else f
        values = values[np.isfinite(values)]
        if not values.size:
            return self._fit_range
        want = (
            max(min(lo, float(values.min()) - 0.1 * span), low),
            min(max(hi, float(values.max()) + 0.1 * span), high),
        )
        now_lo, now_hi = self._fit_range
        if want[0] < now_lo or want[1] > now_hi:
            return (
                max(want[0] - 0.25 * span, low) if want[0] < now_lo else now_lo,
                min(want[1] + 0.25 * span, high) if want[1] > now_hi else now_hi,
            )
        if want == (lo, hi):
            return (lo, hi)
        return self._fit_range

    def _limits(self, f, shares, history) -> bool:
        """Move the axes when the curves leave them; True if they changed."""
        changed = False
        self._fit_range = lo, hi = self._fit_ylim(f, shares)
        if (lo, hi) != tuple(self.ax_fit.get_ylim()):
            self.ax_fit.set_ylim(lo, hi)
            changed = True
        if history.epochs > self._xmax:
            self._xmax = 2 * history.epochs
        if tuple(self.ax_loss.get_xlim()) != (0.0, self._xmax * 1.02):
            self.ax_loss.set_xlim(0.0, self._xmax * 1.02)
            changed = True
        ylo, yhi = self._loss_ylim
        values = np.array([v for v in history.loss[-500:] + history.val_loss[-500:] if v > 0])
        if values.size and values.min() < ylo:
            ylo = values.min() / 3
        if values.size and values.max() > yhi and np.isfinite(values.max()):
            yhi = min(values.max() * 3, 1e100)  # beyond this, log ticks overflow
        self._loss_ylim = (ylo, yhi)
        if (ylo, yhi) != tuple(self.ax_loss.get_ylim()):
            self.ax_loss.set_ylim(ylo, yhi)
            changed = True
        return changed

    def _render(self, net, history, title: str = "") -> bytes:
        """Show `net` and `history` by moving the artists' data; return the PNG."""
        # a run near divergence holds huge numbers; the status line speaks for them
        with np.errstate(all="ignore"):
            return self._render_unchecked(net, history, title)

    def _render_unchecked(self, net, history, title: str) -> bytes:
        show_units = self.units.value
        f = net._forward(GRID)[2]
        shares = net.contributions(GRID)  # (n, k): the last hidden layer's units
        self._fit_line.set_ydata(np.where(np.isfinite(f), f, np.nan))
        for line, share in zip(self._unit_lines, shares.T, strict=True):
            line.set_visible(show_units)
            if show_units:
                line.set_ydata(np.where(np.isfinite(share), share, np.nan))
        epochs = np.arange(1, history.epochs + 1)
        self._train_line.set_data(epochs, history.loss)
        self._val_line.set_data(epochs[: len(history.val_loss)], history.val_loss)

        canvas = self.figure.canvas
        if self._limits(f, shares, history) or self._background is None or title:
            handles = [*self.ax_fit.collections, self._truth, self._fit_line]
            if show_units:
                handles.insert(2, self._unit_lines[0])
            self.ax_fit.legend(handles=handles, loc="upper center", fontsize=9)
            self.figure.suptitle(title, fontsize=10)
            self.figure.subplots_adjust(top=0.74 if title else 0.86)
            canvas.draw()
            self._background = None if title else canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for ax, lines in (
            (self.ax_fit, [*self._unit_lines, self._fit_line]),
            (self.ax_loss, [self._train_line, self._val_line]),
        ):
            for line in lines:
                if line.get_visible():
                    ax.draw_artist(line)
        if title:  # the next live frame redraws without the title
            self.figure.suptitle("")
            self.figure.subplots_adjust(top=0.86)
            self._background = None
        width, height = canvas.get_width_height()
        pixels = Image.frombuffer(
            "RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buf = io.BytesIO()
        pixels.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def redraw(self) -> None:
        """Show the live network and history: move the artists, render, update the status."""
        self.image.value = self._render(self.net, self.history)
        self._show_norms()
        self._show_status()

    def _show_norms(self) -> None:
        """The gradient-norm panel: shown and redrawn only while its box is ticked."""
        self.norms_image.layout.display = None if self.norms_box.value else "none"
        if self.norms_box.value:
            self.norms_image.value = self._render_norms(self.norm_history)

    def _render_norms(self, norm_history) -> bytes:
        """One line per layer: ||dL/dW_l|| against the epoch, log scale; the PNG."""
        ax = self.ax_norms
        ax.clear()
        epochs = [epoch for epoch, _ in norm_history]
        values = np.array([norms for _, norms in norm_history])  # (snapshots, L)
        shades = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, values.shape[1]))
        for layer, (column, shade) in enumerate(zip(values.T, shades, strict=True), start=1):
            shown = np.where(np.isfinite(column) & (column > 0), column, np.nan)
            ax.plot(epochs, shown, "o-", ms=2, color=shade, label=f"layer {layer}")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(r"$\|\partial L/\partial W_l\|$")
        ax.set_title("each layer's gradient norm", fontsize=11)
        ax.legend(fontsize=9, loc="upper right", ncol=values.shape[1])
        buf = io.BytesIO()
        with np.errstate(all="ignore"):
            self.norms_figure.savefig(buf, format="png")
        return buf.getvalue()

    def _static_norms(self, epochs: int):
        """The gradient norms of a copy of the starting network over a training run."""
        net = self._new_network(self.seed.value)
        net.params = {name: p.copy() for name, p in self.initial_params.items()}
        optimizer = make_optimizer(self.optimizer.value, self.lr.value)
        keep_rng, self.rng = self.rng, np.random.default_rng(self.seed.value)
        hist, snapshots = History(), [(0, self._layer_norms(net))]
        try:
            chunk = max(1, epochs // NORM_SNAPSHOTS)
            while hist.epochs < epochs and not hist.diverged:
                self._train(net, optimizer, hist, min(chunk, epochs - hist.epochs))
                snapshots.append((hist.epochs, self._layer_norms(net)))
        finally:
            self.rng = keep_rng
        return snapshots

    def status_text(self, history: History | None = None) -> str:
        """The status line as plain text: epoch, losses, and what went wrong if anything."""
        hist = self.history if history is None else history
        parts = [f"epoch {hist.epochs}"]
        if hist.loss:
            loss = hist.loss[-1]
            parts.append(f"training loss {_number(loss)}")
            if self.floor > 0:
                parts[-1] += f" ({_number(loss / self.floor, '.3g')}× noise floor)"
        if hist.val_loss:
            parts.append(f"validation loss {_number(hist.val_loss[-1])}")
        if history is None and self.floor_epoch is not None:
            parts.append(f"within {FLOOR_FACTOR}× the floor since epoch {self.floor_epoch}")
        return " · ".join(parts)

    def _show_status(self) -> None:
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

    # -- display: the widget in a live kernel, a picture on the static website ------------
    def static_png(self) -> bytes:
        """The picture for a page without a kernel: the fit and loss after a training run.

        If this Trainer has not trained yet, a copy trains for ``epochs`` epochs (the
        "stop at epoch" setting) at build time; the live widget stays untouched.
        """
        if self.history.epochs:
            net, hist, message = self.net, self.history, self.message
        else:
            net, hist = self.net.copy(), History()
            keep_rng, self.rng = self.rng, np.random.default_rng(self.seed.value)
            try:
                optimizer = make_optimizer(self.optimizer.value, self.lr.value)
                message = self._train(net, optimizer, hist, self.epochs.value)
            finally:
                self.rng = keep_rng
        depth = f"{self.layers.value} layers of " if self.layers.value > 1 else ""
        settings = (
            f"{depth}{self.activation.value} units, k = {self.hidden.value}, {self.optimizer.value}, "
            f"lr = {self.lr.value:.3g}, n = {self.n.value}, noise σ = {self.noise.value:g}"
        )
        status = self.status_text(hist)
        reached = hist.epochs_to(FLOOR_FACTOR * self.floor) if self.floor > 0 else None
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
            png = _stack(png, self._render_norms(history or self._static_norms(self.epochs.value)))
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return (
            f"Trainer(lr={self.lr.value:.3g}, hidden={self.hidden.value}, "
            f"activation={self.activation.value!r}, optimizer={self.optimizer.value!r}, "
            f"n={self.n.value}, noise={self.noise.value:g}, seed={self.seed.value}; "
            f"{self.status_text()})"
        )


def _copy(params: dict) -> dict:
    return {name: p.copy() for name, p in params.items()}


def _blown_up(hist: History) -> str:
    """What blew up in the last epoch of `hist`, in words, or '' if nothing did."""
    for name, values in (("training", hist.loss), ("validation", hist.val_loss)):
        if values and not np.isfinite(values[-1]):
            return f"{name} loss overflowed"
        if values and values[-1] > LOSS_BOUND:
            return f"{name} loss grew past {LOSS_BOUND:.0e}"
    return ""


def _number(value: float, spec: str = ".4g") -> str:
    """A number for the status line; a value that is not finite never shows as nan or inf."""
    return format(value, spec) if np.isfinite(value) else "too large to show"


def _stack(top: bytes, bottom: bytes) -> bytes:
    """Two PNGs one above the other, as one PNG (the static picture with its norm panel)."""
    a, b = Image.open(io.BytesIO(top)), Image.open(io.BytesIO(bottom))
    both = Image.new("RGBA", (max(a.width, b.width), a.height + b.height), "white")
    both.paste(a, (0, 0))
    both.paste(b, (0, a.height))
    buf = io.BytesIO()
    both.save(buf, format="png")
    return buf.getvalue()
