"""The adopter's tools: `make adapt`, `make publish`'s guard, and `make student-branch`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from course_copy import ROOT, copy_course, run

sys.path.insert(0, str(ROOT / "tools"))
import adapt  # noqa: E402
import publish  # noqa: E402

FILES = ("_config.yml", "CITATION.cff", "README.md", adapt.WELCOME)
URL = "https://github.com/uni/bbh"
TITLE = 'Neural nets, "by hand": Uni #1'
AUTHORS = "Ada Lovelace;  Alan Turing ; Grace Hopper"
HUB = "https://hub.uni.edu/"


@pytest.fixture
def course(tmp_path) -> Path:
    """The four files adapt edits, copied from the repository."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def read(course: Path) -> dict:
    return {name: (course / name).read_text(encoding="utf8") for name in FILES}


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


# ------------------------------------------------------------------ the values it accepts


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://github.com/uni/bbh", "https://"),
        ("github.com/uni/bbh", "https://"),
        ("https://github.com/uni", "<owner>/<repository>"),
        ("https://github.com/uni/bbh/tree/main", "<owner>/<repository>"),
        ("https://github.com/uni/bbh?tab=readme", "<owner>/<repository>"),
        ("https://github.com/uni/bbh.git", ".git"),
        ("https://git.uni.edu/uni/bbh", "GitHub, GitLab or Bitbucket"),
    ],
)
def test_a_url_the_book_cannot_use_is_refused_with_the_reason(url, why):
    with pytest.raises(adapt.AdaptError, match=re.escape(why)):
        adapt.check_url(url)


def test_a_repository_url_is_normalised():
    assert adapt.check_url(" https://github.com/uni/bbh/ ") == URL
    assert adapt.check_url("https://gitlab.uni.edu/group/bbh") == "https://gitlab.uni.edu/group/bbh"


@pytest.mark.parametrize(
    "hub, expected",
    [
        ("https://hub.uni.edu/", "https://hub.uni.edu"),
        ("https://uni.edu/jupyter", "https://uni.edu/jupyter"),
        ("off", ""),
        ("none", ""),
    ],
)
def test_a_hub_address_is_normalised_or_switched_off(hub, expected):
    assert adapt.check_hub(hub) == expected


@pytest.mark.parametrize(
    "hub", ["http://hub.uni.edu", "hub.uni.edu", "https://hub.uni.edu/hub", "https://h.edu/?x=1"]
)
def test_a_hub_address_the_links_cannot_use_is_refused(hub):
    with pytest.raises(adapt.AdaptError, match="HUB must be"):
        adapt.check_hub(hub)


def test_authors_are_split_on_semicolons_and_joined_for_the_book():
    names = adapt.split_authors("Lovelace, Ada;  Alan Turing ")
    assert names == ["Lovelace, Ada", "Alan Turing"]
    assert adapt.author_line(names) == "Lovelace, Ada and Alan Turing"
    assert adapt.author_line(["A", "B", "C"]) == "A, B and C"
    with pytest.raises(adapt.AdaptError, match="AUTHORS"):
        adapt.split_authors("Ada;;Alan")


def test_binder_links_follow_the_host():
    assert adapt.binder_url(URL, "main") == (
        "https://mybinder.org/v2/gh/uni/bbh/main?urlpath=lab/tree/chapters"
    )
    assert adapt.binder_url("https://gitlab.com/uni/bbh", "student").startswith(
        "https://mybinder.org/v2/gl/uni%2Fbbh/student?"
    )
    assert adapt.binder_url("https://gitlab.uni.edu/uni/bbh", "main").startswith(
        "https://mybinder.org/v2/git/https%3A%2F%2Fgitlab.uni.edu%2Funi%2Fbbh/main?"
    )


# ------------------------------------------------------------------ what it changes


def test_every_value_lands_in_every_place_that_names_it(course):
    before = read(course)
    changed = adapt.adapt(course, url=URL, title=TITLE, authors=AUTHORS, hub=HUB)
    after = read(course)
    assert sorted(changed) == sorted(FILES)

    config = yaml.safe_load(after["_config.yml"])
    assert config["repository"]["url"] == URL
    assert config["title"] == TITLE
    assert config["author"] == "Ada Lovelace, Alan Turing and Grace Hopper"
    assert config["launch_buttons"]["jupyterhub_url"] == "https://hub.uni.edu"

    cff = yaml.safe_load(after["CITATION.cff"])
    assert cff["repository-code"] == URL
    assert cff["url"] == "https://uni.github.io/bbh/"
    assert cff["title"] == TITLE
    assert cff["authors"] == [
        {"name": "Ada Lovelace"},
        {"name": "Alan Turing"},
        {"name": "Grace Hopper"},
    ]

    branch = config["repository"]["branch"]
    assert (
        f"(https://mybinder.org/v2/gh/uni/bbh/{branch}?urlpath=lab/tree/chapters)"
        in after["README.md"]
    )
    assert "backprop-by-hand/backprop-by-hand" not in after["README.md"] + after["CITATION.cff"]
    assert after["README.md"].splitlines()[0] == f"# {TITLE}"
    assert re.search(r"^# (.*)$", after[adapt.WELCOME], re.M)[1] == TITLE

    # Only the changed lines differ: comments and the rest of each file are kept.
    for name in ("_config.yml", "CITATION.cff"):
        assert comments(after[name]) == comments(before[name])
    old_config = yaml.safe_load(before["_config.yml"])
    for key in ("execute", "parse", "sphinx", "html"):
        assert config[key] == old_config[key]
    assert len(after[adapt.WELCOME].splitlines()) == len(before[adapt.WELCOME].splitlines())


