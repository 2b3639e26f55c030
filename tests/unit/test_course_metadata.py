"""Course metadata: the licences, and the course's names, consistent wherever they are written.

These tests hold for whatever repository, title and authors an adopter sets (`make adapt`
writes them all at once): they check that the places agree, not what the values are.
"""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import adapt  # noqa: E402

# The files `make adapt` rewrites; the docs (chapters/instructors.md) say so.
NAMING_FILES = {"_config.yml", "CITATION.cff", "README.md"}


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf8"))


def heading(name: str) -> str:
    return re.search(r"^# (.+)$", (ROOT / name).read_text(encoding="utf8"), re.M)[1].strip()


def test_the_code_is_mit_and_the_text_cc_by_4():
    assert (ROOT / "LICENSE").read_text(encoding="utf8").startswith("MIT License")
    text = (ROOT / "LICENSE-text").read_text(encoding="utf8")
    assert "Attribution 4.0 International" in text
    assert "Creative Commons Attribution 4.0 International Public License" in text


def test_the_citation_names_what_the_book_names():
    config, cff = load("_config.yml"), load("CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    assert sorted(cff["license"]) == ["CC-BY-4.0", "MIT"]
    assert cff["message"]
    assert cff["repository-code"] == config["repository"]["url"]
    # The citation may add a subtitle to the book's title.
    assert cff["title"] == config["title"] or cff["title"].startswith(config["title"] + ": ")
    names = [author["name"] for author in cff["authors"]]
    assert config["author"] == adapt.author_line(names)
    site = adapt.pages_url(config["repository"]["url"])
    if site is not None:  # on GitHub: the website is where GitHub Pages puts it
        assert cff["url"] == site


def test_the_readme_and_the_welcome_page_name_the_book_and_its_repository():
    config = load("_config.yml")
    readme = (ROOT / "README.md").read_text(encoding="utf8")
    badges = re.findall(r"https://mybinder\.org/v2/[^\s)]+", readme)
    expected = adapt.binder_url(config["repository"]["url"], config["repository"]["branch"])
    assert badges == [expected]
    assert heading("README.md") == config["title"]
    # The book's landing page takes its heading from the welcome page, not from `title:`.
    assert heading(adapt.WELCOME) == config["title"]


def test_only_the_files_make_adapt_rewrites_name_the_repository():
    """So that `make adapt URL=...` is all it takes to point the course at another repository.

    (tests/ and tools/ are left out of the search: their examples name made-up repositories.)
    """
    url = load("_config.yml")["repository"]["url"]
    owner_repo = "/".join(url.rstrip("/").split("/")[-2:])
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    naming = set()
    for name in tracked:
        path = ROOT / name
        if path.is_symlink() or not path.is_file() or name.startswith(("tests/", "tools/")):
            continue
        try:
            text = path.read_text(encoding="utf8")
        except UnicodeDecodeError:
            continue
        if owner_repo in text or owner_repo.replace("/", "%2F") in text:
            naming.add(name)
    assert naming <= NAMING_FILES, (
        f"these name the repository but make adapt leaves them: {naming - NAMING_FILES}"
    )
    assert {"_config.yml", "CITATION.cff"} <= naming


def test_the_instructors_pages_are_in_the_book():
    toc = load("_toc.yml")
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    assert "chapters/instructors" in files and "chapters/instructors-hub" in files
