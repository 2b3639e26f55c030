"""Networks of any depth: Z_l = A_{l-1} W_l + b_l, and the backward recursion (chapters 9, 11).

Layer l = 1..L maps d_{l-1} numbers to d_l; the hidden layers apply the activation, the
output layer L applies its output (linear, sigmoid or softmax), paired with its loss in
``losses``. ``sizes=(1, k, 1)`` with the linear output is the course's one-layer ``Network``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from . import _validate
from . import experiment as ex
from .activations import get_activation
from .losses import make_pair
from .network import INITS

#: The default shape: two hidden layers of 16 units.
SIZES = (1, 16, 16, 1)


def check_sizes(sizes) -> tuple:
    """Return `sizes` as a tuple of ints d_0 = d, d_1, ..., d_L = m, or raise naming it."""
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
    """d inputs, hidden layers of sizes d_1 ... d_{L-1}, m outputs; every layer dense.

    ``params`` is a dict of float64 arrays: W_l of shape (d_{l-1}, d_l), b_l of shape (d_l,).
    output: 'linear' (the default), 'sigmoid' (m = 1) or 'softmax' (m >= 2); loss None takes
    the output's own ('mse', 'bce', 'ce'); ('sigmoid', 'mse') is allowed for comparison.
    weight_decay lambda adds lambda/2 sum_l ||W_l||^2 to the loss {eq}`eq-weight-decay`.
    """

    def __init__(
        self,
        sizes=SIZES,
        activation=ex.ACTIVATION,
        seed=ex.SEED,
        init: str = ex.INIT,
        output: str = "linear",
        loss=None,
        weight_decay: float = 0.0,
    ):
        self.activation = get_activation(activation)
        self.init = init
        sizes = check_sizes(sizes)
        self._pair = make_pair(output, loss, sizes[-1])
        self.weight_decay = weight_decay
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
    def output(self) -> str:
        """The output layer: 'linear', 'sigmoid' or 'softmax'."""
        return self._pair.output

    @property
    def loss_name(self) -> str:
        """The loss paired with the output: 'mse', 'bce' or 'ce'."""
        return self._pair.loss

    @property
    def weight_decay(self) -> float:
        """lambda >= 0, the L2 penalty's strength on the weights (not the biases)."""
        return self._decay

    @weight_decay.setter
    def weight_decay(self, value):
        self._decay = _validate.positive("weight_decay", value, allow_zero=True)

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
        # the hidden widths may change; the input size d and output size m may not
        checked, d_prev, m = {}, self._sizes[0], self._sizes[-1]
        for l in range(1, self.depth + 1):
            W = _as_param(f"W{l}", new[f"W{l}"])
            d_out = m if l == self.depth else (W.shape[1] if W.ndim == 2 else -1)
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
        widths = tuple(params[f"b{l}"].size for l in range(1, depth + 1))
        self._sizes = (params["W1"].shape[0],) + widths
        self._names = param_names(depth)
        self._layers = tuple(zip(self._names[::2], self._names[1::2], strict=True))  # (W_l, b_l)
        self._params = params

    def copy(self) -> DeepNetwork:
        """An independent network with the same activation, output, loss and weight decay."""
        twin = object.__new__(type(self))
        twin.activation, twin.init = self.activation, self.init
        twin._pair, twin._decay = self._pair, self._decay
        twin._set({name: p.copy() for name, p in self._params.items()})
        return twin

    # -- data -------------------------------------------------------------------------
    def _check_xy(self, x, y, fit: bool = False):
        """x as (n, d) and y as float targets (n, m), or an error naming the bad one.

        fit: also refuse a classifier's y with a single class (training cannot learn from it).
        """
        x = _validate.as_inputs("x", x, self._sizes[0])
        y = self._pair.targets(y, x.shape[0])
        if fit:
            self._pair.check_classes(y)
        return x, y

    # -- forward ----------------------------------------------------------------------
    def forward(self, x):
        """The forward pass over a batch, {eq}`eq-deep-forward`: returns Z, A, out.

        Z[l - 1] is Z_l of shape (n, d_l) for l = 1..L; A[l] is A_l for l = 0..L, with
        A_0 = x as (n, d) and A_L the output layer's P (Z_L itself for a linear output).
        out is A_L, shaped (n,) when m = 1.
        """
        return self._forward(_validate.as_inputs("x", x, self._sizes[0]))

    def _hidden(self, x, keep_z: bool = True):
        """Z_1 .. Z_L and A_0 .. A_{L-1}; x is (n, d), or (n,) when d = 1.

        keep_z False (training): Z is [Z_L] alone, each hidden Z_l overwritten by A_l. The
        backward pass needs only the A's. One (n, d_l) array fewer per layer saved a fifth to
        almost half of an epoch at the digits' size (measured), mostly page faults: glibc hands
        less freed memory back to the system only to fault it in again the next epoch.
        """
        p, act = self._params, self.activation
        apply = act.fn if keep_z else act.fn_in_place
        A = [x if x.ndim == 2 else x[:, None]]  # A_0: (n, d)
        Z = []
        last = self._layers[-1]
        for layer in self._layers:
            W, b = p[layer[0]], p[layer[1]]
            # with one input a product is all a matrix product would do, and it is faster
            z = A[-1] * W if W.shape[0] == 1 else A[-1] @ W  # (n, d_{l-1}) @ (d_{l-1}, d_l)
            z += b  # in place: one (n, d_l) array less to allocate per layer
            if keep_z or layer is last:
                Z.append(z)  # Z_l: (n, d_l)
            if layer is not last:
                A.append(apply(z))  # A_l: (n, d_l)
        return Z, A

    def _forward(self, x):
        Z, A = self._hidden(x)
        A.append(self._pair.activate(Z[-1]))  # A_L = P: (n, m)
        return Z, A, A[-1][:, 0] if self._sizes[-1] == 1 else A[-1]

    def predict(self, x):
        """The output for every sample in x: values (linear) or probabilities, {eq}`eq-deep-forward`."""
        return self.forward(x)[2]

    def classify(self, x):
        """The predicted class of every sample, (n,) ints: p >= 0.5 (sigmoid) or argmax (softmax)."""
        return self._pair.labels(self.forward(x)[1][-1])

    def contributions(self, x):
        """Each last hidden unit's share W_L[i] a_i(x), shape (n, d_{L-1}); f = their sum + b_L."""
        if self._sizes[-1] != 1 or self.output != "linear":
            raise ValueError("contributions needs one linear output unit (sizes ending with 1)")
        _, A, _ = self.forward(x)
        return A[-2] * self._params[f"W{self.depth}"][:, 0]  # (n, d_{L-1}) * (d_{L-1},)

    def penalty(self) -> float:
        """The weight decay term lambda/2 sum_l ||W_l||^2, {eq}`eq-weight-decay` (0 when lambda = 0)."""
        if not self._decay:
            return 0.0
        squares = sum(np.vdot(self._params[W], self._params[W]) for W, _ in self._layers)
        return 0.5 * self._decay * float(squares)  # sum_l ||W_l||^2, biases left out

    def loss(self, x, y) -> float:
        """The loss of the output's pair ({eq}`eq-loss` for 'mse'), plus the weight decay term."""
        return self._loss(*self._check_xy(x, y))

    def _loss(self, x, y) -> float:
        if y.ndim == 1:
            y = self._pair.column(y)
        Z, _ = self._hidden(x, keep_z=False)
        return float(self._pair.value(Z[-1], y)) + self.penalty()

    # -- backward ---------------------------------------------------------------------
    def loss_and_grads(self, x, y):
        """The loss and its gradient for every W_l and b_l, from chapter 9's four equations."""
        return self._loss_and_grads(*self._check_xy(x, y))

    def _loss_and_grads(self, x, y):
        """As loss_and_grads, unchecked: x (n, d) or (n,), y (n, m) targets or (n,) labels."""
        if y.ndim == 1:
            y = self._pair.column(y)
        (Z_L,), A = self._hidden(x, keep_z=False)
        loss, delta_L = self._pair.loss_and_delta(Z_L, y)  # Δ_L: (n, m)          eq-output-error
        grads = dict.fromkeys(self._names)  # filled from layer L down, listed from layer 1
        ones = np.ones(len(Z_L))  # 1, (n,): a product sums the samples faster than .sum(axis=0)
        for l, delta in self._errors(A, delta_L):  # Δ_l for l = L, ..., 1
            W_name, b_name = self._layers[l - 1]
            grads[W_name] = A[l - 1].T @ delta  # (d_{l-1}, n) @ (n, d_l)         eq-deep-grad-W
            grads[b_name] = delta.T @ ones  # Δ_l^T 1: (d_l, n) @ (n,)            eq-deep-grad-b
        if self._decay:
            loss += self.penalty()
            for W_name, _ in self._layers:
                grads[W_name] += self._decay * self._params[W_name]  # + λ W_l    eq-weight-decay
        return loss, grads

    def _errors(self, A, delta):
        """Yield (l, Δ_l) for l = L down to 1, from the output error Δ_L by the recursion.

        act'(Z_{l-1}) comes from A_{l-1} alone (every activation's prime_from_output reads h).
        """
        p, prime = self._params, self.activation.prime_from_output
        for l in range(self.depth, 0, -1):
            yield l, delta
            if l > 1:
                W = p[self._layers[l - 1][0]]  # with one output column, W^T is a row
                delta = delta * W.T if W.shape[1] == 1 else delta @ W.T  # (n, d_l) @ (d_l, d_{l-1})
                delta *= prime(None, A[l - 1])  # Δ_{l-1}: (n, d_{l-1})          eq-deep-recursion

    def __repr__(self) -> str:
        extra = ""
        if self.output != "linear" or self.loss_name != "mse":
            extra += f", output={self.output!r}, loss={self.loss_name!r}"
        if self._decay:
            extra += f", weight_decay={self._decay:g}"
        return (
            f"DeepNetwork(sizes={self.sizes}, activation={self.activation.name!r}, "
            f"init={self.init!r}{extra})"
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


# Chapter 9's gradient norms live in gradnorms.py; the Trainer imports them from here.
from .gradnorms import layer_grad_norms, layer_sizes, start_grad_norms  # noqa: E402, F401