def test_running_it_again_changes_nothing(course):
    adapt.adapt(course, url=URL, title=TITLE, authors=AUTHORS, hub=HUB)
    first = read(course)
    assert adapt.adapt(course, url=URL, title=TITLE, authors=AUTHORS, hub=HUB) == []
    assert read(course) == first


def test_a_value_not_given_is_left_alone(course):
    before = read(course)
    # Whatever hub the course names now (an adopter may have set one already), a new one
    # changes that one line of _config.yml and nothing else.
    was = yaml.safe_load(before["_config.yml"])["launch_buttons"]["jupyterhub_url"]
    hub = "https://hub.other-uni.edu" if was == "https://hub.uni.edu" else "https://hub.uni.edu"
    assert adapt.adapt(course, hub=hub) == ["_config.yml"]
    after = read(course)
    assert after["CITATION.cff"] == before["CITATION.cff"]
    old, new = yaml.safe_load(before["_config.yml"]), yaml.safe_load(after["_config.yml"])
    assert new["launch_buttons"]["jupyterhub_url"] == hub
    new["launch_buttons"]["jupyterhub_url"] = old["launch_buttons"]["jupyterhub_url"]
    assert new == old
    # Setting the old value back restores the file exactly ("off" when there was none).
    adapt.adapt(course, hub=was or "off")
    assert read(course) == before


def test_a_bad_value_changes_no_file(course):
    before = read(course)
    with pytest.raises(adapt.AdaptError):
        adapt.adapt(course, url="https://github.com/uni", title="A good title")
    assert read(course) == before


def test_a_branch_moves_the_launch_buttons_and_the_badge(course):
    adapt.adapt(course, url=URL, branch="student")
    after = read(course)
    assert yaml.safe_load(after["_config.yml"])["repository"]["branch"] == "student"
    assert (
        "https://mybinder.org/v2/gh/uni/bbh/student?urlpath=lab/tree/chapters" in after["README.md"]
    )
    for bad in ("-x", "a..b", "a b", "main/"):
        with pytest.raises(adapt.AdaptError, match="BRANCH must be"):
            adapt.adapt(course, branch=bad)


def test_a_repository_off_github_gets_its_binder_link_and_no_pages_address(course):
    adapt.adapt(course, url="https://gitlab.com/uni/bbh")
    after = read(course)
    cff = yaml.safe_load(after["CITATION.cff"])
    assert cff["repository-code"] == "https://gitlab.com/uni/bbh"
    assert "url" not in cff  # GitHub Pages' address would be wrong here
    assert "https://mybinder.org/v2/gl/uni%2Fbbh/" in after["README.md"]


def test_the_make_target_passes_values_with_spaces_and_quotes(tmp_path):
    """`make adapt` hands each value to the script as one word, whatever it holds."""
    course = copy_course(tmp_path / "course")
    title = 'It\'s "ours"; $HOME & co'
    run(["make", "-s", "adapt", f"URL={URL}", f"TITLE={title}", f"AUTHORS={AUTHORS}"], course)
    config = yaml.safe_load((course / "_config.yml").read_text(encoding="utf8"))
    assert config["title"] == title
    assert config["author"] == "Ada Lovelace, Alan Turing and Grace Hopper"
    bad = subprocess.run(
        ["make", "-s", "adapt", "URL=http://x"], cwd=course, capture_output=True, text=True
    )
    assert bad.returncode != 0 and "URL must start with https://" in bad.stderr
    none = subprocess.run(["make", "-s", "adapt"], cwd=course, capture_output=True, text=True)
    assert none.returncode != 0 and "Nothing to change" in none.stderr
    # Only the command line counts: an exported BRANCH or TITLE in the shell changes nothing.
    before = read(course)
    run(["make", "-s", "adapt", f"AUTHORS={AUTHORS}"], course, BRANCH="stray", TITLE="stray")
    assert read(course) == before


# ------------------------------------------------------------------ make publish


@pytest.mark.parametrize(
    "remote, expected",
    [
        ("https://github.com/uni/bbh", ("uni", "bbh")),
        ("https://github.com/uni/bbh.git", ("uni", "bbh")),
        ("git@github.com:uni/bbh.git", ("uni", "bbh")),
        ("ssh://git@github.com/uni/b.b-h", ("uni", "b.b-h")),
        ("https://gitlab.com/uni/bbh.git", None),
        ("git@git.uni.edu:uni/bbh.git", None),
        ("https://github.com.evil.example/uni/bbh", None),
    ],
)
def test_publish_recognises_github_remotes(remote, expected):
    assert publish.github_repo(remote) == expected


