"""Networks of any depth: Z_l = A_{l-1} W_l + b_l, and the backward recursion (chapter 9).

Layer l = 1..L maps d_{l-1} numbers to d_l; the hidden layers apply the activation, the
output layer L is linear. ``sizes=(1, k, 1)`` is the course's one-layer ``Network``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from . import _validate
from . import experiment as ex
from .activations import get_activation
from .network import INITS

#: The default shape: two hidden layers of 16 units.
SIZES = (1, 16, 16, 1)


def check_sizes(sizes) -> tuple:
    """Return `sizes` as a tuple of ints d_0 = 1, d_1, ..., d_L = 1, or raise naming it."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(
            f"sizes must be a sequence of positive integers such as (1, 16, 16, 1), got {sizes!r}"
        )
    for d in sizes:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 1:
            integral = isinstance(d, numbers.Integral) and not isinstance(d, bool)
            raise (ValueError if integral else TypeError)(
                f"sizes must be a sequence of positive integers such as (1, 16, 16, 1); "
                f"it holds {d!r}"
            )
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least 2 entries, the input and output sizes, got {tuple(sizes)}"
        )
    if sizes[0] != 1 or sizes[-1] != 1:
        raise ValueError(
            f"sizes must start and end with 1: this course's data is 1-D (one x in, one y out), "
            f"got {tuple(sizes)}"
        )
    return tuple(int(d) for d in sizes)


def param_names(depth: int) -> tuple:
    """The keys of a depth-L network's params: ('W1', 'b1', ..., 'WL', 'bL')."""
    return tuple(f"{p}{l}" for l in range(1, depth + 1) for p in "Wb")


def init_deep_params(sizes=SIZES, init: str = "uniform", seed=0) -> dict:
    """Starting parameters, drawn layer by layer in the order W1, b1, W2, b2, ...

    The rule for each layer is Network's rule with the layer's own fan-in d_{l-1} and
    fan-out d_l, so sizes (1, k, 1) draws exactly what ``init_params(k, init, seed)`` does:
    'uniform' W_l, b_l ~ U(-1, 1); 'xavier' W_l ~ U(-a, a) with a = sqrt(6 / (d_{l-1} + d_l))
    and zero biases; 'he' W_l ~ N(0, 2 / d_{l-1}) and zero biases.
    """
    sizes = check_sizes(sizes)
    init = _validate.choice("init", init, INITS)
    rng = _validate.seed(seed)
    params = {}
    for l, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        if init == "uniform":
            params[f"W{l}"] = rng.uniform(-1.0, 1.0, (d_in, d_out))
            params[f"b{l}"] = rng.uniform(-1.0, 1.0, d_out)
            continue
        if init == "xavier":
            a = np.sqrt(6.0 / (d_in + d_out))
            params[f"W{l}"] = rng.uniform(-a, a, (d_in, d_out))
        else:
            params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / d_in), (d_in, d_out))
        params[f"b{l}"] = np.zeros(d_out)
    return params


