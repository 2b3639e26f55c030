"""Checkers for chapter 4: the derivatives of the activations."""

from __future__ import annotations

import numpy as np

from ..activations import relu_prime, sigmoid, sigmoid_prime, tanh_prime
from .machinery import (
    _call_watching,
    _checker,
    _compare,
    _require_function,
    _rng,
    _scaled,
    _student_names,
    _unchanged,
    _Wrong,
)
from .routes import warning_note, warning_route

_Z_SHAPES = ((7,), (1,), (50,), (3, 4))
#: Inputs where a naive formula overflows: np.exp(±z) is inf once |z| > 709.
_LARGE_Z = np.array([-1000.0, -800.0, -710.0, -100.0, -30.0, 0.0, 30.0, 100.0, 710.0, 800.0, 1e3])
_LARGE_TEXT = "large |z|: z from −1000 to 1000"


def _cases(rng):
    """(z, where) pairs: moderate arrays of several shapes, then the large-|z| ones."""
    out = [(rng.normal(0.0, 3.0, shape), f"z of shape {shape}") for shape in _Z_SHAPES]
    out.append((_LARGE_Z.copy(), _LARGE_TEXT))
    out.append(
        (rng.uniform(-1000.0, 1000.0, (40, 25)), f"{_LARGE_TEXT}, an array of shape (40, 25)")
    )
    return out


#: A way to the same values without a warning, for the note beside the ✓ or the diagnosis.
_TIPS = {
    "sigmoid_prime": "σ(z)(1 − σ(z)) with bp.sigmoid(z), which never overflows, gets there "
    "without it",
    "tanh_prime": "1 − tanh²(z) with np.tanh(z) gets there without it",
}
_FIXES = {
    "sigmoid_prime": "compute σ with bp.sigmoid(z), which never overflows, then σ(z)(1 − σ(z)); "
    "or write the exponentials with −|z|, which never overflow",
    "tanh_prime": "write 1 − tanh²(z) with np.tanh(z), which never overflows",
}


def _check_prime(fn, name, expected_fn, variant_fn, formula, seed):
    sig = f"{name}(z) -> array shaped like z"
    _require_function(fn, name, sig)
    names = _student_names(fn)
    rng = _rng(seed)
    cases = _cases(rng)
    warned_all = []
    for z, where in cases:
        arg = z.copy()
        out, warned = _call_watching(fn, (arg,), name, sig, where)
        _unchanged({"z": z}, {"z": arg}, where)
        _finite(name, out, z, expected_fn(z), warned, names, where)
        _compare(f"{name}(z)", out, expected_fn(z), where, variant_fn(z), formula)
        warned_all += warned
    shapes = ", ".join(str(s) for s in _Z_SHAPES)
    note = warning_note(warned_all, names, _TIPS[name])
    return f"{name} is right on {len(cases)} arrays (shapes {shapes}, and |z| up to 1000)." + (
        f" {note}" if note else ""
    )


def _finite(name, out, z, expected, warned, names, where):
    """Name the input at which the answer stopped being finite, and the route that led there."""
    try:
        arr = np.asarray(out, dtype=np.float64)
    except Exception:
        return  # _compare explains what is not numbers
    if arr.shape != z.shape:
        return
    bad = ~np.isfinite(arr)
    if bad.any():
        i = np.unravel_index(int(np.argmax(bad)), z.shape)
        route = warning_route(warned, names, _FIXES[name]) or (
            "diagnosis: NaN or inf with no overflow on the way — look for a division by "
            "zero, or a NaN or inf written into the result"
        )
        raise _Wrong(
            f"{name}(z) is {arr[i]} at z = {z[i]:g} ({where}); the derivative there is "
            f"{expected[i]:.3g}, a finite number",
            route,
        )


def _dot_variant(text, value, z):
    """`a @ b` where `a * b` belongs: only for 1-D z (on 2-D z it raises, and _call says so)."""
    return [(text, value())] if z.ndim == 1 else []


