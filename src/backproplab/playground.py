"""The playground: the Trainer on the plane, everything TensorFlow Playground does and more.

``bp.Trainer(dataset="circles")`` (or ``Playground(...)`` itself, or ``data=(X, y)`` for the
student's own points) trains a classifier live: the decision regions as a shaded
probability map, the training and test points, the losses, accuracy, every hidden unit's
output over the plane, each layer's gradient norm and a confusion matrix on request. The
headless part is ``plane.PlaneSession``; ``settings`` gives back a small dict from which
``bp.Trainer(**settings)`` rebuilds the same playground, run for run.
"""

from __future__ import annotations

import base64
import html

from . import _validate
from . import controls as ui
from .fit_view import stack
from .plane import DEFAULTS, PlaneSession, default_noise
from .plane_view import PlaneView, confusion_table
from .trainer import NORM_SNAPSHOTS, _chosen

#: Controls a lesson can show or hide with ``controls=``; play, step and reset always show.
CONTROLS = (
    "dataset", "noise", "n", "classes", "test_ratio", "batch_size", "features", "layers",
    "hidden", "activation", "lr", "optimizer", "l2", "loss", "target", "discretize",
    "show_test", "show_units", "show_grad_norms", "show_confusion", "epochs_per_frame",
    "epochs", "seed",
)  # fmt: skip
# Settings that change the data or the network: changing one starts afresh.
_RESET_ON = (
    "dataset", "noise", "n", "classes", "test_ratio", "features", "layers", "hidden",
    "activation", "optimizer", "loss", "seed",
)  # fmt: skip
#: The picture switches and their defaults, then the player's.
VIEW_DEFAULTS = dict(
    discretize=False, show_test=False, show_units=True, show_grad_norms=False,
    show_confusion=False, epochs_per_frame=5, epochs=2000, interval=100, controls=None,
)  # fmt: skip


