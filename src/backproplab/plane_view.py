"""The plane's view: the decision regions as a shaded probability map, the points, the losses,
and every hidden unit's output over the plane (Playground's neuron thumbnails), as PNGs.

The map and the loss lines are blitted onto one Agg figure, as the fit view does; the
thumbnails are painted straight into pixels with numpy, one small tile per hidden unit.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image, ImageDraw

from .fit_view import canvas_png, plot_norms
from .plotting import CLASS_STYLES, COLORS

#: Class colours (Okabe & Ito) and marker shapes, a class told apart by either: the same as
#: chapter 11's plots (plot_boundary), so class 0 is a blue circle on both pages.
CLASS_COLORS = [color for color, _ in CLASS_STYLES]
MARKERS = [marker for _, marker in CLASS_STYLES]
#: How strongly a sure prediction tints the map (1 would be the class's full colour).
TINT = 0.55
#: Each unit's thumbnail: THUMB_N x THUMB_N samples of the plane, drawn SCALE times larger.
THUMB_N, SCALE, GAP = 20, 3, 6


def rgb(hexes) -> np.ndarray:
    return np.array([[int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)] for h in hexes])


class PlaneView:
    """Draws a PlaneSession: ``reset(session, stop)`` once per reset, ``render`` per frame."""

    def __init__(self):
        self.figure = Figure(figsize=(9.6, 4.0), dpi=80)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.06, right=0.985, bottom=0.13, top=0.9, wspace=0.42)
        self.ax_map, self.ax_loss = self.figure.subplots(1, 2)
        self.ax_map.set_box_aspect(1)
        self.norms_figure = Figure(figsize=(9.6, 2.3), dpi=80)
        FigureCanvasAgg(self.norms_figure)
        self.norms_figure.subplots_adjust(left=0.07, right=0.985, bottom=0.22, top=0.86)
        self.ax_norms = self.norms_figure.subplots()
        self._background = None

    def reset(self, session, stop: int, show_test: bool) -> None:
        """Rebuild the artists for a new session; frames then only move their data."""
        self.session = s = session
        self._thumb_x = None  # the thumbnails grid, in the new features
        colors = rgb(CLASS_COLORS[: s.K]) if s.K <= len(CLASS_COLORS) else None
        if colors is None:  # more classes than colours: a colour map, shapes repeat
            colors = matplotlib.colormaps["viridis"](np.linspace(0, 0.9, s.K))[:, :3]
        self._colors = colors
        ax = self.ax_map
        ax.clear()
        self.image = ax.imshow(
            np.ones((2, 2, 3)), extent=s.extent, origin="lower", interpolation="bilinear",
            animated=True,
        )  # fmt: skip
        self.points = []
        for k in range(s.K):
            marker, color = MARKERS[k % len(MARKERS)], colors[k]
            train = s.data.labels == k
            self.points.append(ax.scatter(
                *s.data.points[train].T, s=22, marker=marker, color=color, edgecolor="black",
                linewidth=0.6, label=f"class {k}", animated=True,
            ))  # fmt: skip
            test = s.val.labels == k
            dots = ax.scatter(
                *s.val.points[test].T, s=22, marker=marker, facecolor="white",
                edgecolor="black", linewidth=0.9, animated=True,
            )  # fmt: skip
            dots.set_visible(show_test)
            self.points.append(dots)
        handles = [
            Line2D([], [], ls="", marker=MARKERS[k % len(MARKERS)], color=colors[k],
                   markeredgecolor="black", label=f"class {k}")
            for k in range(s.K)
        ]  # fmt: skip
        if show_test:
            handles.append(Line2D([], [], ls="", marker="o", markerfacecolor="white",
                                  markeredgecolor="black", label="test (hollow)"))  # fmt: skip
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        ax.set_xlim(*s.extent[:2])
        ax.set_ylim(*s.extent[2:])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.grid(False)
        ax.set_title("the decision regions", fontsize=11)

        ax = self.ax_loss
        ax.clear()
        (self._train_line,) = ax.plot([], [], color=COLORS["train"], label="training loss")
        (self._test_line,) = ax.plot([], [], color=COLORS["val"], ls="--", label="test loss")
        for line in (self._train_line, self._test_line):
            line.set_animated(True)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss $L$")
        ax.legend(fontsize=9, loc="upper right")
        ax.set_title("the losses", fontsize=11)
        self._xmax = max(stop, 10)
        with np.errstate(all="ignore"):
            start = s.net.loss(s.data.x, s.data.y)
        start = max(start, 1e-3) if np.isfinite(start) else 1.0
        self._loss_ylim = (start / 20, start * 3)
        ax.set_ylim(*self._loss_ylim)
        ax.set_xlim(0.0, self._xmax * 1.02)
        self._background = None

    def map_rgb(self, probs, discretize: bool) -> np.ndarray:
        """The probability map's pixels: each class's colour, tinted by how sure the net is."""
        s = self.session
        if discretize:
            sure = np.full(len(probs), TINT)
            probs = np.eye(s.K)[probs.argmax(1)]
        else:  # 0 where every class is equally likely, 1 where one is certain
            sure = TINT * (probs.max(1) - 1 / s.K) / (1 - 1 / s.K)
        mixed = probs @ self._colors  # (G^2, 3)
        pixels = 1.0 - sure[:, None] * (1.0 - mixed)  # from white towards the class colour
        n = int(round(np.sqrt(len(probs))))
        return pixels.reshape(n, n, 3)

    def render(self, history, title: str, discretize: bool, show_test: bool, net=None) -> bytes:
        """Move the map and the loss lines to `history` and the network; return the PNG."""
        s = self.session
        with np.errstate(all="ignore"):
            self.image.set_data(self.map_rgb(s.probabilities(s.grid_x, net), discretize))
            for k, dots in enumerate(self.points):
                if k % 2:  # the test points
                    dots.set_visible(show_test)
            epochs = np.arange(1, history.epochs + 1)
            self._train_line.set_data(epochs, history.loss)
            self._test_line.set_data(epochs[: len(history.val_loss)], history.val_loss)
            canvas = self.figure.canvas
            if self._limits(history) or self._background is None or title:
                self.figure.suptitle(title, fontsize=10)
                self.figure.subplots_adjust(top=0.8 if title else 0.9)
                canvas.draw()
                self._background = None if title else canvas.copy_from_bbox(self.figure.bbox)
            else:
                canvas.restore_region(self._background)
            self.ax_map.draw_artist(self.image)
            for dots in self.points:
                if dots.get_visible():
                    self.ax_map.draw_artist(dots)
            self.ax_loss.draw_artist(self._train_line)
            self.ax_loss.draw_artist(self._test_line)
            if title:  # the next live frame redraws without the title
                self.figure.suptitle("")
                self.figure.subplots_adjust(top=0.9)
                self._background = None
            return canvas_png(canvas)

    def _limits(self, history) -> bool:
        changed = False
        if history.epochs > self._xmax:
            self._xmax = 2 * history.epochs
            self.ax_loss.set_xlim(0.0, self._xmax * 1.02)
            changed = True
        values = np.array(history.loss[-200:] + history.val_loss[-200:])
        values = values[np.isfinite(values) & (values > 0)]
        lo, hi = self._loss_ylim
        if values.size and values.min() < lo:
            lo, changed = values.min() / 10, True
        if values.size and values.max() > hi:
            hi, changed = min(values.max() * 3, 1e100), True
        if changed:
            self._loss_ylim = (lo, hi)
            self.ax_loss.set_ylim(lo, hi)
        return changed

    def units_png(self) -> bytes:
        """Every hidden unit's output over the plane: one row of tiles per hidden layer.

        Painted at one pixel per sample, then enlarged SCALE times (nearest neighbour)."""
        s = self.session
        if not s.layers:
            return b""
        if self._thumb_x is None:
            r = s.extent[1]
            axis = np.linspace(-r, r, THUMB_N)
            g1, g2 = np.meshgrid(axis, axis[::-1])  # top row: the largest x2
            self._thumb_x = s.featurize(np.column_stack([g1.ravel(), g2.ravel()]))
        layers = s.unit_outputs(self._thumb_x)
        step, label = THUMB_N + GAP // SCALE, 20  # in samples: a tile and its gap; the labels
        width = label + max(a.shape[1] for a in layers) * step
        canvas = np.ones((len(layers) * step + 2, width, 3))
        low, high = rgb(CLASS_COLORS[:2])
        for row, A in enumerate(layers):  # A: (THUMB_N^2, d_l)
            A = np.where(np.isfinite(A), A, 0.0)
            scale = np.abs(A).max(0)
            scale[scale == 0] = 1.0
            u = (A / scale).T.reshape(-1, THUMB_N, THUMB_N, 1)  # (d_l, N, N, 1), in [-1, 1]
            tiles = 1.0 - TINT * np.abs(u) * (1.0 - np.where(u < 0, low, high))
            top = 2 + row * step
            for j, tile in enumerate(tiles):
                canvas[top : top + THUMB_N, label + j * step : label + j * step + THUMB_N] = tile
        small = Image.fromarray((255 * canvas).astype(np.uint8))
        picture = small.resize((small.width * SCALE, small.height * SCALE), Image.NEAREST)
        draw = ImageDraw.Draw(picture)
        for row in range(len(layers)):
            middle = (2 + row * step + THUMB_N // 2) * SCALE
            draw.text((4, middle - 6), f"layer {row + 1}", fill=(0, 0, 0))
        buf = io.BytesIO()
        picture.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def render_norms(self, norm_history) -> bytes:
        plot_norms(self.ax_norms, norm_history)
        buf = io.BytesIO()
        with np.errstate(all="ignore"):
            self.norms_figure.savefig(buf, format="png")
        return buf.getvalue()


def confusion_table(counts: np.ndarray) -> str:
    """The confusion matrix as a small HTML table: rows true class, columns predicted."""
    k = len(counts)
    head = "".join(f"<th>predicted {j}</th>" for j in range(k))
    rows = "".join(
        f"<tr><th>true {i}</th>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(counts)
    )
    return f'<table class="bp-confusion"><caption>test set</caption><tr><th></th>{head}</tr>{rows}</table>'
