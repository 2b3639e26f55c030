"""The 2-D task behind the playground: classify points on the plane (chapter 11), headless.

A ``PlaneSession`` holds the points (one of bp.data's sets, or the student's own), the
train/test split, the chosen input features, a ``DeepNetwork`` classifier, and the run.
Its tick is ``Session.advance``, the same as the 1-D fit's; after it the session measures
the accuracy on both sets and whether the target accuracy was reached.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from . import data as datasets
from . import experiment as ex
from .activations import ACTIVATIONS
from .deep import DeepNetwork
from .metrics import confusion_matrix
from .session import Session, number
from .training import OPTIMIZERS

#: The data sets a student can pick; "own" is the student's data=(X, y).
DATASETS = ("circles", "xor", "gaussians", "spiral", "moons")
#: Input features, each a function of the point (x1, x2), in the order the network sees them.
FEATURES = {
    "x1": lambda p: p[:, 0],
    "x2": lambda p: p[:, 1],
    "x1^2": lambda p: p[:, 0] ** 2,
    "x2^2": lambda p: p[:, 1] ** 2,
    "x1*x2": lambda p: p[:, 0] * p[:, 1],
    "sin x1": lambda p: np.sin(p[:, 0]),
    "sin x2": lambda p: np.sin(p[:, 1]),
}
#: The losses: cross-entropy (sigmoid or softmax output) or squared, for comparison.
LOSSES = ("cross-entropy", "squared")
#: Hidden layers and units per layer the controls offer (Playground's 6 x 8, and more).
MAX_LAYERS, MAX_UNITS = 8, 16
#: The plane's grid: GRID_N x GRID_N points for the probability map.
GRID_N = 64
#: The random stream of the train/test split (the data's own seed draws the points).
SPLIT_STREAM = 3

#: Playground's defaults, except the learning rate and optimizer: circles at 95% quickly.
PRESET = dict(
    dataset="circles", test_ratio=0.5, batch_size=10, features=("x1", "x2"),
    layers=1, hidden=8, activation="tanh", optimizer="adam", lr=0.03,
)  # fmt: skip
#: Every setting and its default: what ``settings`` leaves out when it is the default.
DEFAULTS = dict(
    dataset="circles", data=None, n=200, noise=None, classes=3, test_ratio=0.5,
    batch_size=10, features=("x1", "x2"), layers=1, hidden=4, activation="tanh",
    lr=0.03, optimizer="gd", l2=0.0, loss="cross-entropy", seed=0, init="xavier", target=None,
)  # fmt: skip


class Points:
    """One part of the data, as train() takes it: iterates as (features, targets)."""

    def __init__(self, points, labels, x, y):
        self.points, self.labels, self.x, self.y = points, labels, x, y  # (n, 2), (n,), (n, d)

    def __iter__(self):
        return iter((self.x, self.y))

    def __len__(self) -> int:
        return len(self.labels)


class PlaneSession(Session):
    """Classify 2-D points with a DeepNetwork; every setting is a keyword (see DEFAULTS).

    dataset: one of DATASETS (n, noise: None for the set's own, classes for the spiral, seed);
    data: the student's own (X, y) instead, X of shape (n, 2), y integer labels 0..K-1;
    test_ratio: the share held out for testing (stratified); features: names from FEATURES;
    layers x hidden: the hidden layers (0 is a linear classifier); l2: weight decay lambda;
    loss: 'cross-entropy' or 'squared'; target: stop at this test accuracy (None: never).
    """

    def __init__(self, **settings):
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown setting(s) {sorted(unknown)}; allowed: {sorted(DEFAULTS)}")
        s = DEFAULTS | settings
        self.data_given = s["data"] is not None
        if self.data_given:
            self.own_points, self.own_labels = _own_data(s["data"])
        self.dataset = (
            "own" if self.data_given else _validate.choice("dataset", s["dataset"], DATASETS)
        )
        self.n = _validate.integer("n", s["n"], minimum=4)
        noise = default_noise(self.dataset) if s["noise"] is None else s["noise"]
        self.noise = _validate.positive("noise", noise, allow_zero=True)
        self.classes = _validate.integer("classes", s["classes"], minimum=2)
        self.test_ratio = _ratio(s["test_ratio"])
        self.batch_size = s["batch_size"]
        if self.batch_size is not None:
            self.batch_size = _validate.integer("batch_size", self.batch_size, minimum=1)
        self.features = _features(s["features"])
        self.layers = _validate.integer("layers", s["layers"], minimum=0)
        self.hidden = _validate.integer("hidden", s["hidden"], minimum=1)
        if self.layers > MAX_LAYERS or self.hidden > MAX_UNITS:
            raise ValueError(
                f"layers must be 0 to {MAX_LAYERS} and hidden 1 to {MAX_UNITS}, "
                f"got layers={self.layers}, hidden={self.hidden}"
            )
        self.activation = _validate.choice("activation", s["activation"], tuple(ACTIVATIONS))
        self.lr = _validate.positive("lr", s["lr"])
        self.optimizer = _validate.choice("optimizer", s["optimizer"], OPTIMIZERS)
        self.l2 = _validate.positive("l2", s["l2"], allow_zero=True)
        self.loss = _validate.choice("loss", s["loss"], LOSSES)
        self.seed = _validate.integer("seed", s["seed"], minimum=0)
        self.init = s["init"]
        self.target = None if s["target"] is None else _ratio(s["target"], "target", low=0.0)

    # -- data and network ----------------------------------------------------------------
    def _make_data(self) -> None:
        if self.data_given:
            points, labels = self.own_points, self.own_labels
        else:
            make = getattr(datasets, self.dataset)
            extra = {"classes": self.classes} if self.dataset == "spiral" else {}
            made = make(n=self.n, noise=self.noise, seed=self.seed, **extra)
            points, labels = np.asarray(made.x, dtype=np.float64), np.asarray(made.y)
        self.K = max(int(labels.max()) + 1, 2)
        test = _stratified(
            labels, self.test_ratio, np.random.default_rng([self.seed, SPLIT_STREAM])
        )
        self.data = self._part(points[~test], labels[~test])
        self.val = self._part(points[test], labels[test])  # the test set: train() reports its loss
        # the plane shown: a square around every point, with a margin
        r = 1.1 * float(np.abs(points).max()) or 1.0
        self.extent = (-r, r, -r, r)
        axis = np.linspace(-r, r, GRID_N)
        g1, g2 = np.meshgrid(axis, axis)  # row i is x2 = axis[i] (the picture's origin: lower)
        self.grid = np.column_stack([g1.ravel(), g2.ravel()])  # (GRID_N^2, 2)
        self.grid_x = self.featurize(self.grid)

    def featurize(self, points) -> np.ndarray:
        """The chosen features of each point, (n, d): the network's input."""
        return np.column_stack([FEATURES[name](points) for name in self.features])

    def _part(self, points, labels) -> Points:
        y = labels
        if self.K > 2 and self.loss == "squared":  # a linear output learns one-hot targets
            y = np.eye(self.K)[labels]
        return Points(points, labels, self.featurize(points), y)

    def _new_network(self, seed):
        m = 1 if self.K == 2 else self.K
        sizes = (len(self.features),) + (self.hidden,) * self.layers + (m,)
        if self.K == 2:
            output, loss = "sigmoid", ("bce" if self.loss == "cross-entropy" else "mse")
        else:
            output, loss = ("softmax", "ce") if self.loss == "cross-entropy" else ("linear", "mse")
        return DeepNetwork(sizes, self.activation, seed, self.init, output, loss, self.l2)

    def layer_norms(self, net) -> np.ndarray:
        with np.errstate(all="ignore"):
            _, grads = net.loss_and_grads(self.data.x, self.data.y)
        return np.array([np.linalg.norm(grads[f"W{k}"]) for k in range(1, net.depth + 1)])

    # -- what the network says ----------------------------------------------------------
    def probabilities(self, x, net=None) -> np.ndarray:
        """P(class k | point) for features x (n, d): (n, K) rows summing to 1."""
        net = self.net if net is None else net
        with np.errstate(all="ignore"):
            out = net._forward(x)[2]
            if net.output == "sigmoid":
                p = np.column_stack([1.0 - out, out])
            elif net.output == "softmax":
                p = out
            else:  # squared loss on one-hot targets: the outputs, clipped and rescaled
                p = np.clip(out, 0.0, 1.0) + 1e-12
                p = p / p.sum(axis=1, keepdims=True)
        return np.where(np.isfinite(p), p, 1.0 / self.K)

    def predict(self, points) -> np.ndarray:
        """The predicted class of each point (n, 2): (n,) ints."""
        return self.probabilities(self.featurize(np.asarray(points, dtype=np.float64))).argmax(1)

    def accuracy(self, part=None, net=None) -> float:
        part = self.val if part is None else part
        return float(np.mean(self.probabilities(part.x, net).argmax(1) == part.labels))

    def confusion(self, part=None) -> np.ndarray:
        """(K, K) counts on the test set: rows the true class, columns the predicted one."""
        part = self.val if part is None else part
        return confusion_matrix(part.labels, self.probabilities(part.x).argmax(1), self.K)

    def unit_outputs(self, x) -> list:
        """Each hidden layer's outputs for features x: a list of (n, d_l) arrays."""
        with np.errstate(all="ignore"):
            _, A, _ = self.net._forward(x)
        return A[1:-1]

    # -- the run ------------------------------------------------------------------------
    def _started(self) -> None:
        self.target_epoch = None
        self.accuracies = [(0, self.accuracy(self.data), self.accuracy())]

    def _ticked(self) -> None:
        epoch = self.history.epochs
        if epoch > self.accuracies[-1][0]:
            self.accuracies.append((epoch, self.accuracy(self.data), self.accuracy()))
        if (
            self.target is not None
            and self.target_epoch is None
            and self.accuracies[-1][2] >= self.target
        ):
            self.target_epoch = epoch

    @property
    def reached(self) -> bool:
        """True once the test accuracy reached the target (play stops there)."""
        return self.target_epoch is not None

    def status_text(self, history=None, accuracies=None) -> str:
        """Epoch, both losses, both accuracies: plain words and numbers, never nan or inf."""
        hist = self.history if history is None else history
        train_acc, test_acc = (accuracies or self.accuracies[-1])[1:]
        parts = [f"epoch {hist.epochs}"]
        if hist.loss:
            parts.append(f"training loss {number(hist.loss[-1])}")
        if hist.val_loss:
            parts.append(f"test loss {number(hist.val_loss[-1])}")
        parts.append(f"training accuracy {100 * train_acc:.1f}%")
        parts.append(f"test accuracy {100 * test_acc:.1f}%")
        if history is None and self.target_epoch is not None:
            parts.append(
                f"reached {100 * self.target:g}% test accuracy at epoch {self.target_epoch}"
            )
        return " · ".join(parts)

    # -- the trained network, saved and loaded ------------------------------------------
    def save(self, path) -> None:
        """Save the network's parameters to `path` (.npz), one array per name."""
        np.savez(path, **self.net.params)

    def load(self, path) -> None:
        """Load parameters saved by ``save`` into the network; they must fit its sizes."""
        with np.load(path) as saved:
            params = {name: saved[name] for name in saved.files}
        try:
            self.net.params = params
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"the parameters in {path} do not fit this network {self.net.sizes}: {err}"
            ) from None
        self.message = ""


