"""A class on its own JupyterHub: the launch links the built pages carry.

Whatever an adopter configures (`make adapt HUB=...`, or the `jupyterhub_url` line of
_config.yml), the pages must agree with it: with a hub, every notebook page carries one
nbgitpuller link that clones the configured repository's branch on that hub and opens the
page's notebook in JupyterLab; without one, no page carries a hub link. The book is built with
the configured values (notebooks not executed, to keep it quick); when no hub is configured,
an example hub is switched on for the full build, and a build of three pages as configured
checks that no hub link appears.
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
sys.path.insert(0, str(ROOT / "tools"))
import adapt  # noqa: E402

EXAMPLE_HUB = "https://hub.example.edu"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))


def configured_hub() -> str:
    return book_config()["launch_buttons"].get("jupyterhub_url") or ""


def toc_pages() -> list[str]:
    """Every page of the book, from _toc.yml (paths without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [ch["file"] for ch in part.get("chapters", [])]
    return files


def toc_notebooks() -> list[str]:
    return [f for f in toc_pages() if (ROOT / f).with_suffix(".ipynb").exists()]


def build(tmp: Path, hub: str, pages: list[str] | None = None) -> Path:
    """The book (or only pages, the first being the root) built with jupyterhub_url = hub."""
    if not JUPYTER_BOOK.exists():
        pytest.fail(f"jupyter-book is not installed next to {sys.executable}")
    config = book_config()
    config["launch_buttons"]["jupyterhub_url"] = hub
    config["execute"]["execute_notebooks"] = "off"
    # The config file moves to tmp: its local extensions' paths must not depend on where it is.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((ROOT / path).resolve())
    config_path = tmp / "_config.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf8")
    toc = []
    if pages:
        toc_path = tmp / "_toc.yml"
        chapters = [{"file": p} for p in pages[1:]]
        toc_path.write_text(
            yaml.safe_dump({"format": "jb-book", "root": pages[0], "chapters": chapters})
        )
        toc = ["--toc", str(toc_path)]
    result = subprocess.run(
        [JUPYTER_BOOK, "build", str(ROOT), "--config", str(config_path), *toc]
        + ["--path-output", str(tmp), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp / "_build" / "html"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """{hub address or "": the HTML folder built with it}: the configured hub, and one switched on."""
    hub = configured_hub()
    out = {hub or EXAMPLE_HUB: build(tmp_path_factory.mktemp("hub-build"), hub or EXAMPLE_HUB)}
    if not hub:  # the book as configured, without a hub: the root, a notebook and a text page
        pages = toc_pages()
        notebooks = toc_notebooks()
        text = [p for p in pages[1:] if p not in notebooks]
        out[""] = build(
            tmp_path_factory.mktemp("no-hub-build"), "", [pages[0], notebooks[0], text[0]]
        )
    yield out
    for html_dir in out.values():
        shutil.rmtree(html_dir.parents[1], ignore_errors=True)


def hub_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf8")
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', text)]
    return [h for h in hrefs if "/hub/user-redirect/git-pull" in h]


def test_the_configured_hub_is_off_or_an_address_the_links_can_use():
    hub = configured_hub()
    assert hub == "" or adapt.check_hub(hub) == hub, (
        f"jupyterhub_url {hub!r}: use the hub's https address without /hub or a trailing /"
    )


def test_every_notebook_page_opens_on_the_hub_with_nbgitpuller(builds):
    config = book_config()
    repo_url = config["repository"]["url"]
    branch = config["repository"]["branch"]
    repo_name = urlsplit(repo_url).path.rstrip("/").split("/")[-1]
    notebooks = toc_notebooks()
    assert notebooks, "the book has no notebook pages"
    hub = [h for h in builds if h][0]

    for nb in notebooks:
        page = builds[hub] / f"{nb}.html"
        assert page.exists(), f"{page} was not built"
        links = hub_links(page)
        assert len(links) == 1, f"{nb}: expected one JupyterHub launch link, found {links}"
        url = urlsplit(links[0])
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{hub}/hub/user-redirect/git-pull"
        query = parse_qs(url.query, strict_parsing=True)
        assert query == {
            "repo": [repo_url],
            "branch": [branch],
            # nbgitpuller clones into a folder named after the repository; JupyterLab opens
            # the page's notebook in it.
            "urlpath": [f"lab/tree/{repo_name}/{nb}.ipynb"],
        }, f"{nb}: {links[0]}"


def test_the_pages_carry_hub_links_exactly_when_a_hub_is_configured(builds):
    hub = configured_hub()
    notebooks = set(toc_notebooks())
    pages = [p for p in toc_pages() if (builds[hub] / f"{p}.html").exists()]
    assert len(pages) >= 3 and notebooks & set(pages)
    for page in pages:
        links = hub_links(builds[hub] / f"{page}.html")
        if hub and page in notebooks:
            assert len(links) == 1 and links[0].startswith(f"{hub}/hub/"), (page, links)
        else:
            # No hub configured, or a text page with no notebook to open.
            assert links == [], f"{page} has a hub link: {links}"
