"""A widget that walks a graph node by node, forward then backward (chapters 5 and 10).

Chapter 10: any bp.Tensor graph, given its loss. Chapter 5: one sample through the network,
the same engine (bp.tensor_steps) on the network's Tensor graph, in the chapter's words. In JupyterLab it shows next / back / reset buttons and reveals one node per press;
each backward step spells out upstream x local = downstream, {eq}`eq-backprop-rule`, and
a value used twice shows its gradients adding up. On the static website (no kernel) the
same cell shows the full worked table instead, under a drawing of the graph.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets

from .autograd import Tensor
from .data import bump_data
from .graph import backprop_steps
from .network import Network
from .table import Terms, fmt
from .tensor_steps import tensor_steps

#: The stepper's default network: small enough that every number fits on a line.
DEFAULT_HIDDEN = 3


class BackpropStepper:
    """Step through ``backprop_steps(net, x, y)``, or any Tensor graph, one node at a time.

    ``BackpropStepper(loss)`` with a scalar bp.Tensor walks the graph that computed it
    (``bp.tensor_steps(loss)``). Otherwise net defaults to ``Network(hidden=3,
    activation="sigmoid", seed=0)``, and (x, y) to the first sample of ``bump_data(seed=0)``.
    ``position`` counts the steps shown so far (0 to ``len(steps)``); ``next()``, ``back()``
    and ``reset()`` move it, as do the buttons.
    """

    def __init__(self, net: Network | Tensor | None = None, x=None, y=None, digits: int = 4):
        self.digits, self.position = digits, 0
        self.picture = self.full_picture = ""
        if isinstance(net, Tensor):
            if x is not None or y is not None:
                raise ValueError("a Tensor graph holds its own inputs: give no x or y with it")
            self.steps, self.net = tensor_steps(net), None
            self.picture = _graph_picture(self.steps, numbers=False)  # no answers before the steps
            self.full_picture = _graph_picture(self.steps, numbers=True)
        else:  # chapter 5: the same engine, on the network's graph for one sample
            if net is None:
                net = Network(hidden=DEFAULT_HIDDEN, activation="sigmoid", seed=0)
            if (x is None) != (y is None):
                raise ValueError(
                    "x and y go together: give both, or neither for a sample of the bump"
                )
            if x is None:
                data = bump_data(seed=0)
                x, y = float(data.x[0]), float(data.y[0])
            self.steps, self.net = backprop_steps(net, x, y), net
        self._build()

    def _build(self):
        button = dict(layout=widgets.Layout(width="8em"))
        self.back_button = widgets.Button(description="◀ back", tooltip="one step back", **button)
        self.next_button = widgets.Button(
            description="next ▶", tooltip="one step on", button_style="primary", **button
        )
        self.reset_button = widgets.Button(
            description="reset", tooltip="back to the start", **button
        )
        self.back_button.on_click(lambda _: self.back())
        self.next_button.on_click(lambda _: self.next())
        self.reset_button.on_click(lambda _: self.reset())
        self.status = widgets.HTML()
        self.detail = widgets.HTMLMath()
        self.table = widgets.HTMLMath()
        rows = [
            widgets.HBox([self.back_button, self.next_button, self.reset_button, self.status]),
            self.detail,
            self.table,
        ]
        if self.picture:  # a Tensor graph: its drawing above the buttons
            rows.insert(0, widgets.HTML(self.picture))
        self.widget = widgets.VBox(rows)
        self.widget.add_class("backprop-stepper")
        self._render()

    # -- the handlers the buttons call --------------------------------------------------
    def next(self) -> None:
        """Reveal one more step (forward nodes first, then the backward steps)."""
        self.position = min(self.position + 1, len(self.steps))
        self._render()

    def back(self) -> None:
        """Hide the last step shown."""
        self.position = max(self.position - 1, 0)
        self._render()

    def reset(self) -> None:
        """Back to the start: nothing computed yet."""
        self.position = 0
        self._render()

    # -- what is shown ------------------------------------------------------------------
    @property
    def current(self):
        """The step shown last (a ForwardStep or BackwardStep), or None at the start."""
        return None if self.position == 0 else list(self.steps)[self.position - 1]

    def describe(self) -> str:
        """The current step in words and numbers (plain text, no markup)."""
        s, d = self.current, self.digits
        if s is None and self.net is None:
            return "Press next to run the forward pass node by node."
        if s is None:
            return (
                f"Sample x = {fmt(self.steps.x, d)}, y = {fmt(self.steps.y, d)}. "
                "Press next to run the forward pass node by node."
            )
        if hasattr(s, "value"):
            return f"Forward: {s.name} = {fmt(s.value, d)} ({s.label})"
        if isinstance(s.upstream, Terms):  # a fork: the gradients from each use add up
            return f"Fork {s.name} ({s.label}): {fmt(s.upstream, d)} = {fmt(s.downstream, d)}"
        return (
            f"Backward {s.name} ({s.label}): upstream {fmt(s.upstream, d)} × local "
            f"{fmt(s.local, d)} = downstream {fmt(s.downstream, d)}"
        )

    def _render(self) -> None:
        total, nf = len(self.steps), len(self.steps.forward)
        phase = (
            "start"
            if self.position == 0
            else "forward pass"
            if self.position <= nf
            else "backward pass"
        )
        self.status.value = (
            f'<span class="stepper-status">step {self.position} of {total} · {phase}</span>'
        )
        s = self.current
        if s is not None and isinstance(getattr(s, "upstream", None), Terms):
            self.detail.value = (
                f"<p>\\({html.escape(s.formula)}\\)<br>fork: "
                f"<code>{fmt(s.upstream, self.digits)}</code> = "
                f"<code>{fmt(s.downstream, self.digits)}</code> ({html.escape(s.label)})</p>"
            )
        elif s is not None and not hasattr(s, "value"):
            # upstream x local = downstream, with the formula typeset
            self.detail.value = (
                f"<p>\\({html.escape(s.formula)}\\)<br>"
                f"upstream <code>{fmt(s.upstream, self.digits)}</code> × local "
                f"<code>{fmt(s.local, self.digits)}</code> = downstream "
                f"<code>{fmt(s.downstream, self.digits)}</code></p>"
            )
        else:
            self.detail.value = f"<p>{html.escape(self.describe())}</p>"
        self.table.value = self.steps.to_html(
            self.digits, upto=self.position, highlight=self.position - 1
        )
        self.back_button.disabled = self.position == 0
        self.next_button.disabled = self.position == total

    # -- display: the widget in a live kernel, the full table everywhere else ---------------
    def to_html(self) -> str:
        """The full worked table (under the graph's drawing): what the static website shows."""
        return self.full_picture + self.steps.to_html(self.digits)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        bundle["text/html"] = self.to_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        if self.net is None:
            return (
                f"BackpropStepper({len(self.steps.order)} nodes, "
                f"step {self.position} of {len(self.steps)})"
            )
        return (
            f"BackpropStepper(x={self.steps.x:.4g}, y={self.steps.y:.4g}, "
            f"k={self.net.hidden}, step {self.position} of {len(self.steps)})"
        )


def _graph_picture(steps, numbers: bool) -> str:
    """The graph drawn by diagram.draw_tensor_graph, as an inline PNG."""
    import matplotlib.pyplot as plt

    from .diagram import draw_tensor_graph

    ax = draw_tensor_graph(steps, numbers=numbers)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(ax.figure)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = ", value and gradient" if numbers else ""
    return (
        f'<img class="stepper-graph" src="data:image/png;base64,{data}" '
        f'alt="The computational graph: a box per node with its formula{alt}" '
        'style="max-width:100%">'
    )
