"""Chapter 5's network for one sample as a bp.Tensor graph, told in the chapter's words.

Every backward step applies the rule downstream = local x upstream, {eq}`eq-backprop-rule`:
the upstream gradient dL/d(node output) arrives from above, the node multiplies it by its own
local gradient d(output)/d(input), and passes the product down. For one sample the loss is
L = (f - y)^2, so the gradients are those of ``net.loss_and_grads([x], [y])``. The steps are
those of bp.tensor_steps, the machine of chapter 10: only the words are the chapter's.
"""

from __future__ import annotations

import numbers

import numpy as np

from .autograd import Tensor
from .network import Network
from .table import BackwardStep, ForwardStep, Terms, fmt, fmt_html  # noqa: F401 (bp.graph.fmt)
from .tensor_steps import GraphSteps, tensor_steps, tex_name

_FORWARD = (  # (node, label, formula)
    ("z", "pre-activation of each hidden unit", r"z = w_1 x + b_1"),
    ("h", "hidden outputs", r"h = \sigma(z)"),
    ("f", "network output", r"f = w_2 \cdot h + b_2"),
    ("r", "residual", r"r = f - y"),
    ("L", "loss for this sample", r"L = r^2"),
)
# The chain of chapter 5 from the loss down: (the gradient's variable, label, the node it
# comes through, that node's local gradient for it with the product sign).
_BACKWARD = (
    ("r", "through the square L = r²", "L", r"\cdot 2r"),
    ("f", "through the residual r = f − y", "r", r"\cdot 1"),
    ("b2", "into the output bias b₂", "f", r"\cdot 1"),
    ("w2", "into the output weights w₂", "f", r"\cdot h"),
    ("h", "into the hidden outputs h", "f", r"\cdot w_2"),
    ("z", "through the activation h = σ(z)", "h", r"\odot \sigma'(z)"),
    ("w1", "into the input weights w₁", "z", r"\cdot x"),
    ("b1", "into the hidden biases b₁", "z", r"\cdot 1"),
)


def _dl(v: str) -> str:
    return rf"\frac{{\partial L}}{{\partial {tex_name(v)}}}"


#: The chapter's words for its steps: step name -> (label, formula), in the table's order.
WORDING = {name: (label, formula) for name, label, formula in _FORWARD} | {
    "dL/dL": ("the start: L changes one for one with itself", rf"{_dl('L')} = 1")
}
WORDING |= {f"dL/d{v}": (lab, f"{_dl(v)} = {_dl(u)}{loc}") for v, lab, u, loc in _BACKWARD}


def _local_gradients() -> dict[str, list[str]]:
    local: dict[str, list[str]] = {}
    for v, _, u, loc in _BACKWARD:  # "\cdot h" -> "\partial f/\partial w_2 = h"
        local.setdefault(u, []).append(
            rf"\partial {u}/\partial {tex_name(v)} = {loc.split(' ', 1)[1]}"
        )
    return local


#: The local gradients chapter 5's drawing writes in each box (bp.draw_graph).
LOCAL = _local_gradients()


class BackpropSteps(GraphSteps):
    """The forward and backward steps for one sample; ``steps["dL/dz"]`` looks one up.

    ``grads`` holds the four parameter gradients (same keys and shapes as ``net.params``),
    ``loss`` the loss. Shown in a notebook it is the worked table; ``to_markdown()`` gives
    the same table as text.
    """

    def __init__(self, steps: GraphSteps, x: float, y: float, activation: str):
        vars(self).update(vars(steps))
        self.x, self.y, self.activation = x, y, activation

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


def sample_graph(net: Network, x, y) -> Tensor:
    """The loss L of one sample (x, y) as a Tensor graph with the chapter's node names.

    z = x w1 + b1, h = act(z), f = b2 + w2 . h, r = f - y, L = r^2, {eq}`eq-forward`; the
    parameters are named leaves, x and y named constants (data: no gradient).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a bp.Network, got {type(net).__name__}")
    x, y = _scalar("x", x), _scalar("y", y)
    leaf = {name: Tensor(value, name=name) for name, value in net.params.items()}
    data = {"x": Tensor(x, name="x"), "y": Tensor(y, name="y")}
    for t in data.values():
        t.const = True
    # (k,): the product x w1 is an unnamed node inside z, so the steps show only z
    nodes = {"z": data["x"] * leaf["w1"] + leaf["b1"]}
    nodes["h"] = getattr(nodes["z"], net.activation.name)()  # (k,): .sigmoid(), .tanh() or .relu()
    nodes["f"] = leaf["b2"] + leaf["w2"] @ nodes["h"]  # (): b2 first, as the chapter steps
    nodes["r"] = nodes["f"] - data["y"]
    nodes["L"] = nodes["r"] ** 2
    for name, node in nodes.items():
        node.name = name
    return nodes["L"]


def backprop_steps(net: Network, x, y) -> BackpropSteps:
    """The forward and backward pass for ONE sample (x, y), node by node.

    Forward, {eq}`eq-forward`: z = w1 x + b1, h = act(z), f = w2 . h + b2, r = f - y, L = r^2.
    Backward: each step's downstream gradient is upstream * local, {eq}`eq-backprop-rule`,
    ending in dL/dw1, dL/db1, dL/dw2, dL/db2, which equal ``net.loss_and_grads([x], [y])``.
    """
    steps = tensor_steps(sample_graph(net, x, y), WORDING)
    return BackpropSteps(steps, _scalar("x", x), _scalar("y", y), net.activation.name)
