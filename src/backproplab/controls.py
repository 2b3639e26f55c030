"""The Trainer's controls: the widgets a student presses, built and laid out, no logic.

Every task shares the player (play, step, reset), the status line and the settings grid;
``fit_controls`` adds the 1-D fit's settings (chapters 7-9). The Trainer wires them to its
session.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

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
