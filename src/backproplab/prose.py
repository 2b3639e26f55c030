"""Numbers computed by the code, handed to the book's prose so the two cannot disagree."""

from __future__ import annotations

import numpy as np


def glue(name: str, value, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's {glue} roles; plain floats, not numpy scalars.

    Uses myst-nb's glue when it is installed (the book build) and the same output format
    through IPython otherwise (a student's Binder session has no myst-nb).
    """
    if isinstance(value, np.generic):
        value = value.item()
    try:
        from myst_nb import glue as _glue
    except ImportError:
        from IPython.core.formatters import format_display_data
        from IPython.display import display as _display

        bundle, metadata = format_display_data(value)
        prefix = "" if display else "application/papermill.record/"
        metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
        _display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
        return
    _glue(name, value, display=display)
