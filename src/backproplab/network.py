"""The course's network f(x) = w2 . act(w1 x + b1) + b2 and its hand-derived gradients."""

from __future__ import annotations

import numpy as np

from . import _validate
from . import experiment as ex
from .activations import get_activation
from .flat import flat_views

PARAM_NAMES = ("w1", "b1", "w2", "b2")
INITS = ("uniform", "xavier", "he")


def init_params(hidden: int, init: str = "uniform", seed=0) -> dict:
    """Starting parameters: the homework's U(-1, 1) for all, or a scaled alternative.

    'xavier' draws w1, w2 ~ U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) and zero biases;
    'he' draws w1 ~ N(0, 2), w2 ~ N(0, 2 / k) and zero biases.
    """
    k = _validate.integer("hidden", hidden, minimum=1)
    init = _validate.choice("init", init, INITS)
    rng = _validate.seed(seed)
    if init == "uniform":
        return {
            "w1": rng.uniform(-1.0, 1.0, k),
            "b1": rng.uniform(-1.0, 1.0, k),
            "w2": rng.uniform(-1.0, 1.0, k),
            "b2": np.array(rng.uniform(-1.0, 1.0)),
        }
    if init == "xavier":
        a = np.sqrt(6.0 / (1 + k))  # fan_in + fan_out is 1 + k for both layers
        w1, w2 = rng.uniform(-a, a, k), rng.uniform(-a, a, k)
    else:
        w1, w2 = rng.normal(0.0, np.sqrt(2.0), k), rng.normal(0.0, np.sqrt(2.0 / k), k)
    return {"w1": w1, "b1": np.zeros(k), "w2": w2, "b2": np.array(0.0)}


class Network:
    """One input, k hidden units, one output: f(x) = w2 . act(w1 x + b1) + b2.

    ``params`` is a dict of float64 arrays: w1, b1, w2 of shape (k,) and b2 of shape ().
    """

    def __init__(
        self, hidden: int = ex.HIDDEN, activation=ex.ACTIVATION, seed=ex.SEED, init: str = ex.INIT
    ):
        self.activation = get_activation(activation)
        self.init = init
        self._params = init_params(hidden, init, seed)
        flat_views(self._params)  # one buffer behind the four arrays: see flat.py

    # -- parameters -------------------------------------------------------------------
    @property
    def hidden(self) -> int:
        """k, the number of hidden units."""
        return self._params["w1"].size

    @property
    def params(self) -> dict:
        return self._params

    @params.setter
    def params(self, new: dict):
        if not isinstance(new, dict):
            raise TypeError(
                f"params must be a dict with keys {PARAM_NAMES}, got {type(new).__name__}"
            )
        missing = set(PARAM_NAMES) - set(new)
        extra = set(new) - set(PARAM_NAMES)
        if missing or extra:
            raise ValueError(
                f"params must have exactly the keys {PARAM_NAMES}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        k = np.size(new["w1"])
        checked = {}
        for name in PARAM_NAMES:
            arr = np.array(new[name], dtype=np.float64)
            want = () if name == "b2" else (k,)
            if arr.shape != want:
                raise ValueError(f"params[{name!r}] must have shape {want}, got {arr.shape}")
            checked[name] = arr
        flat_views(checked)
        self._params = checked

    def copy(self) -> Network:
        """An independent network with the same activation and a copy of the parameters."""
        twin = object.__new__(type(self))  # subclasses (the buggy network) stay themselves
        twin.activation, twin.init = self.activation, self.init
        twin._params = {name: p.copy() for name, p in self._params.items()}
        flat_views(twin._params)
        return twin

    # -- forward ----------------------------------------------------------------------
    def forward(self, x):
        """The forward pass over a batch, {eq}`eq-forward`: returns z, h (both (n, k)) and f (n,)."""
        x = _validate.as_1d("x", x)
        return self._forward(x)

    def _forward(self, x):
        p = self._params
        z = x[:, None] * p["w1"] + p["b1"]  # (n, 1) * (k,) + (k,) -> (n, k)
        h = self.activation.fn(z)  # (n, k)
        f = h @ p["w2"] + p["b2"]  # (n, k) @ (k,) -> (n,)
        return z, h, f

    def predict(self, x):
        """f(x) for every sample in x, {eq}`eq-model`."""
        return self.forward(x)[2]

    def contributions(self, x):
        """Each hidden unit's share w2_i act(w1_i x + b1_i), shape (n, k); f = their sum + b2."""
        _, h, _ = self.forward(x)
        return h * self._params["w2"]

    def loss(self, x, y) -> float:
        """Mean squared error, {eq}`eq-loss`."""
        return self._loss(*_validate.as_xy(x, y))

    def _check_xy(self, x, y, fit: bool = False):
        """x and y checked once, for bp.train and bp.numerical_grads (fit: unused here)."""
        return _validate.as_xy(x, y)

    def _loss(self, x, y) -> float:
        r = self._forward(x)[2] - y
        return float(np.dot(r, r) / r.size)

    # -- backward ---------------------------------------------------------------------
    def loss_and_grads(self, x, y):
        """The loss {eq}`eq-loss` and its gradient for each parameter, from the chapter 3 formulas."""
        x, y = _validate.as_xy(x, y)
        return self._loss_and_grads(x, y)

    def _loss_and_grads(self, x, y):
        p = self._params
        z, h, f = self._forward(x)
        r = f - y  # (n,) residuals
        loss = np.dot(r, r) / r.size
        dL_df = (2.0 / r.size) * r  # (n,)            eq-batch-dL-df
        dL_dw2 = dL_df @ h  # (n,) @ (n, k) -> (k,)   eq-batch-grad-w2
        dL_db2 = np.array(dL_df.sum())  # ()            eq-batch-grad-b2
        dL_dz = (
            dL_df[:, None] * p["w2"] * self.activation.prime_from_output(z, h)
        )  # (n, k) eq-batch-delta
        dL_dw1 = x @ dL_dz  # (n,) @ (n, k) -> (k,)   eq-batch-grad-w1
        dL_db1 = dL_dz.sum(axis=0)  # (k,)              eq-batch-grad-b1
        return loss, {"w1": dL_dw1, "b1": dL_db1, "w2": dL_dw2, "b2": dL_db2}

    def __repr__(self) -> str:
        return f"Network(hidden={self.hidden}, activation={self.activation.name!r}, init={self.init!r})"
