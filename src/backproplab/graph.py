"""One sample through the network's computational graph, forward then backward (chapter 5).

Every backward step applies the rule downstream = local x upstream, {eq}`eq-backprop-rule`:
the upstream gradient dL/d(node output) arrives from above, the node multiplies it by its own
local gradient d(output)/d(input), and passes the product down. For one sample the loss is
L = (f - y)^2, so the gradients are those of ``net.loss_and_grads([x], [y])``.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass

import numpy as np

from .network import PARAM_NAMES, Network


@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward pass: its name, what it is, its formula and its value."""

    name: str
    label: str
    formula: str  # LaTeX, without dollar signs
    value: float | np.ndarray


@dataclass(frozen=True)
class BackwardStep:
    """One backward step: downstream = upstream x local, entry by entry."""

    name: str  # the gradient this step produces, e.g. "dL/dz"
    label: str
    formula: str  # LaTeX, without dollar signs
    upstream: float | np.ndarray  # dL/d(node output)
    local: float | np.ndarray  # d(node output)/d(node input)
    downstream: float | np.ndarray  # dL/d(node input) = upstream * local


# (gradient name, label, LaTeX formula): the chain of chapter 5, from the loss down.
_BACKWARD = (
    ("dL/dL", "the start: L changes one for one with itself", r"\frac{\partial L}{\partial L} = 1"),
    (
        "dL/dr",
        "through the square L = r²",
        r"\frac{\partial L}{\partial r} = \frac{\partial L}{\partial L}\cdot 2r",
    ),
    (
        "dL/df",
        "through the residual r = f − y",
        r"\frac{\partial L}{\partial f} = \frac{\partial L}{\partial r}\cdot 1",
    ),
    (
        "dL/db2",
        "into the output bias b₂",
        r"\frac{\partial L}{\partial b_2} = \frac{\partial L}{\partial f}\cdot 1",
    ),
    (
        "dL/dw2",
        "into the output weights w₂",
        r"\frac{\partial L}{\partial w_2} = \frac{\partial L}{\partial f}\cdot h",
    ),
    (
        "dL/dh",
        "into the hidden outputs h",
        r"\frac{\partial L}{\partial h} = \frac{\partial L}{\partial f}\cdot w_2",
    ),
    (
        "dL/dz",
        "through the activation h = σ(z)",
        r"\frac{\partial L}{\partial z} = \frac{\partial L}{\partial h}\odot \sigma'(z)",
    ),
    (
        "dL/dw1",
        "into the input weights w₁",
        r"\frac{\partial L}{\partial w_1} = \frac{\partial L}{\partial z}\cdot x",
    ),
    (
        "dL/db1",
        "into the hidden biases b₁",
        r"\frac{\partial L}{\partial b_1} = \frac{\partial L}{\partial z}\cdot 1",
    ),
)
_FORWARD = (
    ("z", "pre-activation of each hidden unit", r"z = w_1 x + b_1"),
    ("h", "hidden outputs", r"h = \sigma(z)"),
    ("f", "network output", r"f = w_2 \cdot h + b_2"),
    ("r", "residual", r"r = f - y"),
    ("L", "loss for this sample", r"L = r^2"),
)