class DeepNetwork:
    """One input, hidden layers of sizes d_1 ... d_{L-1}, one output; every layer dense.

    ``params`` is a dict of float64 arrays: W_l of shape (d_{l-1}, d_l), b_l of shape (d_l,).
    """

    def __init__(self, sizes=SIZES, activation=ex.ACTIVATION, seed=ex.SEED, init: str = ex.INIT):
        self.activation = get_activation(activation)
        self.init = init
        self._set(init_deep_params(sizes, init, seed))

    # -- parameters -------------------------------------------------------------------
    @property
    def sizes(self) -> tuple:
        """(d_0, d_1, ..., d_L): the width of every layer, input and output included."""
        return self._sizes

    @property
    def depth(self) -> int:
        """L, the number of layers with weights (hidden layers + the output layer)."""
        return len(self._sizes) - 1

    @property
    def params(self) -> dict:
        return self._params

    @params.setter
    def params(self, new: dict):
        names = self._names
        if not isinstance(new, dict):
            raise TypeError(f"params must be a dict with keys {names}, got {type(new).__name__}")
        missing, extra = set(names) - set(new), set(new) - set(names)
        if missing or extra:
            raise ValueError(
                f"params must have exactly the keys {names}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        checked, d_prev = {}, 1  # the input is one number per sample
        for l in range(1, self.depth + 1):
            W = _as_param(f"W{l}", new[f"W{l}"])
            d_out = 1 if l == self.depth else (W.shape[1] if W.ndim == 2 else -1)
            if W.ndim != 2 or W.shape != (d_prev, d_out):
                want = f"({d_prev}, {d_out})" if d_out > 0 else f"({d_prev}, d_{l})"
                raise ValueError(
                    f"params['W{l}'] must have shape {want} (one row per input of layer {l}: "
                    f"d_{l - 1} = {d_prev}), got {W.shape}"
                )
            b = _as_param(f"b{l}", new[f"b{l}"])
            if b.shape != (d_out,):
                raise ValueError(f"params['b{l}'] must have shape ({d_out},), got {b.shape}")
            checked[f"W{l}"], checked[f"b{l}"] = W, b
            d_prev = d_out
        self._set(checked)

    def _set(self, params: dict) -> None:
        depth = len(params) // 2
        self._sizes = (1,) + tuple(params[f"b{l}"].size for l in range(1, depth + 1))
        self._names = param_names(depth)
        self._layers = tuple(zip(self._names[::2], self._names[1::2], strict=True))  # (W_l, b_l)
        self._params = params

    def copy(self) -> DeepNetwork:
        """An independent network with the same activation and a copy of the parameters."""
        twin = object.__new__(type(self))
        twin.activation, twin.init = self.activation, self.init
        twin._set({name: p.copy() for name, p in self._params.items()})
        return twin

    # -- forward ----------------------------------------------------------------------
    def forward(self, x):
        """The forward pass over a batch, {eq}`eq-deep-forward`: returns Z, A, f.

        Z[l - 1] is Z_l of shape (n, d_l) for l = 1..L; A[l] is A_l for l = 0..L, with
        A_0 = x as a column (n, 1) and A_L = Z_L (the output layer is linear); f is (n,).
        """
        x = _validate.as_1d("x", x)
        return self._forward(x)

    def _forward(self, x):
        p, act = self._params, self.activation.fn
        A = [x[:, None]]  # A_0: (n, 1)
        Z = []
        last = self._layers[-1]
        for layer in self._layers:
            W, b = p[layer[0]], p[layer[1]]
            # with one input a product is all a matrix product would do, and it is faster
            z = A[-1] * W if W.shape[0] == 1 else A[-1] @ W  # (n, d_{l-1}) @ (d_{l-1}, d_l)
            z += b  # in place: one (n, d_l) array less to allocate per layer
            Z.append(z)  # Z_l: (n, d_l)
            A.append(z if layer is last else act(z))  # A_l: (n, d_l); the output layer is linear
        return Z, A, Z[-1][:, 0]

    def predict(self, x):
        """f(x) for every sample in x, {eq}`eq-deep-forward`."""
        return self.forward(x)[2]

    def contributions(self, x):
        """Each last hidden unit's share W_L[i] a_i(x), shape (n, d_{L-1}); f = their sum + b_L."""
        _, A, _ = self.forward(x)
        return A[-2] * self._params[f"W{self.depth}"][:, 0]  # (n, d_{L-1}) * (d_{L-1},)

    def loss(self, x, y) -> float:
        """Mean squared error, {eq}`eq-loss`."""
        x, y = _validate.as_xy(x, y)
        r = self._forward(x)[2] - y
        return float(np.dot(r, r) / r.size)

    # -- backward ---------------------------------------------------------------------
    def loss_and_grads(self, x, y):
        """The loss {eq}`eq-loss` and its gradient for every W_l and b_l, from chapter 9's four equations."""
        x, y = _validate.as_xy(x, y)
        return self._loss_and_grads(x, y)

    def _loss_and_grads(self, x, y):
        Z, A, f = self._forward(x)
        r = f - y  # (n,) residuals
        loss = np.dot(r, r) / r.size
        grads = dict.fromkeys(self._names)  # filled from layer L down, listed from layer 1
        for l, delta in self._errors(Z, A, r):  # Δ_l for l = L, ..., 1
            W_name, b_name = self._layers[l - 1]
            grads[W_name] = A[l - 1].T @ delta  # (d_{l-1}, n) @ (n, d_l)         eq-deep-grad-W
            grads[b_name] = delta.sum(axis=0)  # (d_l,)                          eq-deep-grad-b
        return loss, grads

    def _errors(self, Z, A, r):
        """Yield (l, Δ_l) for l = L down to 1: the output error, then the recursion."""
        p, prime = self._params, self.activation.prime_from_output
        delta = (2.0 / r.size) * r[:, None]  # Δ_L: (n, 1)                      eq-deep-output-error
        for l in range(self.depth, 0, -1):
            yield l, delta
            if l > 1:
                W = p[self._layers[l - 1][0]]  # with one output column, W^T is a row
                delta = delta * W.T if W.shape[1] == 1 else delta @ W.T  # (n, d_l) @ (d_l, d_{l-1})
                delta *= prime(Z[l - 2], A[l - 1])  # Δ_{l-1}: (n, d_{l-1})        eq-deep-recursion

    def __repr__(self) -> str:
        return (
            f"DeepNetwork(sizes={self.sizes}, activation={self.activation.name!r}, "
            f"init={self.init!r})"
        )


def _as_param(name: str, value) -> np.ndarray:
    """A new float64 array of `value`, or a TypeError naming params[name]."""
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"params[{name!r}] must be an array of numbers, got {type(value).__name__} "
            f"{value!r:.40}"
        ) from None


