"""Plots for the chapters: one colour-blind-safe style, curves always over sorted x."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .activations import get_activation
from .data import NOISE_FLOOR, bump

# Okabe & Ito's palette, readable with every common form of colour blindness.
COLORS = {
    "data": "#999999",
    "truth": "#000000",
    "fit": "#0072B2",
    "train": "#0072B2",
    "val": "#D55E00",
    "floor": "#009E73",
    "derivative": "#D55E00",
    "units": ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"],
}
STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORS["units"]),
    "legend.frameon": False,
    "font.size": 11,
}
#: The x grid that smooth curves are drawn on: sorted, so lines never zigzag.
GRID = np.linspace(-1.0, 1.0, 201)


def use_style() -> None:
    """Apply the course's plot style (done on import)."""
    mpl.rcParams.update(STYLE)


def _axes(ax):
    return plt.subplots()[1] if ax is None else ax


def plot_data(data, ax=None, truth: bool = True):
    """The noisy samples, and the noise-free bump as a line."""
    ax = _axes(ax)
    ax.scatter(data.x, data.y, s=14, color=COLORS["data"], label="data", zorder=2)
    if truth:
        ax.plot(GRID, bump(GRID), color=COLORS["truth"], lw=1.5, label="true bump")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc="upper center")
    return ax


def plot_fit(net, data=None, ax=None, contributions: bool = False, label: str = "network $f(x)$"):
    """The network's prediction over sorted x, with the data and, optionally, each unit's share."""
    ax = _axes(ax)
    if data is not None:
        plot_data(data, ax)
    if contributions:
        shares = net.contributions(GRID)
        # the book's notation: sigma is the sigmoid, and tanh or ReLU is named as itself
        act = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}"}.get(
            net.activation.name, r"\phi"
        )
        for i in range(shares.shape[1]):
            ax.plot(
                GRID,
                shares[:, i],
                lw=1,
                ls="--",
                alpha=0.8,
                label=rf"$w_{{2,i}}\,{act}(w_{{1,i}}x+b_{{1,i}})$" if i == 0 else None,
            )
    ax.plot(GRID, net.predict(GRID), color=COLORS["fit"], lw=2.5, label=label, zorder=3)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc="upper center", fontsize=9)
    return ax


def plot_loss(histories, ax=None, labels=None, floor: float | None = NOISE_FLOOR, val: bool = True):
    """Training (and validation) loss per epoch on a log scale, with the noise floor marked.

    Losses above LOSS_CAP are drawn at the cap, so a run on its way to diverging still plots.
    """
    ax = _axes(ax)
    if not isinstance(histories, (list, tuple)):
        histories = [histories]
    labels = labels or [None] * len(histories)
    # The floor keeps its own colour: no curve may be mistaken for it.
    palette = [c for c in COLORS["units"] if c != COLORS["floor"]]
    for i, (hist, label) in enumerate(zip(histories, labels, strict=True)):
        color = COLORS["train"] if len(histories) == 1 else palette[i % len(palette)]
        epochs = np.arange(1, hist.epochs + 1)
        ax.plot(epochs, _capped(hist.loss), color=color, label=label or "training loss")
        if val and hist.val_loss:
            vcolor = COLORS["val"] if len(histories) == 1 else color
            ax.plot(
                epochs,
                _capped(hist.val_loss),
                color=vcolor,
                ls="--",
                label=f"{label} (validation)" if label else "validation loss",
            )
    if floor is not None:
        ax.axhline(floor, color=COLORS["floor"], ls=":", lw=1.5, label=f"noise floor {floor:g}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared loss $L$")
    ax.legend(fontsize=9)
    return ax


#: One colour and one marker shape per class, so the classes differ without colour too.
CLASS_STYLES = (("#0072B2", "o"), ("#D55E00", "^"), ("#009E73", "s"), ("#CC79A7", "D"),
                ("#E69F00", "v"), ("#56B4E9", "P"))  # fmt: skip


def plot_boundary(net, data, ax=None, resolution: int = 150, pad: float = 0.3, title=None):
    """The plane shaded by the class the network picks, its decision boundary, and the data.

    data unpacks as ``x, y`` with x of shape (n, 2) and y the integer labels (n,); net is any
    classifier with ``classify(X) -> (n,) labels`` (a DeepNetwork with a sigmoid or softmax output).
    """
    x, y = data
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"data's x must have shape (n, 2), points of the plane; got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(
            f"data's y must have shape ({x.shape[0]},), one label per point; got {y.shape}"
        )
    if not callable(getattr(net, "classify", None)):
        raise TypeError(f"net must have a classify(X) method, got {type(net).__name__}")
    ax = _axes(ax)
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    g0, g1 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    picked = np.asarray(net.classify(np.column_stack([g0.ravel(), g1.ravel()]))).reshape(g0.shape)
    m = max(int(y.max()), int(picked.max()), 1) + 1  # (m,) classes, at least two
    if m > len(CLASS_STYLES):
        raise ValueError(f"plot_boundary draws at most {len(CLASS_STYLES)} classes, got {m}")
    colors = [c for c, _ in CLASS_STYLES[:m]]
    ax.contourf(g0, g1, picked, levels=np.arange(m + 1) - 0.5, colors=colors, alpha=0.2)
    if np.unique(picked).size > 1:  # one class everywhere has no boundary to draw
        ax.contour(g0, g1, picked, levels=np.arange(m - 1) + 0.5, colors="black", linewidths=1.2)
    for c, (color, marker) in enumerate(CLASS_STYLES[:m]):
        pts = x[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=16, color=color, marker=marker, edgecolors="black",
                   linewidths=0.4, label=f"class {c}", zorder=3)  # fmt: skip
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


LOSS_CAP = 1e6


def _capped(values):
    return np.minimum(np.asarray(values, dtype=np.float64), LOSS_CAP)


def plot_activation(name, ax=None, z=None):
    """An activation and its derivative side by side on one axis."""
    ax = _axes(ax)
    act = get_activation(name)
    z = np.linspace(-6, 6, 601) if z is None else np.sort(np.asarray(z, dtype=np.float64))
    ax.plot(z, act.fn(z), color=COLORS["fit"], lw=2, label=f"{act.name}$(z)$")
    ax.plot(z, act.prime(z), color=COLORS["derivative"], lw=2, ls="--", label=f"{act.name}$'(z)$")
    ax.set_xlabel("$z$")
    ax.set_ylabel("value")
    ax.legend()
    return ax


use_style()
