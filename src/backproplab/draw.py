"""Draw a digit (chapter 12): a mouse canvas, its 8x8 shrink, and a network's ten probabilities.

The 8x8 digits were made from 32x32 black-and-white scans, each scaled to fill its box, cut
into 4x4 blocks: a pixel counts the inked dots of its block, 0 to 16. `shrink` does the
same to a drawing: crop to the ink, scale it to fill 32x32 (keeping its shape, so the
longer side spans the box), centre it, count each block's ink and divide by 16.

``DrawPad(net)`` is a widget in JupyterLab; every mouse handler calls a plain method
(``stroke``, ``clear``), so the pad can be driven, and tested, without a browser. On the
static site the same cell shows a picture of the drawing, its shrink and the probabilities.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

SIZE = 256  # the canvas, in screen pixels
SCAN = 32  # the scans the data was made from: 32x32 dots ...
BLOCK = 4  # ... counted in 4x4 blocks, so 0..16 per pixel of the 8x8 image
# Pen radius in canvas pixels. The scans' strokes are 5 to 8 dots of 32 wide (a block of 16
# dots often fully inked); a digit drawn 200 pixels tall with this pen shrinks to about that.
PEN = 18
UPDATE_EVERY = 4  # mouse moves between two live updates of the preview and probabilities
_OFFSETS = np.arange(-PEN, PEN + 1)
_DISC = _OFFSETS[:, None] ** 2 + _OFFSETS[None, :] ** 2 <= PEN**2  # (2 PEN + 1, 2 PEN + 1)


def shrink(ink) -> np.ndarray:
    """A (h, w) drawing (ink > 0) as the data's (8, 8) image in [0, 1]; all zero if blank."""
    ink = np.asarray(ink, dtype=np.float64) > 0
    if ink.ndim != 2:
        raise ValueError(f"ink must be a 2-D array (rows, columns), got shape {ink.shape}")
    if not ink.any():
        return np.zeros((8, 8))
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    box = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # crop to the ink
    # Scale the longer side to 32 dots, keeping the shape, as the scans were normalised.
    scale = SCAN / max(box.shape)
    h, w = (max(1, round(s * scale)) for s in box.shape)
    small = np.asarray(Image.fromarray(box.astype(np.uint8) * 255).resize((w, h), Image.BILINEAR))
    scan = np.zeros((SCAN, SCAN), dtype=bool)
    top, left = (SCAN - h) // 2, (SCAN - w) // 2
    scan[top : top + h, left : left + w] = small >= 128  # (32, 32) black and white
    counts = scan.reshape(8, BLOCK, 8, BLOCK).sum(axis=(1, 3))  # (8, 8), inked dots per block
    return counts / (BLOCK * BLOCK)  # 0..16 -> [0, 1], the data's scaling


def _probabilities(model, image: np.ndarray) -> np.ndarray:
    """The model's ten probabilities for one (8, 8) image."""
    predict = model.predict if hasattr(model, "predict") else model
    p = np.asarray(predict(image.reshape(1, 64)), dtype=np.float64).reshape(-1)  # (10,)
    if p.shape != (10,):
        raise ValueError(f"model must return 10 probabilities for a digit, got shape {p.shape}")
    return p


