"""The worked tables of a graph's steps: forward values, then upstream x local = downstream.

Shared by chapter 5's one-sample network and chapter 10's Tensor graphs, and ``fmt``, which
prints every number of those tables (and of the chapters' prose) the same way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np


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


_BACKWARD_HEAD = ("upstream", "local", "downstream = upstream × local")


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

    def __getitem__(self, name: str):
        for s in self:
            if s.name == name:
                return s
        raise KeyError(f"no step {name!r}; the steps are {', '.join(s.name for s in self)}")

    def _numbers(self, s):
        return (s.value,) if isinstance(s, ForwardStep) else (s.upstream, s.local, s.downstream)

    def to_markdown(self, digits: int = 4) -> str:
        """Both tables as Markdown (formulas in $...$)."""
        lines = [self._intro(digits), "", "| node | formula | value |", "| --- | --- | --- |"]
        for s in self:
            if self.backward and s is self.backward[0]:
                lines += ["", f"| gradient | formula | {' | '.join(_BACKWARD_HEAD)} |"]
                lines += ["| --- | --- | --- | --- | --- |"]
            numbers = " | ".join(fmt(v, digits) for v in self._numbers(s))
            formula = s.formula.replace("|", r"\|")  # a fork's \Big| must not end the cell
            lines.append(f"| {s.name} | ${formula}$ | {numbers} |")
        return "\n".join(lines) + "\n"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def to_html(
        self, digits: int = 4, upto: int | None = None, highlight: int | None = None
    ) -> str:
        """Both tables as HTML.

        ``upto`` shows only the first ``upto`` steps, forward then backward (the stepper);
        ``highlight`` marks the step with that index (0-based, forward then backward).
        """
        upto = len(self) if upto is None else max(0, min(int(upto), len(self)))
        cell = 'style="padding:2px 8px;text-align:{};border-bottom:1px solid #ddd"'
        left, right = cell.format("left"), cell.format("right")

        def row(i, s):
            mark = ' style="background:#fff3c4;font-weight:bold"' if i == highlight else ""
            # the formula is typeset by MathJax, in JupyterLab and on the website; vectors
            # are columns, one entry per line, so the table stays narrow
            return (
                f'<tr{mark}><td {left}>{html.escape(s.name)}<br><small style="opacity:0.7">'
                f'{html.escape(s.label)}</small></td><td {left}><span class="math notranslate '
                f'nohighlight">\\({html.escape(s.formula)}\\)</span></td>'
                + "".join(f"<td {right}>{fmt_html(v, digits)}</td>" for v in self._numbers(s))
                + "</tr>"
            )

        def table(caption, headers, first, steps):
            ths = "".join(f"<th {left}>{html.escape(h)}</th>" for h in headers)
            body = "".join(row(first + i, s) for i, s in enumerate(steps))
            return (
                '<table class="backprop-steps" style="border-collapse:collapse;'
                'font-variant-numeric:tabular-nums;margin-bottom:0.8em">'
                f'<caption style="caption-side:top;text-align:left;font-weight:bold">'
                f"{html.escape(caption)}</caption><thead><tr>{ths}</tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )

        nf = len(self.forward)
        parts = [f'<div class="backprop-steps"><p>{html.escape(self._intro(digits))}</p>']
        parts.append(table("Forward pass", ["node", "formula", "value"], 0, self.forward[:upto]))
        if upto > nf:
            heads = ["gradient", "formula", "upstream", "local", "downstream"]
            caption = "Backward pass: downstream = upstream × local"
            parts.append(table(caption, heads, nf, self.backward[: upto - nf]))
        return "".join(parts) + "</div>"

    def _repr_html_(self) -> str:
        return self.to_html()


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
