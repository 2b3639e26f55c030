"""A class on its own JupyterHub: the launch link the built pages carry.

Switching the hub on is one line in _config.yml (launch_buttons.jupyterhub_url). This test
builds the book with that line set (notebooks not executed, to keep it quick) and reads the
link from the built pages: it must be an nbgitpuller link that clones this repository's
branch on the hub and opens the page's notebook in JupyterLab.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HUB = "https://hub.example.edu"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))


def toc_notebooks() -> list[str]:
    """The notebook pages of the book, from _toc.yml (paths without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [ch["file"] for ch in part.get("chapters", [])]
    return [f for f in files if (ROOT / f).with_suffix(".ipynb").exists()]


@pytest.fixture(scope="module")
def hub_build(tmp_path_factory) -> Path:
    """The book built with jupyterhub_url set; returns the HTML folder."""
    if not JUPYTER_BOOK.exists():
        pytest.fail(f"jupyter-book is not installed next to {sys.executable}")
    tmp = tmp_path_factory.mktemp("hub-build")
    config = book_config()
    config["launch_buttons"]["jupyterhub_url"] = HUB
    config["execute"]["execute_notebooks"] = "off"
    config_path = tmp / "_config.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf8")
    result = subprocess.run(
        [JUPYTER_BOOK, "build", str(ROOT), "--config", str(config_path)]
        + ["--path-output", str(tmp), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = tmp / "_build" / "html"
    yield out
    shutil.rmtree(tmp, ignore_errors=True)


def hub_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf8")
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', text)]
    return [h for h in hrefs if "/hub/user-redirect/git-pull" in h]


def test_the_hub_is_off_by_default():
    assert book_config()["launch_buttons"]["jupyterhub_url"] == ""


def test_every_notebook_page_opens_on_the_hub_with_nbgitpuller(hub_build):
    config = book_config()
    repo_url = config["repository"]["url"]
    branch = config["repository"]["branch"]
    repo_name = urlsplit(repo_url).path.rstrip("/").split("/")[-1]
    notebooks = toc_notebooks()
    assert notebooks, "the book has no notebook pages"

    for nb in notebooks:
        page = hub_build / f"{nb}.html"
        assert page.exists(), f"{page} was not built"
        links = hub_links(page)
        assert len(links) == 1, f"{nb}: expected one JupyterHub launch link, found {links}"
        url = urlsplit(links[0])
        assert f"{url.scheme}://{url.netloc}" == HUB
        assert url.path == "/hub/user-redirect/git-pull"
        query = parse_qs(url.query, strict_parsing=True)
        assert query == {
            "repo": [repo_url],
            "branch": [branch],
            # nbgitpuller clones into a folder named after the repository; JupyterLab opens
            # the page's notebook in it.
            "urlpath": [f"lab/tree/{repo_name}/{nb}.ipynb"],
        }, f"{nb}: {links[0]}"


def test_text_pages_carry_no_launch_link(hub_build):
    """Markdown pages have no notebook to open, so no launch button either."""
    for page in (hub_build / "chapters").glob("*.html"):
        if (ROOT / "chapters" / page.name).with_suffix(".ipynb").exists():
            continue
        assert hub_links(page) == [], f"{page.name} has a hub link but is not a notebook"