class DrawPad:
    """Draw a digit with the mouse; see the 8x8 image the network gets and its ten probabilities."""

    def __init__(self, model):
        if not (callable(model) or hasattr(model, "predict")):
            raise TypeError(
                "model must be a trained network (with .predict) or a function from (n, 64) "
                f"images to (n, 10) probabilities, got {type(model).__name__}"
            )
        self.model = model
        self.ink = np.zeros((SIZE, SIZE), dtype=bool)  # (256, 256), True where drawn
        self._last = None  # the pen's previous point while the button is down
        self._moves = 0
        self.image = np.zeros((8, 8))
        self.probs = np.full(10, np.nan)  # no drawing, no probabilities
        self._build()
        self.update()

    # --- the logic, with no browser -------------------------------------------------
    def stroke(self, points) -> None:
        """Draw one pen stroke through `points`, a sequence of (x, y) canvas pixels."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self._pen_down(*pts[0])
        for x, y in pts[1:]:
            self._pen_move(x, y, live=False)
        self._pen_up()

    def clear(self, *_):
        """Wipe the drawing, the preview and the probabilities."""
        self.ink[:] = False
        self._last = None
        if self.canvas is not None:
            self.canvas.clear()
        self.update()

    def update(self) -> None:
        """Shrink the drawing to 8x8 and ask the model; redraws the preview and the bars."""
        self.image = shrink(self.ink)
        drawn = self.image.any()
        self.probs = _probabilities(self.model, self.image) if drawn else np.full(10, np.nan)
        self.preview.value = _grid_png(self.image)
        self.bars.value = _bars_html(self.probs)

    def _pen_down(self, x, y):
        self._last = (float(x), float(y))
        self._ink_segment(self._last, self._last)

    def _pen_move(self, x, y, live=True):
        if self._last is None:
            return
        start, self._last = self._last, (float(x), float(y))
        self._ink_segment(start, self._last)
        self._moves += 1
        if live and self._moves % UPDATE_EVERY == 0:
            self.update()

    def _pen_up(self, *_):
        if self._last is not None:
            self._last = None
            self.update()

    def _ink_segment(self, a, b):
        """Stamp the pen's disc along a -> b, on the ink array and on the canvas."""
        steps = int(np.ceil(np.hypot(b[0] - a[0], b[1] - a[1]))) + 1
        for t in np.linspace(0.0, 1.0, steps):
            x, y = round(a[0] + t * (b[0] - a[0])), round(a[1] + t * (b[1] - a[1]))
            # the disc centred at (x, y), clipped to the canvas
            r0, r1, c0, c1 = (
                max(0, y - PEN),
                min(SIZE, y + PEN + 1),
                max(0, x - PEN),
                min(SIZE, x + PEN + 1),
            )
            if r0 < r1 and c0 < c1:
                self.ink[r0:r1, c0:c1] |= _DISC[
                    r0 - y + PEN : r1 - y + PEN, c0 - x + PEN : c1 - x + PEN
                ]
        if self.canvas is not None:
            self.canvas.stroke_line(a[0], a[1], b[0], b[1])
            self.canvas.fill_circle(b[0], b[1], PEN)

    # --- the widget ----------------------------------------------------------------
    def _build(self):
        try:  # the pad works (and is tested) without the canvas library
            from ipycanvas import Canvas
        except ImportError:  # pragma: no cover - ipycanvas is in requirements.txt
            self.canvas = None
        else:
            self.canvas = Canvas(width=SIZE, height=SIZE, layout={"border": "1px solid #555"})
            self.canvas.stroke_style = self.canvas.fill_style = "black"
            self.canvas.line_width, self.canvas.line_cap = 2 * PEN, "round"
            self.canvas.on_mouse_down(self._pen_down)
            self.canvas.on_mouse_move(self._pen_move)
            self.canvas.on_mouse_up(self._pen_up)
            self.canvas.on_mouse_out(self._pen_up)
        self.preview = widgets.Image(
            format="png",
            width=128,
            height=128,
            layout={"margin": "0 12px", "border": "1px solid #555"},
        )
        self.preview.add_class("bp-draw-preview")
        self.bars = widgets.HTML()
        self.bars.add_class("bp-draw-probs")
        self.clear_button = widgets.Button(description="clear", icon="eraser")
        self.clear_button.on_click(self.clear)
        hint = widgets.HTML(
            "Draw one digit, large, filling the box; the network sees the 8×8 image "
            "in the middle (your drawing cropped, scaled and centred as the data was)."
        )
        left = [self.canvas] if self.canvas is not None else []
        self.widget = widgets.VBox(
            [
                hint,
                widgets.HBox(
                    [widgets.VBox([*left, self.clear_button]), self.preview, self.bars],
                    layout={"align_items": "flex-start"},
                ),
            ]
        )
        self.widget.add_class("bp-draw-pad")

    def static_png(self) -> bytes:
        """The picture for a page without a kernel: drawing, its 8x8 shrink, the probabilities."""
        fig = Figure(figsize=(8.4, 2.8), dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        ax_ink, ax_img, ax_p = fig.subplots(1, 3, width_ratios=[1, 1, 1.4])
        ax_ink.imshow(self.ink, cmap="gray_r", interpolation="nearest")
        ax_ink.set_title("your drawing", fontsize=10)
        ax_img.imshow(self.image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax_img.set_title("what the network sees: 8 × 8", fontsize=10)
        for ax in (ax_ink, ax_img):
            ax.set_xticks([]), ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(True)
        p = np.nan_to_num(self.probs)
        ax_p.barh(np.arange(10), p, color="#1f5fa8")
        ax_p.set_yticks(np.arange(10)), ax_p.invert_yaxis(), ax_p.set_xlim(0, 1)
        ax_p.set_xlabel("probability"), ax_p.set_title("its ten probabilities", fontsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["image/png"] = base64.b64encode(self.static_png()).decode("ascii")
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        if not self.image.any():
            return "DrawPad(blank)"
        top = int(np.argmax(self.probs))
        return f"DrawPad(reads {top} with probability {self.probs[top]:.2f})"


def _grid_png(image: np.ndarray) -> bytes:
    """The (8, 8) image as a 128x128 PNG, ink black, each pixel a 16x16 square."""
    grey = (255 * (1 - image)).round().astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(grey).resize((128, 128), Image.NEAREST).save(buf, format="PNG")
    return buf.getvalue()


def _bars_html(probs: np.ndarray) -> str:
    """Ten labelled bars; each row carries its probability in full in data-p (for tests)."""
    rows = []
    for digit, p in enumerate(probs):
        shown = "–" if np.isnan(p) else f"{100 * p:.1f}%"
        width = 0 if np.isnan(p) else 100 * p
        rows.append(
            f'<div class="bp-prob" data-digit="{digit}" data-p="{html.escape(repr(float(p)))}" '
            'style="display:flex;align-items:center;gap:6px;font-family:monospace">'
            f"<span>{digit}</span>"
            '<span style="display:inline-block;width:120px;height:10px;background:#ddd">'
            f'<span style="display:block;height:10px;width:{width:.1f}%;background:#1f5fa8">'
            f"</span></span><span>{shown}</span></div>"
        )
    return "".join(rows)