def layer_grad_norms(grads: dict) -> np.ndarray:
    """The size of each layer's weight gradient, ||dL/dW_l|| (Frobenius), for l = 1..L."""
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of gradients by name, got {type(grads).__name__}")
    depth = sum(1 for name in grads if name.startswith("W"))
    if depth == 0 or any(f"W{l}" not in grads for l in range(1, depth + 1)):
        raise ValueError(f"grads must hold W1 ... WL, got keys {sorted(grads)}")
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, depth + 1)])


def layer_sizes(net: DeepNetwork, x, y) -> dict:
    """Each layer's sizes, l = 1..L (Frobenius norms): "W" ||dL/dW_l||, "delta" ||Δ_l||, "A" ||A_{l-1}||.

    dL/dW_l = A_{l-1}^T Δ_l, {eq}`eq-deep-grad-W`: its size follows both factors, the error
    arriving from above and the input arriving from below.
    """
    if not isinstance(net, DeepNetwork):
        raise TypeError(f"net must be a bp.DeepNetwork, got {type(net).__name__}")
    x, y = _validate.as_xy(x, y)
    Z, A, f = net._forward(x)
    deltas = dict(net._errors(Z, A, f - y))
    rows = [
        (
            np.linalg.norm(A[l - 1].T @ deltas[l]),
            np.linalg.norm(deltas[l]),
            np.linalg.norm(A[l - 1]),
        )
        for l in range(1, net.depth + 1)
    ]
    return dict(zip(("W", "delta", "A"), np.array(rows).T, strict=True))


def start_grad_norms(
    x, y, depth: int, activation=ex.ACTIVATION, init=ex.INIT, width=16, seeds=5, of="W"
):
    """||dL/dW_l|| for l = 1..depth at the start of training, for hidden layers of `width` units.

    The geometric mean over networks drawn with seeds 0 .. seeds-1, so that one lucky draw
    does not decide; depth counts the layers with weights (chapter 3's network has depth 2).
    of="delta" gives ||Δ_l|| instead, and of="A" the size of layer l's input ||A_{l-1}||.
    """
    if of not in ("W", "delta", "A"):
        raise ValueError(f"of must be 'W', 'delta' or 'A', got {of!r}")
    x, y = _validate.as_xy(x, y)
    depth = _validate.integer("depth", depth, minimum=1)
    width = _validate.integer("width", width, minimum=1)
    seeds = _validate.integer("seeds", seeds, minimum=1)
    sizes = (1,) + (width,) * (depth - 1) + (1,)
    with np.errstate(divide="ignore"):  # a dead ReLU layer has norm 0: its mean is 0 too
        logs = [
            np.log(layer_sizes(DeepNetwork(sizes, activation, s, init), x, y)[of])
            for s in range(seeds)
        ]
    return np.exp(np.mean(logs, axis=0))
