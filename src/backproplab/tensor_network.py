"""The course's networks rebuilt from bp.Tensor operations (chapter 10).

``tensor_loss`` writes the forward pass and the loss of a Network or a DeepNetwork with
Tensor operations and nothing about gradients; ``autograd_epoch`` trains with the
gradients that backward() finds. Chapter 10 checks them against ``loss_and_grads`` and times
them against the hand-fused step.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .activations import get_activation
from .autograd import Tensor


def tensor_loss(net, x, y):
    """The loss {eq}`eq-loss` of a Network or a DeepNetwork as a Tensor graph.

    Returns (loss, params): params holds a leaf Tensor per parameter, under net.params'
    keys, so that after loss.backward() params[name].grad is dL/d(name).
    """
    x, y = _validate.as_xy(x, y)
    return _tensor_loss(net, x, y, {name: Tensor(v, name=name) for name, v in net.params.items()})


def _tensor_loss(net, x, y, params):
    act = get_activation(net.activation).name
    X = Tensor._node(x[:, None], "", (), None)  # (n, 1), data: no gradient
    X.const = True
    if set(params) == {"w1", "b1", "w2", "b2"}:  # f = w2 . act(w1 x + b1) + b2, eq-forward
        h = getattr(X * params["w1"] + params["b1"], act)()  # (n, k)
        f = h @ params["w2"] + params["b2"]  # (n,)
        r = f - y  # (n,)
    else:  # Z_l = A_{l-1} W_l + b_l, A_l = act(Z_l), the output layer linear
        A, depth = X, len(params) // 2
        for layer in range(1, depth + 1):
            A = A @ params[f"W{layer}"] + params[f"b{layer}"]  # (n, d_l)
            if layer < depth:
                A = getattr(A, act)()
        r = A - y[:, None]  # (n, 1)
    return (r**2).mean(), params


def autograd_epoch(net, x, y, lr: float, epochs: int = 1) -> float:
    """Full-batch gradient descent {eq}`eq-gd-step` with the gradients by Tensor; returns the
    last loss. Every epoch builds the graph anew, as an eager framework does."""
    x, y = _validate.as_xy(x, y)
    lr = _validate.positive("lr", lr)
    loss = None
    for _ in range(_validate.integer("epochs", epochs, minimum=1)):
        leaves = {}
        for name, value in net.params.items():
            leaf = Tensor._node(value, "", (), None)  # shares the array: updated in place below
            leaf.grad, leaf.name = np.zeros(value.shape), name
            leaves[name] = leaf
        loss, _ = _tensor_loss(net, x, y, leaves)
        loss.backward()
        for leaf in leaves.values():
            leaf.value -= lr * leaf.grad  # the net's own array, eq-gd-step
    return float(loss.value)