class Playground(ui.PlayLoop):
    """Classify points on the plane live; settings as in ``plane.DEFAULTS`` and ``VIEW_DEFAULTS``.

    epochs_per_frame: epochs per animation frame; epochs: where play stops; discretize:
    show the predicted class instead of its probability; show_test, show_units,
    show_grad_norms, show_confusion: what the pictures include; controls: the names from
    ``CONTROLS`` to show (None: all).
    """

    def __init__(self, **settings):
        view = {k: settings.pop(k) for k in list(settings) if k in VIEW_DEFAULTS}
        self.session = PlaneSession(**settings)
        v = VIEW_DEFAULTS | view
        epf = _validate.integer("epochs_per_frame", v["epochs_per_frame"], minimum=1)
        epochs = _validate.integer("epochs", v["epochs"], minimum=1)
        interval = _validate.integer("interval", v["interval"], minimum=10)
        shown = {}
        for name in ("discretize", "show_test", "show_units", "show_grad_norms", "show_confusion"):
            if not isinstance(v[name], bool):
                raise TypeError(f"{name} must be True or False, got {v[name]!r}")
            shown[name] = v[name]
        self._controls = _chosen(v["controls"], CONTROLS)
        self._interval = interval
        self.view = PlaneView()
        self.__dict__.update(ui.player(interval))
        self.__dict__.update(ui.plane_controls(self.session, epf, epochs, shown))
        if self.session.data_given:  # the student's own points: no data-making controls
            self._controls = [
                c for c in self._controls if c not in ("dataset", "noise", "n", "classes")
            ]
        picked = [self.control(c) for c in CONTROLS if c in self._controls and c != "features"]
        below = [self.confusion_html, self.image, self.units_image, self.norms_image]
        if "features" in self._controls:  # a row of its own, under the settings grid
            below.insert(0, self.features)
        self.widget = ui.layout(vars(self), picked, below, "bp-playground")
        self.reset()
        for name in _RESET_ON:
            if name != "features":
                self.control(name).observe(lambda _: self.reset(), names="value")
        for box in self.feature_boxes:
            box.observe(self._on_feature, names="value")
        self.lr.observe(
            lambda c: (self.session.set_lr(c["new"]), self._show_status()), names="value"
        )
        self.l2.observe(self._on_l2, names="value")
        self.batch_size.observe(self._on_batch, names="value")
        self.target.observe(self._on_target, names="value")
        for name in ("discretize", "show_test", "show_units", "show_grad_norms", "show_confusion"):
            getattr(self, name).observe(lambda _: self.redraw(), names="value")
        self.epochs.observe(lambda _: self._show_status(), names="value")
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())

    # The session's state (net, history, data, ...) is the playground's.
    def __getattr__(self, name):
        session = self.__dict__.get("session")
        if session is not None and hasattr(session, name):
            return getattr(session, name)
        raise AttributeError(f"Playground has no attribute {name!r}")

    def control(self, name: str):
        """The widget for a setting, by its constructor name (e.g. 'lr', 'features')."""
        return getattr(self, _validate.choice("name", name, CONTROLS))

    @property
    def settings(self) -> dict:
        """This playground's settings, those that differ from the defaults (and the data):
        ``bp.Trainer(**settings)`` rebuilds it, with the same seed and the same run."""
        s = self.session
        now = {name: getattr(s, name) for name in DEFAULTS if name not in ("data", "dataset")}
        now["target"] = s.target
        now |= {
            name: getattr(self, name).value
            for name in VIEW_DEFAULTS
            if name not in ("interval", "controls")
        }
        now["interval"] = self._interval
        now["controls"] = None if list(self._controls) == list(CONTROLS) else list(self._controls)
        out = (
            {"data": (s.own_points.tolist(), s.own_labels.tolist())}
            if s.data_given
            else {"dataset": s.dataset}
        )
        defaults = DEFAULTS | VIEW_DEFAULTS | {"noise": default_noise(s.dataset)}
        out |= {k: v for k, v in now.items() if v != defaults[k]}
        if "features" in out:
            out["features"] = list(out["features"])
        return out

    def save(self, path) -> None:
        """Save the trained network's parameters to `path` (np.savez)."""
        self.session.save(path)

    def load(self, path) -> None:
        """Load parameters saved by ``save`` into the network, and redraw."""
        self.session.load(path)
        self.redraw()

    # -- what the buttons and the timer call ---------------------------------------------
    def reset(self) -> None:
        """Start afresh from the current settings: new data, network and history. Play goes
        on as it was: a setting changed just before play can reach the kernel after it."""
        s = self.session
        if not s.data_given:
            s.dataset, s.n, s.classes = self.dataset.value, self.n.value, self.classes.value
            s.noise = self.noise.value
        s.test_ratio, s.layers, s.hidden = (
            self.test_ratio.value,
            self.layers.value,
            self.hidden.value,
        )
        s.activation, s.optimizer, s.loss = (
            self.activation.value,
            self.optimizer.value,
            self.loss.value,
        )
        s.seed, s.lr, s.l2 = self.seed.value, self.lr.value, self.l2.value
        s.features = tuple(box.description for box in self.feature_boxes if box.value)
        s.reset()
        self.play.value = 0
        self.view.reset(s, self.epochs.value, self.show_test.value)
        self.redraw()

    def _on_feature(self, change) -> None:
        if not any(box.value for box in self.feature_boxes):  # the network needs an input
            change["owner"].value = True
            self.session.message = "the network needs at least one input feature"
            self._show_status()
            return
        self.reset()

    def _on_l2(self, change) -> None:
        self.session.l2 = self.net.weight_decay = change["new"]
        self._show_status()

    def _on_batch(self, change) -> None:
        self.session.batch_size = change["new"] or None

    def _on_target(self, change) -> None:
        s = self.session
        s.target, s.target_epoch = (change["new"] or None), None
        s._ticked()
        self._show_status()

    # -- drawing -------------------------------------------------------------------------
    def redraw(self) -> None:
        """Redraw the map, the losses, the thumbnails and the panels asked for; the status."""
        self.image.value = self.view.render(
            self.history, "", self.discretize.value, self.show_test.value
        )
        units = self.show_units.value and self.session.layers > 0
        self.units_image.layout.display = None if units else "none"
        if units:
            self.units_image.value = self.view.units_png()
        self.norms_image.layout.display = None if self.show_grad_norms.value else "none"
        if self.show_grad_norms.value:
            self.norms_image.value = self.view.render_norms(self.norm_history)
        self.confusion_html.layout.display = None if self.show_confusion.value else "none"
        if self.show_confusion.value:
            self.confusion_html.value = confusion_table(self.session.confusion())
        self._show_status()

    def status_text(self) -> str:
        return self.session.status_text()

    # -- display: the widget in a live kernel, a picture on the static website ------------
    def static_png(self) -> bytes:
        """The picture for a page without a kernel: the map and losses after a training run,
        with the hidden units' maps below (a copy trains if this playground has not)."""
        return self._static()[0]

    def _static(self) -> tuple[bytes, str]:
        """The static picture, and its alt text: what it shows, in words."""
        s = self.session
        net, hist, message, norms = s.net, s.history, s.message, s.norm_history
        if not hist.epochs:
            net, hist, message, norms = s.fresh_run(self.epochs.value, NORM_SNAPSHOTS)
        layers = f"{s.layers} hidden layer{'s' * (s.layers > 1)} of {s.hidden} {s.activation} units"
        what = (
            f"{s.dataset} ({s.K} classes), features {', '.join(s.features)}; "
            f"{layers if s.layers else 'no hidden layer'}; after {hist.epochs} epochs: "
            f"test accuracy {100 * s.accuracy(s.val, net):.1f}%"
        )
        png = self.view.render(
            hist, what + (f"\n{message}" if message else ""), self.discretize.value,
            self.show_test.value, net=net,
        )  # fmt: skip
        alt = (
            "Left: the plane shaded by the class the network predicts, each class its own "
            "colour and marker shape, with the training points; right: the training and test "
            f"loss against the epoch. {what}."
        )
        if self.show_units.value and s.layers:
            keep, s.net = s.net, net
            try:
                png = stack(png, self.view.units_png())
            finally:
                s.net = keep
            alt += " Below, one small map per hidden unit of its output over the plane."
        if self.show_grad_norms.value:
            png = stack(png, self.view.render_norms(norms))
            alt += " Last, each layer's gradient norm against the epoch, on a log scale."
        return png, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        picture, alt = self._static()
        png = base64.b64encode(picture).decode("ascii")
        bundle["image/png"] = png
        bundle["text/html"] = (
            f'<img class="bp-playground-picture" src="data:image/png;base64,{png}" '
            f'alt="{html.escape(alt)}" style="max-width:100%">'
        )
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"Playground({self.settings}; {self.status_text()})"