def default_noise(dataset: str) -> float:
    """A data set's own noise (bp.experiment's), 0 for the student's own points."""
    return getattr(ex, f"{dataset.upper()}_NOISE", 0.0)


def _own_data(data):
    """The student's (X, y): X (n, 2) finite numbers, y integer labels 0..K-1, K >= 2."""
    try:
        X, y = data
    except (TypeError, ValueError):
        raise TypeError("data must be a pair (X, y): X of shape (n, 2), y of n labels") from None
    X = _validate.as_inputs("data's X", X, 2)
    y = np.asarray(y)
    if y.shape != (len(X),) or not (np.issubdtype(y.dtype, np.integer) or y.dtype == bool):
        raise ValueError(
            f"data's y must be {len(X)} integer labels 0, 1, ..., got {y.dtype} {y.shape}"
        )
    y = y.astype(np.int64)
    if y.min() < 0 or len(np.unique(y)) < 2:
        raise ValueError("data's y must hold labels 0, 1, ... with at least two classes")
    return X, y


def _features(names) -> tuple:
    if isinstance(names, str):
        names = (names,)
    names = [_validate.choice("features", name, tuple(FEATURES)) for name in names]
    if not names:
        raise ValueError(f"features needs at least one of {list(FEATURES)}")
    return tuple(name for name in FEATURES if name in names)  # the network's order


def _ratio(value, name: str = "test_ratio", low: float = 0.0) -> float:
    value = _validate.positive(name, value)
    if not low < value <= 1.0 or (name == "test_ratio" and value >= 1.0):
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
    return value


def _stratified(labels, ratio: float, rng) -> np.ndarray:
    """A test mask holding about `ratio` of each class, one point of each class at least,
    and leaving one of each for training."""
    test = np.zeros(len(labels), dtype=bool)
    for k in np.unique(labels):
        where = rng.permutation(np.flatnonzero(labels == k))
        take = min(max(round(ratio * where.size), 1), where.size - 1)
        test[where[:take]] = True
    return test


def trained(epochs: int, **settings) -> PlaneSession:
    """A session with `settings`, trained headless for `epochs` epochs (pages measure with it)."""
    session = PlaneSession(**settings)
    session.reset()
    session.advance(_validate.integer("epochs", epochs, minimum=0))
    return session