def git_repo(path: Path, remote: str) -> Path:
    copy = copy_course(path)
    run(["git", "remote", "add", "origin", remote], copy)
    return copy


def test_make_publish_refuses_a_remote_off_github_before_building(tmp_path):
    course = git_repo(tmp_path / "c", "git@git.uni.edu:uni/bbh.git")
    result = subprocess.run(
        ["make", "publish", "YES=1"], cwd=course, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "git@git.uni.edu:uni/bbh.git, which is not on github.com" in result.stderr
    assert not (course / "_build").exists()


def test_make_publish_names_the_remote_and_waits_for_a_yes(tmp_path):
    course = git_repo(tmp_path / "c", "git@github.com:uni/bbh.git")
    script = [sys.executable, "tools/publish.py"]
    asked = subprocess.run(
        script, cwd=course, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert asked.returncode == 1
    assert "gh-pages branch of git@github.com:uni/bbh.git" in asked.stdout
    assert "https://uni.github.io/bbh/" in asked.stdout
    assert "make publish YES=1" in asked.stderr
    # _config.yml still names the upstream repository: publish says so.
    assert "Warning: _config.yml names the repository" in asked.stdout
    run(["make", "-s", "adapt", f"URL={URL}"], course)
    yes = run(script + ["--yes"], course)
    assert "Warning" not in yes.stdout
    assert "remote" in run(["make", "-n", "publish", "YES=1"], course).stdout


# ------------------------------------------------------------------ the student branch


def solution_lines(notebook: Path) -> set[str]:
    """The distinctive lines of a chapter's solution cells: what a student must not be given."""
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    # What the chapter shows anyway (the task, the stub's comments) is no answer.
    shown = "\n".join(
        "".join(c["source"])
        for c in cells
        if "solution" not in c.get("metadata", {}).get("tags", [])
    )
    return {
        line.strip()
        for c in cells
        if "solution" in c.get("metadata", {}).get("tags", []) and c["cell_type"] == "code"
        for line in "".join(c["source"]).splitlines()
        if len(line.strip()) >= 16
        and not line.strip().startswith("#")
        and line.strip() not in shown
    }


def test_the_student_branch_holds_nothing_an_instructor_would_not_hand_out(tmp_path):
    course = copy_course(tmp_path / "course")
    run(["make", "-s", "student-branch"], course)
    assert run(["git", "rev-parse", "--abbrev-ref", "HEAD"], course).stdout.strip() == "main"
    assert run(["git", "status", "--porcelain", "--untracked-files=no"], course).stdout == ""
    files = run(["git", "ls-tree", "-r", "--name-only", "student"], course).stdout.split()

    def show(name: str) -> str:
        return run(["git", "show", f"student:{name}"], course).stdout

    # What a student's session needs to run every chapter.
    chapters = sorted(p.name for p in (course / "chapters").glob("*.ipynb"))
    assert chapters and all(f"chapters/{c}" in files for c in chapters)
    for name in (
        "requirements.txt",
        "runtime.txt",
        "postBuild",
        "pyproject.toml",
        "LICENSE",
        "LICENSE-text",
    ):
        assert name in files
    assert "src/backproplab/__init__.py" in files

    # Nothing else: no tests (correct answers), no tools, no instructors' pages, no solutions.
    leaks = [
        f for f in files if f.split("/")[0] in ("tests", "tools", "benchmarks", ".github", ".ci")
    ]
    assert leaks == []
    assert [f for f in files if Path(f).name.startswith("instructors")] == []
    answers = set().union(*(solution_lines(course / "chapters" / c) for c in chapters))
    assert answers, "the chapters have no solution cells to check against"
    for name in files:
        if name.startswith("src/"):
            continue  # the package: its reference functions run every later cell, by design
        text = show(name)
        if name.endswith(".ipynb"):
            for cell in json.loads(text)["cells"]:
                assert "solution" not in cell.get("metadata", {}).get("tags", []), name
        found = sorted(a for a in answers if a in text)
        assert found == [], f"{name} gives away solution lines: {found[:3]}"

    # Again: the same copies make no new commit; the branch grows by fast-forward only.
    first = run(["git", "rev-parse", "student"], course).stdout.strip()
    run(["make", "-s", "student-branch"], course)
    assert run(["git", "rev-parse", "student"], course).stdout.strip() == first


def test_answering_no_to_make_publish_ends_cleanly(tmp_path):
    """At the terminal, "n" stops make publish with "Nothing pushed." and no make error."""
    import os
    import pty

    course = git_repo(tmp_path / "c", "git@github.com:uni/bbh.git")
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    with subprocess.Popen(
        ["make", "-o", ".venv/.installed", "publish"],
        cwd=course,
        env=env,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        os.write(controller, b"n\n")
        out, _ = proc.communicate(timeout=120)
    os.close(controller)
    os.close(terminal)
    assert proc.returncode == 0, out
    assert "Nothing pushed." in out and "Error" not in out, out
    assert not (course / "_build").exists()  # nothing was built
