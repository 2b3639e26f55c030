"""Parameters as named views into one flat buffer, so an optimizer updates all of them at once.

``params["w1"]`` and the others stay ordinary arrays of their own shapes; they share one
contiguous float64 vector theta. An optimizer step is then a few numpy calls on theta,
however many parameter arrays the network has.
"""

from __future__ import annotations

import numpy as np


def flat_views(params: dict) -> np.ndarray:
    """The buffer behind ``params``, making each entry a view into a new one if needed.

    Entries that are already views of one buffer covering them all are left as they are, so
    repeated calls (a Trainer training in chunks) keep the same arrays.
    """
    arrays = list(params.values())
    base = arrays[0].base if arrays else None
    if (
        isinstance(base, np.ndarray)
        and base.ndim == 1
        and base.size == sum(a.size for a in arrays)
        and all(a.base is base for a in arrays)
    ):
        return base
    theta = np.concatenate([np.ravel(a) for a in arrays]).astype(np.float64, copy=False)
    offset = 0
    for name, a in zip(list(params), arrays, strict=True):
        params[name] = theta[offset : offset + a.size].reshape(np.shape(a))
        offset += a.size
    return theta


def flat(grads: dict, names) -> np.ndarray:
    """The gradients in the order of ``names``, as one vector laid out like theta."""
    return np.concatenate([np.ravel(grads[name]) for name in names])