class StepTable:
    """Forward steps then backward steps, rendered as the stepper's two tables."""

    forward: tuple[ForwardStep, ...]
    backward: tuple[BackwardStep, ...]

    def _intro(self, digits: int) -> str:
        raise NotImplementedError

    def __iter__(self):
        return iter(self.forward + self.backward)

    def __len__(self) -> int:
        return len(self.forward) + len(self.backward)

    def to_html(
        self, digits: int = 4, upto: int | None = None, highlight: int | None = None
    ) -> str:
        """Both tables as HTML.

        ``upto`` shows only the first ``upto`` steps, forward then backward (the stepper);
        ``highlight`` marks the step with that index (0-based, forward then backward).
        """
        total = len(self)
        upto = total if upto is None else max(0, min(int(upto), total))
        nf = len(self.forward)
        # vectors are shown as columns, one entry per line, so the table stays narrow
        fwd_rows = [
            [s.name, s.label, s.formula, fmt_html(s.value, digits)]
            for s in self.forward[: min(upto, nf)]
        ]
        bwd_rows = [
            [
                s.name,
                s.label,
                s.formula,
                *(fmt_html(v, digits) for v in (s.upstream, s.local, s.downstream)),
            ]
            for s in self.backward[: max(0, upto - nf)]
        ]
        cell = 'style="padding:2px 8px;text-align:{};border-bottom:1px solid #ddd"'
        left, right = cell.format("left"), cell.format("right")
        counter = iter(range(total))

        def row(values, numeric_from):
            mark = next(counter) == highlight
            style = ' style="background:#fff3c4;font-weight:bold"' if mark else ""
            name, label, formula, *numbers = values
            # the formula is typeset by MathJax, in JupyterLab and on the website
            tds = [
                f'<td {left}>{html.escape(name)}<br><small style="opacity:0.7">'
                f"{html.escape(label)}</small></td>",
                f'<td {left}><span class="math notranslate nohighlight">'
                f"\\({html.escape(formula)}\\)</span></td>",
            ]
            tds += [f"<td {right}>{v}</td>" for v in numbers]
            return f"<tr{style}>" + "".join(tds) + "</tr>"

        def table(caption, headers, rows, numeric_from):
            ths = "".join(f"<th {left}>{html.escape(h)}</th>" for h in headers)
            body = "".join(row(r, numeric_from) for r in rows)
            return (
                '<table class="backprop-steps" style="border-collapse:collapse;'
                'font-variant-numeric:tabular-nums;margin-bottom:0.8em">'
                f'<caption style="caption-side:top;text-align:left;font-weight:bold">'
                f"{html.escape(caption)}</caption><thead><tr>{ths}</tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )

        parts = [f'<div class="backprop-steps"><p>{html.escape(self._intro(digits))}</p>']
        parts.append(
            table(
                "Forward pass",
                ["node", "formula", "value"],
                fwd_rows,
                numeric_from=3,
            )
        )
        if bwd_rows:
            parts.append(
                table(
                    "Backward pass: downstream = upstream × local",
                    ["gradient", "formula", "upstream", "local", "downstream"],
                    bwd_rows,
                    numeric_from=3,
                )
            )
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()


class BackpropSteps(StepTable):
    """The forward and backward steps for one sample; ``steps["dL/dz"]`` looks one up.

    ``grads`` holds the four parameter gradients (same keys and shapes as ``net.params``),
    ``loss`` the loss. Shown in a notebook it is the worked table; ``to_markdown()`` gives
    the same table as text.
    """

    def __init__(self, x: float, y: float, forward, backward, activation: str):
        self.x, self.y = x, y
        self.forward: tuple[ForwardStep, ...] = tuple(forward)
        self.backward: tuple[BackwardStep, ...] = tuple(backward)
        self.activation = activation
        by_name = {s.name: s for s in self.forward + self.backward}
        self.loss = float(by_name["L"].value)
        self.grads = {
            name: np.asarray(by_name[f"dL/d{name}"].downstream, dtype=np.float64).copy()
            for name in PARAM_NAMES
        }
        self._by_name = by_name

    def __getitem__(self, name: str):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no step {name!r}; the steps are {', '.join(self._by_name)}") from None

    def _intro(self, digits: int) -> str:
        return (
            f"one sample x = {fmt(self.x, digits)}, y = {fmt(self.y, digits)}; "
            f"k = {self.grads['w1'].size} hidden units, σ = {self.activation}"
        )

    def __repr__(self) -> str:
        return (
            f"BackpropSteps(x={self.x:g}, y={self.y:g}, k={self.grads['w1'].size}, "
            f"activation={self.activation!r}, loss={self.loss:.6g})"
        )

    # -- rendering --------------------------------------------------------------------
    def forward_rows(self, digits: int = 4) -> list[list[str]]:
        """Rows [node, label, formula, value] of the forward table, values as printed."""
        return [[s.name, s.label, s.formula, fmt(s.value, digits)] for s in self.forward]

    def backward_rows(self, digits: int = 4) -> list[list[str]]:
        """Rows [gradient, label, formula, upstream, local, downstream], values as printed."""
        return [
            [
                s.name,
                s.label,
                s.formula,
                fmt(s.upstream, digits),
                fmt(s.local, digits),
                fmt(s.downstream, digits),
            ]
            for s in self.backward
        ]

    def to_markdown(self, digits: int = 4) -> str:
        """Both tables as Markdown (formulas in $...$)."""
        head = (
            f"Sample x = {fmt(self.x, digits)}, y = {fmt(self.y, digits)}, "
            f"k = {self.grads['w1'].size}, σ = {self.activation}\n\n"
        )
        fwd = ["| node | formula | value |", "| --- | --- | --- |"]
        fwd += [f"| {r[0]} | ${r[2]}$ | {r[3]} |" for r in self.forward_rows(digits)]
        bwd = [
            "| gradient | formula | upstream | local | downstream = upstream × local |",
            "| --- | --- | --- | --- | --- |",
        ]
        bwd += [
            f"| {r[0]} | ${r[2]}$ | {r[3]} | {r[4]} | {r[5]} |" for r in self.backward_rows(digits)
        ]
        return head + "\n".join(fwd) + "\n\n" + "\n".join(bwd) + "\n"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


class Terms(tuple):
    """The gradients a fork adds up, shown as "a + b" in the tables."""


def fmt(value, digits: int = 4) -> str:
    """A number or an array as printed in the tables: ``digits`` significant digits.

    A number that printing rounds keeps its trailing zeros (0.70004 prints as 0.7000), and a
    number that is not whole never prints like a whole one: 1.00034 prints as 1.0003, not 1.
    """
    if isinstance(value, Terms):
        return " + ".join(fmt(v, digits) for v in value)
    arr = np.asarray(value, dtype=np.float64) + 0.0  # + 0.0 prints -0 as 0
    if arr.ndim == 0:
        return _fmt_number(float(arr), digits)
    return "[" + ", ".join(fmt(v, digits) for v in arr) + "]"


def _fmt_number(v: float, digits: int) -> str:
    text = f"{v:.{digits}g}"
    if not np.isfinite(v) or float(text) == v:
        return text  # printed exactly: 0.5, 1, -2
    text = f"{v:#.{digits}g}"  # rounded: show every digit kept, 0.7000 and not 0.7
    while float(text).is_integer() and not v.is_integer() and digits < 17:
        digits += 1  # a student comparing with a calculator must not read 1.0003 as 1
        text = f"{v:#.{digits}g}"
    return text


def fmt_html(value, digits: int = 4) -> str:
    """Like fmt, as HTML: a (k,) array becomes a column vector, one entry per line."""
    if isinstance(value, Terms):
        return " + ".join(fmt_html(v, digits) for v in value)
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return html.escape(fmt(arr, digits))
    if arr.ndim > 1:  # a matrix: one row per line
        entries = "<br>".join(html.escape(fmt(row, digits)) for row in arr)
    else:
        entries = "<br>".join(html.escape(fmt(v, digits)) for v in arr)
    return (
        '<span class="vector" style="display:inline-block;border-left:1px solid;'
        f'border-right:1px solid;padding:0 4px;text-align:right">{entries}</span>'
    )


def _scalar(name: str, value) -> float:
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a single finite number, got {value!r}")
    if not isinstance(value, numbers.Real):
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a single finite number, got {value!r}")
        if arr.size != 1:
            raise ValueError(
                f"{name} must be a single number (one sample), got an array of shape {arr.shape}"
            )
        value = arr.reshape(())
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


def backprop_steps(net: Network, x, y) -> BackpropSteps:
    """The forward and backward pass for ONE sample (x, y), node by node.

    Forward, {eq}`eq-forward`: z = w1 x + b1, h = act(z), f = w2 . h + b2, r = f - y, L = r^2.
    Backward: each step's downstream gradient is upstream * local, {eq}`eq-backprop-rule`,
    ending in dL/dw1, dL/db1, dL/dw2, dL/db2, which equal ``net.loss_and_grads([x], [y])``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a bp.Network, got {type(net).__name__}")
    x, y = _scalar("x", x), _scalar("y", y)
    p, act = net.params, net.activation

    # Forward, with the network's own code so the values are the package's to the last bit.
    z, h, f = (a[0] for a in net._forward(np.array([x])))
    f = float(f)
    r = f - y
    loss = r * r
    forward = [
        ForwardStep(name, label, formula, value)
        for (name, label, formula), value in zip(_FORWARD, (z, h, f, r, loss), strict=True)
    ]

    # Backward: (upstream, local) for each step; downstream is always their product.
    backward = []
    grad = {}

    def step(i, upstream, local):
        name, label, formula = _BACKWARD[i]
        downstream = upstream * local
        backward.append(BackwardStep(name, label, formula, upstream, local, downstream))
        grad[name] = downstream
        return downstream

    step(0, 1.0, 1.0)  # dL/dL
    step(1, grad["dL/dL"], 2.0 * r)  # dL/dr: local dL/dr of L = r^2 is 2r
    step(2, grad["dL/dr"], 1.0)  # dL/df: local dr/df = 1
    step(3, grad["dL/df"], 1.0)  # dL/db2: local df/db2 = 1
    step(4, grad["dL/df"], h)  # dL/dw2: local df/dw2 = h, shape (k,)
    step(5, grad["dL/df"], p["w2"].copy())  # dL/dh: local df/dh = w2, shape (k,)
    step(6, grad["dL/dh"], act.prime(z))  # dL/dz: local dh/dz = act'(z), entry by entry
    step(7, grad["dL/dz"], x)  # dL/dw1: local dz/dw1 = x
    step(8, grad["dL/dz"], 1.0)  # dL/db1: local dz/db1 = 1
    return BackpropSteps(x, y, forward, backward, act.name)
