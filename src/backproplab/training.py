"""Training: optimizers that apply gradients, and the loop that computes them (chapters 7-8)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import _validate
from .flat import flat, flat_views

OPTIMIZERS = ("gd", "momentum", "adam")


class TrainingDiverged(UserWarning):
    """The loss stopped being finite; the message says what to change."""


class GD:
    """Plain gradient descent, {eq}`eq-gd-step`: theta <- theta - lr * g.

    ``step(params, grads)`` updates the parameters in place. Underneath, ``_step`` works on
    one flat vector theta behind all of them (``flat.flat_views``), so a step costs a few
    numpy calls however many parameter arrays there are.
    """

    name = "gd"

    def __init__(self, lr: float):
        self.lr = lr

    def step(self, params: dict, grads: dict) -> None:
        """One step: every params[name] moves, in place, given grads[name]."""
        self._step(flat_views(params), flat(grads, params))

    def _step(self, theta: np.ndarray, g: np.ndarray) -> None:
        theta -= self.lr * g


class Momentum(GD):
    """Gradient descent with momentum, {eq}`eq-momentum`: v <- beta v + g; theta <- theta - lr v."""

    name = "momentum"

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = beta
        self.velocity = None  # v starts at 0, so the first step's v is g itself

    def _step(self, theta: np.ndarray, g: np.ndarray) -> None:
        if self.velocity is None or self.velocity.shape != g.shape:
            self.velocity = g.copy()
        else:
            self.velocity *= self.beta
            self.velocity += g
        theta -= self.lr * self.velocity


class Adam(GD):
    """Adam, {eq}`eq-adam`: a step scaled per parameter by running moments of the gradient."""

    name = "adam"

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0
        self.m = self.v = None

    def _step(self, theta: np.ndarray, g: np.ndarray) -> None:
        if self.m is None or self.m.shape != g.shape:
            self.m, self.v = np.zeros_like(g), np.zeros_like(g)
        self.t += 1
        c1, c2 = 1.0 - self.beta1**self.t, 1.0 - self.beta2**self.t
        m, v = self.m, self.v
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        # theta -= lr (m / c1) / (sqrt(v / c2) + eps), with its scalars gathered: fewer calls
        root_c2 = math.sqrt(c2)
        d = np.sqrt(v)
        d += self.eps * root_c2
        theta -= (self.lr * root_c2 / c1) * m / d


def make_optimizer(name: str, lr: float) -> GD:
    """A fresh optimizer by name: 'gd', 'momentum' or 'adam'."""
    lr = _validate.positive("lr", lr)
    kind = _validate.choice("optimizer", name, OPTIMIZERS)
    return {"gd": GD, "momentum": Momentum, "adam": Adam}[kind](lr)


@dataclass
class History:
    """What a training run recorded, one entry per epoch.

    ``loss[e]`` is the training loss measured during epoch e (full batch: before that
    epoch's step; mini-batches: the mean over its batches). ``val_loss[e]`` is measured
    on the validation set after epoch e.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    diverged: bool = False
    message: str = ""

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def epochs_to(self, target: float, which: str = "loss"):
        """The first epoch (1-based) whose loss is at or below `target`, or None."""
        values = np.asarray(getattr(self, which))
        hits = np.flatnonzero(values <= target)
        return int(hits[0]) + 1 if hits.size else None


def train(
    net,
    x,
    y,
    lr: float = 0.1,
    epochs: int = 1000,
    optimizer="gd",
    batch_size=None,
    val=None,
    callback=None,
    seed=0,
    history: History | None = None,
) -> History:
    """Train `net` in place and return its History.

    optimizer: 'gd', 'momentum', 'adam', or an optimizer object to continue with (its
    state carries over; `lr` replaces its learning rate). batch_size None means full batch.
    x, y: checked once, by the network's rules (d inputs; its output's targets); a classifier
    needs two classes in y. val: an optional (x_val, y_val) pair; History.val_loss is the
    network's own loss on it. callback(epoch, net, history) runs after every epoch;
    returning False (or numpy's False) stops training, None goes on.
    history: a History to append to.
    seed: int or numpy Generator, for the order of the mini-batches.
    """
    x, y = _validate.checked_data(net, x, y, fit=True)
    lr = _validate.positive("lr", lr)
    epochs = _validate.integer("epochs", epochs, minimum=0)
    if isinstance(optimizer, GD):
        optimizer.lr = lr
    else:
        optimizer = make_optimizer(optimizer, lr)
    if batch_size is not None:
        batch_size = _validate.integer("batch_size", batch_size, minimum=1)
    if val is not None:
        try:
            xv, yv = val
        except (TypeError, ValueError):
            raise TypeError("val must be an (x_val, y_val) pair or a Dataset") from None
        xv, yv = _validate.checked_data(net, xv, yv)
        val_loss = getattr(net, "_loss", None) or _mse(net)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {callback!r}")
    rng = _validate.seed(seed)
    hist = History() if history is None else history
    n = len(x)
    full = batch_size is None or batch_size >= n
    params = net.params
    theta = flat_views(params)  # every params[name] is a view into theta
    names = list(params)

    # Overflow is expected when a run diverges; we detect it ourselves and say so in words.
    good = theta.copy()
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            start = theta.copy()
            if full:
                loss, grads = net._loss_and_grads(x, y)
                optimizer._step(theta, flat(grads, names))
            else:
                order = rng.permutation(n)
                loss = 0.0
                for begin in range(0, n, batch_size):
                    idx = order[begin : begin + batch_size]
                    batch_loss, grads = net._loss_and_grads(x[idx], y[idx])
                    loss += batch_loss * idx.size / n
                    optimizer._step(theta, flat(grads, names))
            # A step that overflows a parameter shows up as a non-finite loss in the next
            # epoch; checking the scalar loss alone keeps the loop lean.
            if not np.isfinite(loss):
                _diverged(hist, theta, good, loss, lr, optimizer.name)
                break
            good = start
            hist.loss.append(float(loss))
            if val is not None:
                hist.val_loss.append(float(val_loss(xv, yv)))
            if callback is not None and _stops(callback(hist.epochs, net, hist)):
                break
        if not hist.diverged and not np.isfinite(theta).all():
            _diverged(hist, theta, good, np.inf, lr, optimizer.name)
    return hist


def _mse(net):
    """The mean squared error, for a network that has no ``_loss`` of its own."""

    def loss(x, y):
        r = net._forward(x)[2] - y
        return np.dot(r, r) / r.size

    return loss


def _stops(answer) -> bool:
    """A callback stops training by returning False (numpy's False too); None goes on."""
    return answer is not None and not answer


def _diverged(hist: History, theta, good, loss, lr: float, optimizer: str) -> None:
    """Mark the run diverged, restore the last finite parameters and say what to do."""
    theta[...] = good
    what = "nan" if np.isnan(loss) else "inf" if np.isinf(loss) else "non-finite in a parameter"
    hist.diverged = True
    hist.message = (
        f"loss became {what} at epoch {hist.epochs + 1} with lr={lr:g} ({optimizer}) "
        "— training stopped; try a smaller learning rate"
    )
    warnings.warn(hist.message, TrainingDiverged, stacklevel=3)