def _sigmoid_prime_variants(z):
    s, t = sigmoid(z), np.tanh(z)
    return _scaled(
        [
            ("", s * (1 - s)),
            ("this is σ(z) itself, not its derivative σ(z)(1 − σ(z))", s),
            (
                "applied the formula to z instead of σ(z): σ′(z) = σ(z)(1 − σ(z)), not z(1 − z)",
                z * (1 - z),
            ),
            ("this is 1 − σ(z); multiply it by σ(z)", 1 - s),
            ("this is σ(z)²; the derivative is σ(z)(1 − σ(z))", s * s),
            ("this is σ(z)(1 + σ(z)); the second factor is 1 − σ(z)", s * (1 + s)),
            (
                "this is tanh′(z) = 1 − tanh²(z), the derivative of tanh; σ′(z) = σ(z)(1 − σ(z))",
                1 - t * t,
            ),
            (
                "this is 1 − σ(z)², tanh′'s formula applied to σ; σ′(z) = σ(z)(1 − σ(z))",
                1 - s * s,
            ),
            ("this is the ReLU's derivative (1 where z > 0, else 0); use σ", relu_prime(z)),
        ]
        + _dot_variant(
            "the values are added up into one number: `@` (a dot product) or np.sum where `*` "
            "belongs; σ(z) * (1 − σ(z)) keeps one value per entry",
            lambda: s @ (1 - s),
            z,
        )
    )


def _tanh_prime_variants(z):
    t = np.tanh(z)
    via_sigmoid = [
        (
            "this is 2σ′(2z): from tanh(z) = 2σ(2z) − 1 the chain rule gives 4σ′(2z), one "
            "factor 2 from the 2 in front and one from the inner 2z",
            2 * sigmoid_prime(2 * z),
        )
    ]
    return via_sigmoid + _scaled(
        [
            ("", 1 - t * t),
            ("this is tanh(z) itself, not its derivative 1 − tanh²(z)", t),
            ("applied the formula to z instead of tanh(z): 1 − tanh²(z), not 1 − z²", 1 - z * z),
            ("this is 1 − tanh(z): the tanh must be squared", 1 - t),
            ("this is 1 + tanh²(z); the square is subtracted: 1 − tanh²(z)", 1 + t * t),
            ("this is σ′(z), the sigmoid's derivative; use tanh", sigmoid_prime(z)),
            ("this is 1 − σ(z)²: the formula needs tanh, not σ", 1 - sigmoid(z) ** 2),
            (
                "this is tanh(z)(1 − tanh(z)), σ′'s formula applied to tanh; "
                "tanh′(z) = 1 − tanh²(z)",
                t * (1 - t),
            ),
            ("this is (1 − tanh(z))²: only tanh is squared, 1 − tanh(z)²", (1 - t) ** 2),
            ("this is 1 − tanh(z²): square tanh(z), not z", 1 - np.tanh(z * z)),
            ("this is 1/cosh(z): tanh′(z) = 1/cosh²(z), the square of it", 1 / np.cosh(z)),
            ("this is 1 − 2·tanh(z): a square is tanh(z)**2, not tanh(z)*2", 1 - 2 * t),
            ("this is the ReLU's derivative (1 where z > 0, else 0); use tanh", relu_prime(z)),
        ]
        + _dot_variant(
            "the squares are added up into one number: `@` (a dot product) where `*` belongs; "
            "tanh(z) * tanh(z) squares entry by entry",
            lambda: 1 - t @ t,
            z,
        )
    )


@_checker("sigmoid_prime")
def check_sigmoid_prime(sigmoid_prime_fn, seed=None):
    """Check a student's sigmoid_prime(z) = σ(z)(1 − σ(z)) on random arrays of several shapes.

    The last arrays hold |z| up to 1000: an answer must stay finite there. Right values that
    passed through an overflow on the way (np.exp(−z) is inf once z < −709, and 1/(1 + inf) is
    the right 0) are accepted, with a note that says so.
    """
    return _check_prime(
        sigmoid_prime_fn,
        "sigmoid_prime",
        sigmoid_prime,
        _sigmoid_prime_variants,
        "σ′(z) = σ(z)(1 − σ(z))",
        seed,
    )


@_checker("tanh_prime")
def check_tanh_prime(tanh_prime_fn, seed=None):
    """Check a student's tanh_prime(z) = 1 − tanh²(z) on random arrays of several shapes.

    The last arrays hold |z| up to 1000: an answer must stay finite there. Right values that
    passed through an overflow on the way (1/cosh²(z) with cosh(z) = inf is the right 0) are
    accepted, with a note that says so.
    """
    return _check_prime(
        tanh_prime_fn,
        "tanh_prime",
        tanh_prime,
        _tanh_prime_variants,
        "tanh′(z) = 1 − tanh²(z)",
        seed,
    )
