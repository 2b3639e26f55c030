"""Course metadata: the licences, the citation, and the one place that names the repository."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf8"))


def test_the_code_is_mit_and_the_text_cc_by_4():
    assert (ROOT / "LICENSE").read_text(encoding="utf8").startswith("MIT License")
    text = (ROOT / "LICENSE-text").read_text(encoding="utf8")
    assert "Attribution 4.0 International" in text
    assert "Creative Commons Attribution 4.0 International Public License" in text


def test_the_citation_names_the_repository_of_the_book_and_both_licences():
    cff = load("CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    assert cff["repository-code"] == load("_config.yml")["repository"]["url"]
    assert sorted(cff["license"]) == ["CC-BY-4.0", "MIT"]
    assert cff["title"] and cff["authors"] and cff["message"]


def test_the_instructors_pages_are_in_the_book():
    toc = load("_toc.yml")
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    assert "chapters/instructors" in files and "chapters/instructors-hub" in files
