"""myst-nb's folded-cell node for the one-page builder too: `make pdf` builds with singlehtml.

myst-nb registers how to write a folded code cell (``HideCodeCellNode``) for the ``html``
builder only, so Sphinx's ``singlehtml`` builder stops with "unknown node type". The one-page
build of tools/pdf.py adds this extension; the website's build does not need it.
"""

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput


def setup(app):
    handlers = (visit_HideCellInput, depart_HideCellInput)
    app.add_node(HideCodeCellNode, override=True, html=handlers, singlehtml=handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
