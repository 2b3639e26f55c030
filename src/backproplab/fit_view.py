"""The 1-D fit's view: the fit beside the loss, and the gradient-norm panel, as PNGs.

One Agg figure for the view's lifetime, outside pyplot so nothing else shows it. The axes,
ticks, data and legend are drawn once into a background; a frame restores it and draws
only the moving lines (blitting), then encodes the pixels as PNG.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .plotting import COLORS, GRID, plot_fit

#: The fit panel shows at most this many data ranges above and below the data.
FIT_MARGIN = 3.0


class FitView:
    """Draws a FitSession: ``reset(session, stop)`` once per reset, ``render`` per frame."""

    def __init__(self):
        self.figure = Figure(figsize=(9.6, 3.4), dpi=80)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.07, right=0.985, bottom=0.15, top=0.86, wspace=0.22)
        self.ax_fit, self.ax_loss = self.figure.subplots(1, 2)
        self._background = None
        self.norms_figure = Figure(figsize=(9.6, 2.3), dpi=80)
        FigureCanvasAgg(self.norms_figure)
        self.norms_figure.subplots_adjust(left=0.07, right=0.985, bottom=0.22, top=0.86)
        self.ax_norms = self.norms_figure.subplots()

    def reset(self, session, stop: int) -> None:
        """Rebuild the artists once per reset; frames then only move their data."""
        self.session = session
        data, floor = session.data, session.floor
        ax = self.ax_fit
        ax.clear()
        plot_fit(session.net, data, ax, contributions=True)
        self._truth, *self._unit_lines, self._fit_line = ax.lines
        lo, hi = float(data.y.min()), float(data.y.max())
        pad = 0.15 * (hi - lo) + 0.05
        self._data_ylim = (lo - pad, hi + pad)
        # the first frame widens these to show the untrained network's curve (see _fit_ylim)
        self._fit_range = self._data_ylim
        ax.set_title("the fit", fontsize=11)

        ax = self.ax_loss
        ax.clear()
        (self._train_line,) = ax.plot([], [], color=COLORS["train"], label="training loss")
        (self._val_line,) = ax.plot([], [], color=COLORS["val"], ls="--", label="validation loss")
        self._floor_line = ax.axhline(
            floor if floor > 0 else np.nan, color=COLORS["floor"], ls=":", lw=1.5,
            label=f"noise floor {floor:.3g}",
        )  # fmt: skip
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean squared loss $L$")
        ax.legend(fontsize=9, loc="upper right")
        ax.set_title("the loss", fontsize=11)
        for line in (self._fit_line, *self._unit_lines, self._train_line, self._val_line):
            line.set_animated(True)  # drawn per frame, not part of the background
        start = session.net.loss(data.x, data.y)
        low = floor if floor > 0 else start / 100
        self._loss_ylim = (min(low, start) / 2, max(start, low) * 3)
        self._xmax = max(stop, 10)
        self._background = None

    def _fit_ylim(self, f, shares, show_units: bool) -> tuple:
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
        values = np.concatenate([f, np.ravel(shares)]) if show_units else f
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

    def _limits(self, f, shares, history, show_units: bool) -> bool:
        """Move the axes when the curves leave them; True if they changed."""
        changed = False
        self._fit_range = lo, hi = self._fit_ylim(f, shares, show_units)
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

    def render(self, net, history, show_units: bool, title: str = "") -> bytes:
        """Show `net` and `history` by moving the artists' data; return the PNG."""
        # a run near divergence holds huge numbers; the status line speaks for them
        with np.errstate(all="ignore"):
            return self._render(net, history, show_units, title)

    def _render(self, net, history, show_units: bool, title: str) -> bytes:
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
        if self._limits(f, shares, history, show_units) or self._background is None or title:
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
        return canvas_png(canvas)

    def render_norms(self, norm_history) -> bytes:
        """One line per layer: ||dL/dW_l|| against the epoch, log scale; the PNG."""
        ax = self.ax_norms
        plot_norms(ax, norm_history)
        buf = io.BytesIO()
        with np.errstate(all="ignore"):
            self.norms_figure.savefig(buf, format="png")
        return buf.getvalue()


def plot_norms(ax, norm_history) -> None:
    """Each layer's gradient norm ||dL/dW_l|| against the epoch on `ax` (chapter 9's panel)."""
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


def canvas_png(canvas) -> bytes:
    """The Agg canvas's pixels as a PNG (fast: no second render, light compression)."""
    width, height = canvas.get_width_height()
    pixels = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    pixels = pixels.convert("RGB")  # opaque anyway: a quarter less to compress and send
    buf = io.BytesIO()
    pixels.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def stack(top: bytes, bottom: bytes) -> bytes:
    """Two PNGs one above the other, as one PNG (the static picture with its norm panel)."""
    a, b = Image.open(io.BytesIO(top)), Image.open(io.BytesIO(bottom))
    both = Image.new("RGBA", (max(a.width, b.width), a.height + b.height), "white")
    both.paste(a, (0, 0))
    both.paste(b, (0, a.height))
    buf = io.BytesIO()
    both.save(buf, format="png")
    return buf.getvalue()
