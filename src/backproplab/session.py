"""A headless training session: data, network, optimizer, history and one tick of training.

The live Trainer (``trainer.py``) shows a session; the session itself has no widgets, so
everything it does can be tested without a kernel. ``Session.advance`` is "what happens on
one tick" of the Play button, for every task: train a chunk of epochs, stop in words if the
run diverged, record each layer's gradient norm. A task (the 1-D fit here, the plane in
``plane.py``) says what its data and network are.
"""

from __future__ import annotations

import warnings
from collections import deque

import numpy as np

from . import experiment as ex
from .data import bump_data
from .deep import DeepNetwork
from .network import Network
from .plotting import LOSS_CAP
from .training import History, TrainingDiverged, make_optimizer, train

#: Within this factor of the noise floor, the fit is as good as the noise allows.
FLOOR_FACTOR = 1.2
#: Size of the held-out validation set, drawn from the same bump with its own seed.
N_VAL = 200
#: The validation set's random stream; the training data's is data.DATA_STREAM.
VAL_STREAM = 2
#: A training or validation loss above this counts as divergence (the data lie within ±1,
#: so an untrained network's loss is of order 1; the loss plots cap at the same value).
LOSS_BOUND = LOSS_CAP


class Session:
    """What every task shares: the optimizer, the history, the tick and divergence in words.

    A subclass sets its settings as attributes, then defines ``_make_data`` (sets
    ``self.data`` and ``self.val``) and ``_new_network(seed)``.
    """

    lr: float
    optimizer: str
    seed: int
    batch_size: int | None

    def reset(self) -> None:
        """Start afresh from the settings: new data, network, optimizer and history."""
        self._make_data()
        self.net = self._new_network(self.seed)
        self.initial_params = _copy(self.net.params)
        self.optimizer_state = make_optimizer(self.optimizer, self.lr)
        self.history = History()
        self.rng = np.random.default_rng(self.seed)  # the order of the mini-batches
        self.message = ""
        self.norm_history = [(0, self.layer_norms(self.net))]  # (epoch, ||dL/dW_l|| per layer)
        self._started()

    def _started(self) -> None:
        """A task's own bookkeeping after a reset."""

    def _ticked(self) -> None:
        """A task's own bookkeeping after a tick."""

    def set_lr(self, lr: float) -> None:
        """A new learning rate; the run and the optimizer's state (Adam's moments) go on."""
        self.lr = self.optimizer_state.lr = lr
        self.message = ""

    @property
    def reached(self) -> bool:
        """True once the task's target is reached (play stops there); the 1-D fit has none."""
        return False

    # -- one tick ------------------------------------------------------------------------
    def advance(self, epochs: int) -> bool:
        """One tick: train `epochs` epochs, note divergence, record the gradient norms.

        Returns True if the run diverged on this tick (the player then stops).
        """
        before = self.history.epochs
        message = self.train(self.net, self.optimizer_state, self.history, epochs)
        if message:
            self.message = message
        elif self.history.epochs > before:
            self.message = ""
        self._ticked()
        if self.history.epochs > self.norm_history[-1][0]:
            self.norm_history.append((self.history.epochs, self.layer_norms(self.net)))
        return bool(message)

    def train(self, net, optimizer, history, epochs: int) -> str:
        """Train in place; if the run diverged, say so in words (never as nan or inf).

        train() stops when the training loss stops being finite. The status line must not
        show a loss that has blown up either, so an epoch whose training or validation loss
        is non-finite or above LOSS_BOUND also ends the run: it is taken out of the history
        and the parameters go back two epochs, as train() does, so that a lower learning
        rate can go on from there.
        """
        if epochs <= 0:
            return ""
        history.diverged, history.message = False, ""
        recent = deque([_copy(net.params)], maxlen=3)  # the parameters after recent epochs
        blown = []

        def watch(epoch, net, hist):
            which = _blown_up(hist)
            if which:
                blown.append((epoch, which))
                return False  # stop training
            recent.append(_copy(net.params))
            return True

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrainingDiverged)  # said in the status line instead
            train(
                net, self.data.x, self.data.y, lr=self.lr, epochs=epochs,
                optimizer=optimizer, batch_size=self.batch_size, val=self.val,
                seed=self.rng, history=history, callback=watch,
            )  # fmt: skip
        if blown:
            epoch, which = blown[0]
            del history.loss[epoch - 1 :], history.val_loss[epoch - 1 :]
            for name, value in recent[0].items():
                net.params[name][...] = value
            history.diverged = True
        elif history.diverged:  # train() stopped it: the training loss stopped being finite
            epoch, which = history.epochs + 1, "training loss overflowed"
        else:
            return ""
        return (
            f"diverged at epoch {epoch}: the {which} with lr = {self.lr:.3g} "
            f"({optimizer.name}) — training stopped; try a smaller learning rate"
        )

    def fresh_run(self, epochs: int, snapshots: int = 0, net=None):
        """Train a copy of the starting network (or `net`) for `epochs` epochs, in isolation.

        This run and its random stream are left alone. Returns (net, history, message,
        norms): norms holds (epoch, gradient norms) at about `snapshots` points along the
        way (the static picture's panel), if asked.
        """
        if net is None:
            net = self._new_network(self.seed)
            net.params = _copy(self.initial_params)
        optimizer = make_optimizer(self.optimizer, self.lr)
        keep_rng, self.rng = self.rng, np.random.default_rng(self.seed)
        hist, message, norms = History(), "", [(0, self.layer_norms(net))]
        try:
            chunk = max(1, epochs // snapshots) if snapshots else epochs
            while hist.epochs < epochs and not message:
                message = self.train(net, optimizer, hist, min(chunk, epochs - hist.epochs))
                norms.append((hist.epochs, self.layer_norms(net)))
                if hist.diverged:
                    break
        finally:
            self.rng = keep_rng
        return net, hist, message, norms

    def layer_norms(self, net) -> np.ndarray:
        """||dL/dW_l|| for every layer of `net` on the training data (w1, w2 for a Network)."""
        with np.errstate(all="ignore"):
            grads = net._loss_and_grads(self.data.x, self.data.y)[1]
        return grad_norms(grads)


class FitSession(Session):
    """The 1-D task: fit the bump (chapters 7-9) with one hidden layer, or up to three."""

    def __init__(
        self, lr=ex.LR, hidden=ex.HIDDEN, activation=ex.ACTIVATION, optimizer="gd", n=ex.N,
        noise=ex.NOISE, seed=ex.SEED, layers=1, init=ex.INIT, batch_size=None,
    ):  # fmt: skip
        self.lr, self.hidden, self.activation, self.optimizer = lr, hidden, activation, optimizer
        self.n, self.noise, self.seed, self.layers = n, noise, seed, layers
        self.init, self.batch_size = init, batch_size

    def _make_data(self) -> None:
        self.data = bump_data(self.n, self.noise, self.seed)
        # validation data: the same bump, a seed of its own, so it never overlaps the training
        self.val = bump_data(N_VAL, self.noise, np.random.default_rng([self.seed, VAL_STREAM]))

    def _new_network(self, seed):
        """Network for one hidden layer, DeepNetwork (chapter 9) for more, same settings."""
        if self.layers == 1:
            return Network(self.hidden, self.activation, seed, self.init)
        sizes = (1,) + (self.hidden,) * self.layers + (1,)
        return DeepNetwork(sizes, self.activation, seed, self.init)

    def _started(self) -> None:
        self.floor_epoch = None

    def _ticked(self) -> None:
        if self.floor_epoch is None and self.floor > 0:
            self.floor_epoch = self.history.epochs_to(FLOOR_FACTOR * self.floor)

    @property
    def floor(self) -> float:
        """The noise floor of the current data: noise variance σ²."""
        return self.noise**2

    def status_text(self, history: History | None = None) -> str:
        """The status line as plain text: epoch, losses, and what went wrong if anything."""
        hist = self.history if history is None else history
        parts = [f"epoch {hist.epochs}"]
        if hist.loss:
            loss = hist.loss[-1]
            parts.append(f"training loss {number(loss)}")
            if self.floor > 0:
                parts[-1] += f" ({number(loss / self.floor, '.3g')}× noise floor)"
        if hist.val_loss:
            parts.append(f"validation loss {number(hist.val_loss[-1])}")
        if history is None and self.floor_epoch is not None:
            parts.append(f"within {FLOOR_FACTOR}× the floor since epoch {self.floor_epoch}")
        return " · ".join(parts)


def grad_norms(grads: dict) -> np.ndarray:
    """||dL/dW_l|| (Frobenius) for l = 1..L, from a gradient dict (w1, w2 for a Network)."""
    if "w1" in grads:
        return np.array([np.linalg.norm(grads["w1"]), np.linalg.norm(grads["w2"])])
    depth = sum(1 for name in grads if name.startswith("W"))
    return np.array([np.linalg.norm(grads[f"W{k}"]) for k in range(1, depth + 1)])


def _copy(params: dict) -> dict:
    return {name: p.copy() for name, p in params.items()}


def _blown_up(hist: History) -> str:
    """What blew up in the last epoch of `hist`, in words, or '' if nothing did."""
    for name, values in (("training", hist.loss), ("validation", hist.val_loss)):
        if values and not np.isfinite(values[-1]):
            return f"{name} loss overflowed"
        if values and values[-1] > LOSS_BOUND:
            return f"{name} loss grew past {LOSS_BOUND:.0e}"
    return ""


def number(value: float, spec: str = ".4g") -> str:
    """A number for the status line; a value that is not finite never shows as nan or inf."""
    return format(value, spec) if np.isfinite(value) else "too large to show"
