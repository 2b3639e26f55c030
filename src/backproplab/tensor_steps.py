"""Any bp.Tensor graph, forward then backward, as the stepper's steps (chapters 5 and 10).

Forward: every node's value, inputs first. Backward: from dL/dL = 1, each node in reverse
topological order hands each input downstream = upstream x local, {eq}`eq-backprop-rule`;
a node used more than once first shows its gradients adding up, {eq}`eq-fork-sum`.
Chapter 5's network is one such graph, told in the chapter's own words (bp.backprop_steps).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .autograd import Tensor
from .table import BackwardStep, ForwardStep, StepTable, Terms, fmt

# How each operation is written: forward formula, and each input's local gradient (LaTeX
# that both MathJax and matplotlib's mathtext typeset). {a}, {b}: the inputs; {v}: the node.
_FORMULA = {
    "+": "{a} + {b}",
    "-": "{a} - {b}",
    "*": r"{a} \cdot {b}",
    "/": r"\frac{{{a}}}{{{b}}}",
    "@": r"{a}\ @\ {b}",
    "neg": "-{a}",
    "**": "{a}^{{{p}}}",
    "sum": r"\sum {a}",
    "mean": r"\mathrm{{mean}}\,{a}",
    "tanh": r"\tanh({a})",
    "sigmoid": r"\sigma({a})",
    "relu": r"\mathrm{{relu}}({a})",
    "exp": "e^{{{a}}}",
    "log": r"\log {a}",
}
_LOCAL = {
    "+": ("1", "1"),
    "-": ("1", "-1"),
    "*": ("{b}", "{a}"),
    "/": (r"1/{b}", r"-{a}/{b}^2"),
    "@": ("{b}^T", "{a}^T"),
    "neg": ("-1",),
    "**": ("{p}\\,{a}^{{{q}}}",),
    "sum": ("1",),
    "mean": ("1/N",),
    "tanh": (r"1 - {v}^2",),
    "sigmoid": (r"{v}(1 - {v})",),
    "relu": (r"[{a} > 0]",),
    "exp": ("{v}",),
    "log": (r"1/{a}",),
}
_WHAT = {
    "+": "sum",
    "-": "difference",
    "*": "product",
    "/": "quotient",
    "@": "matrix product",
    "neg": "negation",
    "**": "power",
    "sum": "sum of the entries",
    "mean": "mean of the entries",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "relu": "ReLU",
    "exp": "exponential",
    "log": "logarithm",
}


def tex_name(name: str) -> str:
    """w1 -> w_1, v12 -> v_{12}, dL -> dL: a trailing number becomes a subscript."""
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    if not m:
        return name
    letters, digits = m.groups()
    return f"{letters}_{digits}" if len(digits) == 1 else f"{letters}_{{{digits}}}"


class GraphSteps(StepTable):
    """The steps of one Tensor graph: ``names`` maps each node to the name shown.

    ``grads`` holds dL/d(leaf) for every named leaf, ``loss`` the value of the output.
    """

    def __init__(self, loss: Tensor, order, names, forward, backward, grads):
        self.output, self.order, self.names = loss, order, names
        self.forward, self.backward = tuple(forward), tuple(backward)
        self.loss = float(loss.value) if loss.value.size == 1 else loss.value
        self.grads = grads

    def _intro(self, digits: int) -> str:
        leaves = [t for t in self.order if not t.parents and not t.const]
        given = ", ".join(f"{self.names[id(t)]} = {fmt(t.value, digits)}" for t in leaves)
        return f"a graph of {len(self.order)} nodes; inputs {given}"

    def __repr__(self) -> str:
        return f"GraphSteps({len(self.order)} nodes, {len(self)} steps, loss={fmt(self.loss)})"


def tensor_steps(loss: Tensor, wording: dict | None = None) -> GraphSteps:
    """The forward and backward steps of the graph that computed ``loss`` (a scalar Tensor).

    ``wording`` maps step names to (label, formula): then only those steps are kept, in
    its order and in its words, as chapter 5 tells its network (``bp.backprop_steps``).
    The tensors' own .grad are left as they were: the steps come from a backward pass
    whose gradients are put back afterwards.
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"loss must be a bp.Tensor, got {type(loss).__name__}")
    if loss.value.ndim != 0:
        raise ValueError(f"loss must be a scalar Tensor (shape ()), got shape {loss.shape}")
    order = loss.graph()
    names = _names(order, loss)
    saved = [node.grad for node in order]
    try:
        loss.zero_grad()
        loss.backward()
        steps = _steps(loss, order, names)
    finally:
        for node, grad in zip(order, saved, strict=True):
            node.grad = grad
    return steps if wording is None else _worded(steps, wording)


def _worded(steps, wording):
    """Only the steps ``wording`` names, in its order, with its labels and formulas."""
    if not isinstance(wording, dict):
        raise TypeError(f"wording must be a dict of step name -> (label, formula), got {wording!r}")
    by_name = {s.name: s for s in steps}
    missing = [name for name in wording if name not in by_name]
    if missing:
        raise ValueError(
            f"wording names steps the graph does not have: {', '.join(missing)}; "
            f"its steps are {', '.join(by_name)}"
        )
    chosen = [replace(by_name[n], label=lab, formula=tex) for n, (lab, tex) in wording.items()]
    steps.forward = tuple(s for s in chosen if isinstance(s, ForwardStep))
    steps.backward = tuple(s for s in chosen if isinstance(s, BackwardStep))
    return steps


