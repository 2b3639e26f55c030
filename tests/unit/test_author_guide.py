"""The exercise author's guide on the instructors' page holds up when followed to the letter.

guide_steps.add_throwaway_exercise performs the guide's steps, with its worked example, on a
copy of the repository; here the copy must then pass lint, the new checker's test cases,
the exercise-pattern tests (which also run the stub and check cells as a student copy
has them), and a notebook run of the changed chapter. The first test keeps the page and
the steps in step.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import guide_steps as guide
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def guide_section() -> str:
    text = (ROOT / "chapters" / "instructors.md").read_text()
    _, _, rest = text.partition("\n## Add an exercise\n")
    assert rest, "chapters/instructors.md has no section '## Add an exercise'"
    return rest.split("\n## ", 1)[0]


def test_the_guide_shows_every_step_the_test_follows():
    page = guide_section()
    for snippet in (
        guide.MODULE,
        guide.CHECKER_MODULE,
        guide.EXPORT_IMPORT.strip(),
        guide.EXPORT_ALL.strip(),
        guide.CASE_ROWS,
        guide.NEVER_RAISES_ROW.strip(),
        guide.WRONG_ROW.strip(),
        guide.EXERCISE_START,
        guide.STUB,
        guide.EXERCISE_END,
        guide.SOLUTION_START,
        guide.SOLUTION,
        guide.SOLUTION_END,
        guide.CHECK_CELL,
        guide.INDEX_ROW.strip(),
    ):
        assert snippet in page, f"the guide does not show:\n{snippet}"
    for name in ("_checker", "_require_function", "_rng", "_call", "_call_fresh", "_compare"):
        assert f"| `{name}(" in page or f", `{name}(" in page, f"the guide does not name {name}"
    for tool, *args in guide.FORMAT_COMMANDS:
        assert f".venv/bin/{tool} {' '.join(args)}" in page
    assert page.index(".venv/bin/ruff format .") < page.index("make test")
    # The guide names every file the steps touch, in the order the steps touch them.
    files = re.findall(r"^\d\. `([^`]+)`:", page, re.M)
    assert files == guide.FILES_IN_ORDER, files
    # ruff formats the Python blocks of Markdown pages too: the page must stay as it is.
    check = [str(BIN / "ruff"), "format", "--check", "chapters/instructors.md"]
    assert subprocess.run(check, cwd=ROOT, capture_output=True).returncode == 0
    # Every check cell the guide shows ends with `;`: no stray True/False under it.
    assert "check_gd_step(gd_step)` |" not in page and "check_gd_step(gd_step);" in page


def _copy_repository(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if name == ".venv" or not src.is_file() or src.is_symlink():
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name)


def _run(args, cwd, env):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_following_the_guide_adds_an_exercise_that_passes_its_tests(tmp_path):
    if (ROOT / guide.MODULE).exists():  # an adopter who followed the guide keeps the example
        pytest.skip("the guide's example is in this repository already; its own tests run")
    repo = tmp_path / "repo"
    _copy_repository(repo)
    name = guide.add_throwaway_exercise(repo)
    assert name == guide.CHECKER
    # It touched exactly the files the guide lists, and no other.
    changed = sorted(
        str(path.relative_to(repo))
        for path in repo.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and ".ruff_cache" not in path.parts
        and (
            not (ROOT / path.relative_to(repo)).is_file()
            or (ROOT / path.relative_to(repo)).read_bytes() != path.read_bytes()
        )
    )
    listed = [
        f.replace("chNN", "ch02").replace("NN-...", "02-problem") for f in guide.FILES_IN_ORDER
    ]
    assert changed == sorted(listed), changed
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["PYTHONPATH"] = str(repo / "src")  # the copy's package, in pytest and in the kernels
    python = [str(BIN / "python"), "-m"]
    pytest_cmd = [*python, "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="]

    _run([str(BIN / "ruff"), "check", "."], repo, env)
    _run([str(BIN / "ruff"), "format", "--check", "."], repo, env)
    key = name.removeprefix("check_")
    # The checker's rows in the verdict table (x 3 seeds) and in the never-raises tests, and
    # the exercise-pattern tests of its notebook cells (their ids hold the label ex-code-bump).
    tests = ["tests/unit/test_exercises.py", "tests/unit/test_student_copies.py"]
    out = _run([*pytest_cmd, *tests, "-k", key, "-rN"], repo, env)
    assert " passed" in out and int(out.split(" passed")[0].split()[-1]) >= 31, out
    assert "failed" not in out and "skipped" not in out, out
    # The grading test knows the new exercise's typical wrong answer (its full nbgrader round
    # trip runs in make test, with every other chapter's).
    wrong = "tests/unit/test_nbgrader.py::test_every_code_exercise_has_a_typical_wrong_answer"
    out = _run([*pytest_cmd, wrong, "-rN"], repo, env)
    assert "1 passed" in out, out
    # The chapter as written, every cell run in a kernel that imports the copy's package.
    _run([*pytest_cmd, "--nbval-lax", "--nbval-current-env", guide.NOTEBOOK], repo, env)
