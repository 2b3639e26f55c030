"""Activation functions and their derivatives (chapter 4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), finite and warning-free for every finite z."""
    # The identity sigma(z) = (1 + tanh(z/2)) / 2 (equation {eq}`eq-tanh-sigmoid` read
    # backwards) never overflows, unlike e^-z for z < -709, and costs one transcendental.
    t = 0.5 * np.asarray(z, dtype=np.float64)  # a new array, or a number for a 0-d z
    # In place on a named array: numpy runs np.tanh(0.5 * z), whose argument is an unnamed
    # temporary, without its vector loop, which is 5-7x slower on large arrays.
    t = np.tanh(t, out=t) if np.ndim(t) else np.tanh(t)
    t += 1.0
    t *= 0.5
    return t


def sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), equation {eq}`eq-sigmoid-prime`."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_prime(z):
    """tanh'(z) = 1 - tanh(z)^2, equation {eq}`eq-tanh-prime`."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """relu(z) = max(z, 0)."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_prime(z):
    """relu'(z) = 1 for z > 0 and 0 otherwise (0 at the kink by convention), {eq}`eq-relu-prime`."""
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


def _sigmoid_in_place(z):
    """sigmoid(z) written over z: the same operations as ``sigmoid``, so the same bits."""
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5
    return z


@dataclass(frozen=True)
class Activation:
    """An activation: its function, its derivative, and the derivative from h = act(z)."""

    name: str
    fn: Callable
    prime: Callable
    # The network already holds h = act(z); reusing it saves a second exp per step. Each of
    # the three reads h alone (relu: h > 0 exactly where z > 0), so training may drop z.
    prime_from_output: Callable
    # fn written over its float64 argument: training keeps A_l, not Z_l as well.
    fn_in_place: Callable

    def __call__(self, z):
        return self.fn(z)


ACTIVATIONS = {
    "sigmoid": Activation(
        "sigmoid", sigmoid, sigmoid_prime, lambda z, h: h * (1.0 - h), _sigmoid_in_place
    ),
    "tanh": Activation(
        "tanh", tanh, tanh_prime, lambda z, h: 1.0 - h * h, lambda z: np.tanh(z, out=z)
    ),
    "relu": Activation(
        "relu",
        relu,
        relu_prime,
        lambda z, h: (h > 0).astype(np.float64),
        lambda z: np.maximum(z, 0.0, out=z),
    ),
}


def get_activation(name) -> Activation:
    """Look an activation up by name ('sigmoid', 'tanh' or 'relu')."""
    if isinstance(name, Activation):
        return name
    from ._validate import choice

    return ACTIVATIONS[choice("activation", name, tuple(ACTIVATIONS))]