def _names(order, loss):
    names, count = {}, 0
    for node in order:
        if node.name:
            names[id(node)] = node.name
        elif node.const and node.value.ndim == 0:
            names[id(node)] = fmt(node.value)  # a number is written as itself
        else:
            count += 1
            names[id(node)] = f"c{count}" if node.const else f"v{count}"
    if not loss.name:
        names[id(loss)] = "L"
    return names


def _tex(node, names):
    return tex_name(names[id(node)])


def _formula(node, names, template):
    a = _tex(node.parents[0], names)
    b = _tex(node.parents[1], names) if len(node.parents) > 1 else ""
    p = node.attrs.get("p", "")
    q = p - 1 if p != "" else ""
    return template.format(a=a, b=b, v=_tex(node, names), p=p, q=q)


def formula(node, names) -> str:
    """The node's forward formula, v = op(inputs), in LaTeX."""
    if not node.parents:
        return (
            f"{_tex(node, names)} = {fmt(node.value)}"
            if node.value.ndim == 0
            else _tex(node, names)
        )
    axis = node.attrs.get("axis")
    rhs = _formula(node, names, _FORMULA[node.op])
    if axis is not None:
        rhs = rhs.replace(r"\sum", rf"\sum_{{\mathrm{{axis}}\,{axis}}}").replace(
            r"\mathrm{mean}", rf"\mathrm{{mean}}_{{\mathrm{{axis}}\,{axis}}}"
        )
    return f"{_tex(node, names)} = {rhs}"


def _uses(order):
    uses = {id(node): 0 for node in order}
    for node in order:
        for parent in node.parents:
            uses[id(parent)] += 1
    return uses


def _steps(loss, order, names):
    uses = _uses(order)
    # each node's gradient, computed once: every step that hands it on shows this very array,
    # and a gradient passed on unchanged (local 1, as through an add) stays that same array
    grad = {}
    for node in reversed(order):
        grad.setdefault(id(node), node.grad.copy())
        for parent in node.parents:
            same = parent.grad.shape == node.grad.shape and np.array_equal(parent.grad, node.grad)
            if uses[id(parent)] == 1 and same:
                grad[id(parent)] = grad[id(node)]
    forward = [
        ForwardStep(
            names[id(n)],
            ("a constant: no gradient" if n.const else "input") if not n.parents else _WHAT[n.op],
            formula(n, names),
            n.value.copy(),
        )
        for n in order
        if not (n.const and n.value.ndim == 0)
    ]
    backward = [
        BackwardStep(
            f"dL/d{names[id(loss)]}",
            "the start: the output changes one for one with itself",
            rf"\frac{{\partial L}}{{\partial {_tex(loss, names)}}} = 1",
            1.0,
            1.0,
            grad[id(loss)],
        )
    ]
    arrived = {id(node): [] for node in order}  # the downstream gradients each node received
    for node in reversed(order):
        name, tex = names[id(node)], _tex(node, names)
        if uses[id(node)] > 1 and not node.const:
            terms = Terms(arrived[id(node)])
            backward.append(
                BackwardStep(
                    f"dL/d{name}",
                    f"{name} is used {uses[id(node)]} times: its gradients add",
                    rf"\frac{{\partial L}}{{\partial {tex}}} = "
                    + " + ".join(
                        rf"\frac{{\partial L}}{{\partial {tex}}}\Big|_{{{i + 1}}}"
                        for i in range(len(terms))
                    ),
                    terms,
                    1.0,
                    grad[id(node)],
                )
            )
        if not node.parents:
            continue
        # a dot product of two vectors is written as a product: each local gradient is the other
        op = "*" if node.op == "@" and all(p.value.ndim == 1 for p in node.parents) else node.op
        for i, (parent, (local, down)) in enumerate(
            zip(node.parents, node.local_and_downstream(), strict=True)
        ):
            arrived[id(parent)].append(np.array(down, dtype=np.float64))
            if parent.const:
                continue
            pname, ptex = names[id(parent)], _tex(parent, names)
            local_tex = _formula(node, names, _LOCAL[op][i])
            upstream_tex = rf"\frac{{\partial L}}{{\partial {tex}}}"
            if uses[id(parent)] > 1:  # one of several contributions, added at the fork
                k = len(arrived[id(parent)])
                step_name = f"dL/d{pname} ({k})"
                lhs = rf"\frac{{\partial L}}{{\partial {ptex}}}\Big|_{{{k}}}"
            else:
                step_name, lhs = f"dL/d{pname}", rf"\frac{{\partial L}}{{\partial {ptex}}}"
            if op != "@":
                rhs = rf"{upstream_tex} \cdot {local_tex}"
            else:  # a matrix product keeps its order: G B^T for the left, A^T G for the right
                rhs = (
                    rf"{upstream_tex}\ @\ {local_tex}"
                    if i == 0
                    else rf"{local_tex}\ @\ {upstream_tex}"
                )
            backward.append(
                BackwardStep(
                    step_name,
                    f"through {name} = {_WHAT[node.op]} (input {i + 1})",
                    f"{lhs} = {rhs}",
                    grad[id(node)],
                    np.array(local, dtype=np.float64),
                    arrived[id(parent)][-1] if uses[id(parent)] > 1 else grad[id(parent)],
                )
            )
    grads = {
        names[id(n)]: grad[id(n)].copy() for n in order if not n.parents and not n.const and n.name
    }
    return GraphSteps(loss, order, names, forward, backward, grads)
