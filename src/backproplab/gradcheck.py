"""Checking the hand-derived gradients against central differences (chapter 6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate

#: Relative-error bands, {eq}`eq-relative-error`: below FINE all is well, above WRONG a formula is.
FINE, WRONG = 1e-7, 1e-2


def numerical_grads(net, x, y, eps: float = 1e-6) -> dict:
    """dL/dtheta for every parameter entry by central differences, {eq}`eq-central-difference`."""
    x, y = _validate.checked_data(net, x, y)  # once, by the network's own rules
    eps = _validate.positive("eps", eps)
    grads = {}
    for name, p in net.params.items():  # the network's own names: w1 ... b2, or W1 ... bL
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            keep = p[i].copy()
            p[i] = keep + eps
            up = net.loss(x, y)
            p[i] = keep - eps
            down = net.loss(x, y)
            p[i] = keep  # restore exactly, so the check leaves the network as it found it
            g[i] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def relative_error(a, b) -> float:
    """|a - b| / (|a| + |b|) over a whole array (norms), 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def verdict(err: float) -> str:
    """The band an error falls in: 'fine', 'suspicious' or 'wrong'."""
    if not np.isfinite(err) or err > WRONG:
        return "wrong"
    return "fine" if err < FINE else "suspicious"


@dataclass
class GradCheck:
    """The relative error per parameter between analytic and numerical gradients."""

    errors: dict
    analytic: dict
    numerical: dict

    @property
    def ok(self) -> bool:
        return all(verdict(e) == "fine" for e in self.errors.values())

    def worst(self) -> str:
        """The parameter with the largest relative error."""
        return max(self.errors, key=lambda name: self.errors[name])

    def __str__(self) -> str:
        lines = [f"{'param':<6} {'relative error':>14}  verdict"]
        for name, err in self.errors.items():
            lines.append(f"{name:<6} {err:>14.2e}  {verdict(err)}")
        lines.append(f"bands: below {FINE:.0e} fine, above {WRONG:.0e} wrong, between suspicious")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def grad_check(net, x, y, eps: float = 1e-6) -> GradCheck:
    """Compare ``net.loss_and_grads`` with central differences, parameter by parameter."""
    _, analytic = net.loss_and_grads(x, y)
    numerical = numerical_grads(net, x, y, eps)
    errors = {name: relative_error(analytic[name], numerical[name]) for name in numerical}
    return GradCheck(errors, analytic, numerical)
