"""Checkers for chapter 4: the derivatives of the activations."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid, sigmoid_prime, tanh_prime
from .machinery import _call, _checker, _compare, _require_function, _rng, _scaled, _unchanged

_Z_SHAPES = ((7,), (1,), (50,), (3, 4))


def _check_prime(fn, name, expected_fn, variant_fn, formula, seed):
    sig = f"{name}(z) -> array shaped like z"
    _require_function(fn, name, sig)
    rng = _rng(seed)
    for shape in _Z_SHAPES:
        z = rng.normal(0.0, 3.0, shape)
        where = f"z of shape {shape}"
        arg = z.copy()
        out = _call(fn, (arg,), name, sig, where)
        _unchanged({"z": z}, {"z": arg}, where)
        _compare(f"{name}(z)", out, expected_fn(z), where, variant_fn(z), formula)
    shapes = ", ".join(str(s) for s in _Z_SHAPES)
    return f"{name} is right on {len(_Z_SHAPES)} random arrays (shapes {shapes})."


def _sigmoid_prime_variants(z):
    s = sigmoid(z)
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
        ]
    )


def _tanh_prime_variants(z):
    t = np.tanh(z)
    return _scaled(
        [
            ("", 1 - t * t),
            ("this is tanh(z) itself, not its derivative 1 − tanh²(z)", t),
            ("applied the formula to z instead of tanh(z): 1 − tanh²(z), not 1 − z²", 1 - z * z),
            ("this is 1 − tanh(z): the tanh must be squared", 1 - t),
            ("this is 1 + tanh²(z); the square is subtracted: 1 − tanh²(z)", 1 + t * t),
            ("this is σ′(z), the sigmoid's derivative; use tanh", sigmoid_prime(z)),
            ("this is 1 − σ(z)²: the formula needs tanh, not σ", 1 - sigmoid(z) ** 2),
        ]
    )


@_checker("sigmoid_prime")
def check_sigmoid_prime(sigmoid_prime_fn, seed=None):
    """Check a student's sigmoid_prime(z) = σ(z)(1 − σ(z)) on random arrays of several shapes."""
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
    """Check a student's tanh_prime(z) = 1 − tanh²(z) on random arrays of several shapes."""
    return _check_prime(
        tanh_prime_fn,
        "tanh_prime",
        tanh_prime,
        _tanh_prime_variants,
        "tanh′(z) = 1 − tanh²(z)",
        seed,
    )
