"""Numbers computed by the code, handed to the book's prose so the two cannot disagree.

A code cell stores a value with ``bp.glue("seed-ratio", ratio)``; the markdown after it shows
it with the inline role {eval}`bp.glued("seed-ratio:.1f")` (key, then an optional format spec
as in ``format(value, spec)``). The role is evaluated by the running kernel in both places
the chapters are read:

- the website: myst-nb executes the notebooks in ``inline`` mode (``_config.yml``) and
  evaluates each {eval} role when it reaches it, in reading order;
- JupyterLab: jupyterlab-myst evaluates the role when the markdown cell is run, and shows
  the expression itself until then. Shift+Enter through a chapter fills in every number. Run
  All fills in every number too, because ``postBuild`` (Binder) and the Makefile (``make
  lab``) install ``jupyterlab-overrides.json``, which sets ``windowingMode`` to ``"none"``;
  with JupyterLab's default a cell far below the screen keeps its expression until it is
  drawn and run again.

myst-nb's own ``{glue}`` roles are not used: jupyterlab-myst does not resolve them, so a
student in JupyterLab would see the raw key instead of the number.
"""

from __future__ import annotations

import numpy as np

_VALUES: dict[str, object] = {}


def glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for the prose; numpy scalars become plain Python numbers."""
    if not isinstance(name, str) or not name or ":" in name:
        raise ValueError(f"name must be a non-empty string without ':', got {name!r}")
    if isinstance(value, np.generic):
        value = value.item()
    _VALUES[name] = value


def glued(key: str) -> str:
    """The text for ``"name"`` or ``"name:spec"``: the stored value, formatted with ``spec``.

    A name nothing has stored yet raises LookupError (the book build turns it into a
    warning, which fails a ``-W`` build; JupyterLab shows the message in place of the number).
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be a string like 'name:.4f', got {type(key).__name__}")
    name, _, spec = key.partition(":")
    if name not in _VALUES:
        raise LookupError(f"{name!r} is not computed yet: run the code cells above this text")
    value = _VALUES[name]
    return format(value, spec) if spec else str(value)
