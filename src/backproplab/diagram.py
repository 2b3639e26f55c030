"""Any bp.Tensor graph drawn with matplotlib, from its steps: chapter 10's graphs, and
chapter 5's network for one sample, which is one of them (``draw_graph``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .plotting import COLORS
from .table import fmt

_FORWARD, _BACKWARD, _LEAF = COLORS["truth"], COLORS["derivative"], COLORS["data"]
_COL, _ROW = 3.2, 1.9  # column and row spacing


def draw_graph(ax=None, local: bool = True):
    """Chapter 5's graph x, w1, b1 -> z -> h -> f -> r -> L (plus w2, b2, y) for one sample.

    The graph is bp.sample_graph, drawn by draw_tensor_graph: each box holds a node's
    formula and, in orange with ``local``, its local gradients. Black arrows carry values
    forward; dashed orange arrows carry the gradients dL/d(value) backward.
    """
    from .graph import LOCAL, backprop_steps
    from .network import Network

    steps = backprop_steps(Network(hidden=1, seed=0), 0.5, 0.5)  # no numbers are shown
    return draw_tensor_graph(steps, ax, numbers=False, backward=LOCAL if local else {})


def draw_tensor_graph(steps, ax=None, numbers: bool = True, backward: dict | None = None):
    """Draw any Tensor graph from its steps (``bp.tensor_steps(loss)``), inputs on the left.

    A box per forward step holds its formula and, with ``numbers``, its value and below it,
    in orange, dL/d(node). Nodes sit in columns by their distance from the inputs; a node
    the steps leave out is drawn inside the box that uses it, and an input they leave out
    as its bare name beside that box. ``backward`` (node name -> its local gradients, LaTeX)
    adds those gradients to the boxes and a dashed arrow back along each edge, labelled
    dL/d(value). Returns the matplotlib Axes.
    """
    names, box = steps.names, (2.0, 1.3) if backward is not None else (2.4, 1.0)  # width, height
    shown = {s.name for s in steps.forward}
    formulas = {s.name: s.formula for s in steps.forward}
    is_box = {id(n): names[id(n)] in shown for n in steps.order}
    written = {id(n) for n in steps.order if n.const and n.value.ndim == 0 and not n.name}
    depth, sources = {}, {}  # sources: the boxes and bare inputs a node is drawn from
    for node in steps.order:  # inputs first, so every parent is known
        drawn = is_box[id(node)]  # a box is one column right of its inputs
        depth[id(node)] = drawn + max((depth[id(p)] for p in node.parents), default=-drawn)
        sources[id(node)] = [
            s
            for p in node.parents
            if id(p) not in written
            for s in ([p] if is_box[id(p)] or not p.parents else sources[id(p)])
        ]
    boxes = [n for n in steps.order if is_box[id(n)]]
    columns: dict[int, list] = {}
    for node in boxes:
        columns.setdefault(depth[id(node)], []).append(node)
    pos = {
        id(node): np.array([col * _COL, -(row - (len(nodes) - 1) / 2) * _ROW])
        for col, nodes in columns.items()
        for row, node in enumerate(nodes)
    }
    first, left = min(columns), set()
    for node in boxes:  # a bare input: left of a first-column box, else below, then above
        bare = [s for s in sources[id(node)] if id(s) not in pos and not is_box[id(s)]]
        for i, leaf in enumerate(bare):
            if depth[id(node)] == first:
                offset = [-0.8 * _COL, ((len(bare) - 1) / 2 - i) * 1.3]
                left.add(id(leaf))
            else:
                offset = [0.0, (-1) ** (i + 1) * (box[1] / 2 + 1.3)]
            pos[id(leaf)] = pos[id(node)] + offset
    if ax is None:
        rows = max(len(nodes) for nodes in columns.values())
        size = (1.0 + 2.6 * len(columns), 0.6 + 1.5 * rows) if backward is None else (10.5, 3.9)
        _, ax = plt.subplots(figsize=size)

    for node in boxes:
        _box(ax, steps, node, pos[id(node)], box, formulas, numbers, backward)
    for node in steps.order:
        if not node.parents and not is_box[id(node)] and id(node) in pos:
            _bare_input(ax, names[id(node)], node, pos[id(node)], id(node) in left, backward)
    for node in boxes:
        for i, src in enumerate(sources[id(node)]):
            a, b = pos[id(src)], pos[id(node)]
            if is_box[id(src)]:
                start, end = _edge(a, b, box), _edge(b, a, box)
            else:
                end = _edge(b, a, box)
                start = a + 0.25 * (end - a) / np.linalg.norm(end - a)
            if backward is not None and is_box[id(src)]:
                _gradient_edge(ax, start, end, names[id(src)])
                continue
            # a value used twice by one node (x * x) gets two arrows, side by side
            twice = sources[id(node)].count(src) > 1
            shift = np.array([0.0, 0.15 if i == 0 else -0.15]) if twice else 0.0
            colour = _FORWARD if is_box[id(src)] or not src.const else _LEAF
            _arrow(ax, start + shift, end + shift, colour)
    if backward is not None:
        out = pos[id(steps.output)]
        ax.text(*(out + [0, box[1] / 2 + 0.12]), r"$\partial L/\partial L = 1$", ha="center",
                va="bottom", fontsize=9, color=_BACKWARD)  # fmt: skip
        ax.plot([], [], color=_FORWARD, label="forward: values")
        ax.plot([], [], color=_BACKWARD, ls="--", label=r"backward: gradients $\partial L/\partial(\cdot)$")  # fmt: skip
        ax.legend(loc="upper left", fontsize=9, bbox_to_anchor=(0.0, 1.02))
    xs, ys = zip(*(p for p in pos.values()), strict=True)
    ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
    ax.set_ylim(min(ys) - 1.1, max(ys) + (1.6 if backward is not None else 0.8))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _box(ax, steps, node, centre, box, formulas, numbers, backward):
    (cx, cy), (width, height) = centre, box
    name = steps.names[id(node)]
    ax.add_patch(
        FancyBboxPatch(
            (cx - width / 2, cy - height / 2),
            width,
            height,
            boxstyle="round,pad=0.04",
            facecolor="#F4F4F4",
            edgecolor=_LEAF if node.const else _FORWARD,
            lw=1.2,
        )
    )
    top = cy + (0.36 if backward is not None else 0.2 * numbers)
    ax.text(cx, top, f"${formulas[name]}$", ha="center", va="center", fontsize=9)
    for i, local in enumerate((backward or {}).get(name, ())):
        ax.text(cx, cy - 0.02 - 0.27 * i, f"${local}$", ha="center", va="center", fontsize=8,
                color=_BACKWARD)  # fmt: skip
    if numbers:
        ax.text(cx, cy - 0.2, _short(node.value), ha="center", va="center", fontsize=8)
    if numbers and not node.const:
        grad = f"∂L/∂{name} = {_short(node_grad(steps, node))}"
        ax.text(cx, cy - 0.72, grad, ha="center", va="center", fontsize=8, color=_BACKWARD)


def _bare_input(ax, name, node, at, left, backward):
    """An input the steps leave out (chapter 5's x, w1, ...): its name, and where it is a
    parameter, the gradient it receives."""
    from .tensor_steps import tex_name

    colour = _LEAF if node.const else _FORWARD
    ax.text(*at, f"${tex_name(name)}$", ha="center", va="center", fontsize=12, color=colour)
    if backward is not None and not node.const:
        # left of a box: the gradient's name below the input's; above or below a box: beside it
        where = at + ([0.0, -0.38] if left else [0.35, 0.0])
        ax.text(*where, rf"$\partial L/\partial {tex_name(name)}$", ha="center" if left else "left",
                va="center", fontsize=9, color=_BACKWARD)  # fmt: skip


def _gradient_edge(ax, start, end, name):
    """A value forward above the line, its gradient dashed back below it, both labelled."""
    from .tensor_steps import tex_name

    up = np.array([0.0, 0.12])
    _arrow(ax, start + up, end + up, _FORWARD)
    _arrow(ax, end - up, start - up, _BACKWARD, dashed=True)
    mid = (start + end) / 2
    tex = tex_name(name)
    ax.text(mid[0], mid[1] + 0.22, f"${tex}$", ha="center", va="bottom", fontsize=10)
    ax.text(mid[0], mid[1] - 0.22, rf"$\partial L/\partial {tex}$", ha="center", va="top",
            fontsize=8, color=_BACKWARD)  # fmt: skip


def _edge(centre, towards, box):
    """Where the line from a box's centre towards a point leaves the box."""
    d = towards - centre
    scale = min(
        (box[0] / 2 + 0.06) / abs(d[0]) if d[0] else np.inf,
        (box[1] / 2 + 0.06) / abs(d[1]) if d[1] else np.inf,
    )
    return centre + scale * d


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


def _short(value):
    arr = np.asarray(value)
    return fmt(arr, 3) if arr.size <= 3 else f"shape {arr.shape}"


def node_grad(steps, node):
    """dL/d(node) as the steps computed it (the total, after any fork)."""
    name = steps.names[id(node)]
    return steps[f"dL/d{name}"].downstream
