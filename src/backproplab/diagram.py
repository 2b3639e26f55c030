"""The network's computational graph for one sample, drawn with matplotlib (chapter 5).

Also ``glue``, which hands a computed number to the book's prose (myst-nb's glue).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .plotting import COLORS

_FORWARD, _BACKWARD, _LEAF = COLORS["truth"], COLORS["derivative"], COLORS["data"]

# Operation nodes on one row, left to right: (name, centre, forward formula, local gradients).
_OPS = (
    (
        "z",
        (2.7, 0.0),
        r"$z = w_1 x + b_1$",
        (r"$\partial z/\partial w_1 = x$", r"$\partial z/\partial b_1 = 1$"),
    ),
    ("h", (5.6, 0.0), r"$h = \sigma(z)$", (r"$\partial h/\partial z = \sigma'(z)$",)),
    (
        "f",
        (8.5, 0.0),
        r"$f = w_2 \cdot h + b_2$",
        (
            r"$\partial f/\partial h = w_2$",
            r"$\partial f/\partial w_2 = h$",
            r"$\partial f/\partial b_2 = 1$",
        ),
    ),
    ("r", (11.4, 0.0), r"$r = f - y$", (r"$\partial r/\partial f = 1$",)),
    ("L", (14.3, 0.0), r"$L = r^2$", (r"$\partial L/\partial r = 2r$",)),
)
# Leaves: (label, position, the op it feeds, the gradient it receives; None for data).
_LEAVES = (
    (r"$x$", (0.3, 1.3), "z", None),
    (r"$w_1$", (0.3, 0.0), "z", r"$\partial L/\partial w_1$"),
    (r"$b_1$", (0.3, -1.3), "z", r"$\partial L/\partial b_1$"),
    (r"$w_2$", (8.5, 2.15), "f", r"$\partial L/\partial w_2$"),
    (r"$b_2$", (8.5, -2.15), "f", r"$\partial L/\partial b_2$"),
    (r"$y$", (11.4, -2.15), "r", None),
)
_BOX_W, _BOX_H = 2.0, 1.3


def draw_graph(ax=None, local: bool = True):
    """Draw the graph x, w1, b1 -> z -> h -> f -> r -> L (plus w2, b2, y) for one sample.

    Each box holds a node's forward formula and, in orange with ``local``, its local
    gradients. Black arrows carry values forward; dashed orange arrows carry the gradients
    dL/d(value) backward. Returns the matplotlib Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10.5, 3.9))
    ops = {name: np.array(pos) for name, pos, _, _ in _OPS}

    for _, (cx, cy), formula, grads in _OPS:
        ax.add_patch(
            FancyBboxPatch(
                (cx - _BOX_W / 2, cy - _BOX_H / 2),
                _BOX_W,
                _BOX_H,
                boxstyle="round,pad=0.04",
                facecolor="#F4F4F4",
                edgecolor=_FORWARD,
                lw=1.2,
            )
        )
        ax.text(cx, cy + 0.36, formula, ha="center", va="center", fontsize=10)
        if local:
            for i, g in enumerate(grads):
                ax.text(
                    cx,
                    cy - 0.02 - 0.27 * i,
                    g,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=_BACKWARD,
                )

    # Value edges between operations, each with its gradient flowing back underneath.
    names = [name for name, *_ in _OPS]
    for left, right in zip(names, names[1:], strict=False):
        a = ops[left] + [_BOX_W / 2 + 0.06, 0.0]
        b = ops[right] - [_BOX_W / 2 + 0.06, 0.0]
        _arrow(ax, a + [0, 0.12], b + [0, 0.12], _FORWARD)
        _arrow(ax, b - [0, 0.12], a - [0, 0.12], _BACKWARD, dashed=True)
        mid = (a + b) / 2
        ax.text(mid[0], 0.22, f"${left}$", ha="center", va="bottom", fontsize=10)
        ax.text(
            mid[0],
            -0.22,
            rf"$\partial L/\partial {left}$",
            ha="center",
            va="top",
            fontsize=8,
            color=_BACKWARD,
        )
    ax.text(
        ops["L"][0],
        _BOX_H / 2 + 0.12,
        r"$\partial L/\partial L = 1$",
        ha="center",
        va="bottom",
        fontsize=9,
        color=_BACKWARD,
    )

    for label, (lx, ly), target, grad in _LEAVES:
        colour = _FORWARD if grad else _LEAF
        ax.text(lx, ly, label, ha="center", va="center", fontsize=12, color=colour)
        t = ops[target]
        if target == "z":  # three leaves enter the box's left side, spread out
            end = t + [-(_BOX_W / 2 + 0.06), 0.3 * ly / 1.3]
        else:  # from straight above or below
            end = t + [0.0, np.sign(ly) * (_BOX_H / 2 + 0.06)]
        here = np.array([lx, ly])
        start = here + 0.25 * (end - here) / np.linalg.norm(end - here)
        _arrow(ax, start, end, colour)
        if grad:
            side = (0.0, -0.38) if target == "z" else (0.35, 0.0)
            ax.text(
                lx + side[0],
                ly + side[1],
                grad,
                ha="left" if side[0] else "center",
                va="center",
                fontsize=9,
                color=_BACKWARD,
            )

    ax.plot([], [], color=_FORWARD, label="forward: values")
    ax.plot(
        [], [], color=_BACKWARD, ls="--", label=r"backward: gradients $\partial L/\partial(\cdot)$"
    )
    ax.legend(loc="upper left", fontsize=9, bbox_to_anchor=(0.0, 1.02))
    ax.set_xlim(-0.2, 15.5)
    ax.set_ylim(-2.5, 2.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _arrow(ax, start, end, colour, dashed: bool = False):
    ax.add_patch(
        FancyArrowPatch(
            tuple(start),
            tuple(end),
            arrowstyle="-|>",
            mutation_scale=12,
            color=colour,
            lw=1.3,
            ls="--" if dashed else "-",
            shrinkA=0,
            shrinkB=0,
        )
    )


def draw_tensor_graph(steps, ax=None, numbers: bool = True):
    """Draw any Tensor graph from its steps (``bp.tensor_steps(loss)``), inputs on the left.

    A box per node holds its forward formula and, with ``numbers``, its value and below it,
    in orange, dL/d(node). Nodes sit in columns by their distance from the inputs. Returns
    the matplotlib Axes.
    """
    from .table import fmt
    from .tensor_steps import formula

    shown = [n for n in steps.order if not (n.const and n.value.ndim == 0)]
    depth = {}
    for node in steps.order:  # inputs first, so every parent's column is known
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    columns: dict[int, list] = {}
    for node in shown:
        columns.setdefault(depth[id(node)], []).append(node)
    width, height = 3.2, 1.9
    pos = {
        id(node): np.array([col * width, -(row - (len(nodes) - 1) / 2) * height])
        for col, nodes in columns.items()
        for row, node in enumerate(nodes)
    }
    if ax is None:
        rows = max(len(nodes) for nodes in columns.values())
        _, ax = plt.subplots(figsize=(1.0 + 2.6 * len(columns), 0.6 + 1.5 * rows))

    def short(value):
        arr = np.asarray(value)
        return fmt(arr, 3) if arr.size <= 3 else f"shape {arr.shape}"

    for node in shown:
        cx, cy = pos[id(node)]
        colour = _LEAF if node.const else _FORWARD
        ax.add_patch(
            FancyBboxPatch(
                (cx - _BOX_W / 2 - 0.2, cy - 0.5),
                _BOX_W + 0.4,
                1.0,
                boxstyle="round,pad=0.04",
                facecolor="#F4F4F4",
                edgecolor=colour,
                lw=1.2,
            )
        )
        tex = f"${formula(node, steps.names)}$"
        ax.text(cx, cy + 0.2 * numbers, tex, ha="center", va="center", fontsize=9)
        if numbers:
            ax.text(cx, cy - 0.2, short(node.value), ha="center", va="center", fontsize=8)
        if numbers and not node.const:
            ax.text(
                cx,
                cy - 0.72,
                f"∂L/∂{steps.names[id(node)]} = {short(node_grad(steps, node))}",
                ha="center",
                va="center",
                fontsize=8,
                color=_BACKWARD,
            )
        for i, parent in enumerate(node.parents):
            if id(parent) in pos:
                a, b = pos[id(parent)], pos[id(node)]
                direction = (b - a) / np.linalg.norm(b - a)
                # a value used twice by one node (x * x) gets two arrows, side by side
                twice = node.parents.count(parent) > 1
                shift = np.array([0.0, 0.15 if i == 0 else -0.15]) if twice else 0.0
                _arrow(ax, a + direction * 1.25 + shift, b - direction * 1.25 + shift, _FORWARD)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
    ax.set_ylim(min(ys) - 1.1, max(ys) + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def node_grad(steps, node):
    """dL/d(node) as the steps computed it (the total, after any fork)."""
    name = steps.names[id(node)]
    return steps[f"dL/d{name}"].downstream
