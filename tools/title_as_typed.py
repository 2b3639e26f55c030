"""The course's title reads the same in the browser tab, the sidebar and the landing heading.

The tab and the sidebar show `title:` of _config.yml as typed, while Sphinx's smart quotes
would turn the welcome page's heading, the same title, from "Zoë's Section" into "Zoë’s
Section". This extension exempts that one heading (the title of the book's root page) from
smart quotes, so a title typed with a straight or a curly apostrophe shows it everywhere.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform


class TitleAsTyped(SphinxTransform):
    default_priority = 700  # before Sphinx's smart quotes (750)

    def apply(self, **kwargs):
        if self.env.docname != self.config.root_doc:
            return
        for title in self.document.findall(nodes.title):
            title["support_smartquotes"] = False  # read by sphinx.util.nodes.is_smartquotable
            return


def setup(app):
    app.add_transform(TitleAsTyped)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
