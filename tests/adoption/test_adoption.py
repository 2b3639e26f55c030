"""Every change the instructors' pages suggest, in turn, in a temporary clone: `make test-adoption`.

A new instructor follows the README and the "For instructors" pages with awkward but
realistic values. After each step the tests that step concerns must pass, and after the
experiment's changes the whole book must build (-W) with no number of the old experiment left
on its pages. The steps:

1. `make adapt` with a title holding a colon, an apostrophe and a non-ASCII letter, accented
   authors, a hub and a branch;
2. the noise to 0.1 (`SETTINGS`), then the number of points to 200, each in
   src/backproplab/experiment.py;
3. a new exercise by the author's guide (tests/unit/guide_steps.py);
4. `make nbgrader`, and the new exercise graded end to end;
5. `make student-branch`;
6. `make pdf`, read back by tests/pdf.

It takes about 15 minutes on two cores (13.5 measured), so it is not part of `make test`.
Each command's time goes to test-artifacts/adoption.txt.
"""

from __future__ import annotations

import html
import re
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from course_copy import ROOT, copy_course, run  # noqa: E402

TITLE = "Backprop by Hand: Zoë's Section"
VALUES = {
    "URL": "https://github.com/zoe-lefevre/backprop-by-hand",
    "TITLE": TITLE,
    "AUTHORS": "Zoë Lefèvre; José Núñez-García",
    "HUB": "https://hub.example.edu/zoe/",
    "BRANCH": "student",
}
# The experiment's changes the instructors' page calls safe, in the order they are made.
SETTINGS = [("NOISE", 0.1), ("N", 200)]
BIN = Path(sys.executable).parent
UNIT = ["-p", "no:cacheprovider", "-q", "-n", "2"]
# The unit tests that copy the course themselves and run their own steps: not again here.
SELF_COPYING = ["tests/unit/test_adopter_path.py", "tests/unit/test_author_guide.py"]


class Steps:
    """Runs the adopter's commands in the clone, keeps how long each took, and goes on after a
    failure (as an instructor would), so that one run reports every step that breaks."""

    def __init__(self, course: Path):
        self.course, self.rows, self.failures = course, [], []

    def __call__(self, label: str, args: list[str], timeout: float = 1800):
        start = time.perf_counter()
        try:
            result = run(args, self.course, timeout=timeout)
        except AssertionError as failure:
            self.failures.append(f"{label}:\n{str(failure)[-3000:]}")
            result = None
        self.rows.append(
            (label + (" FAILED" if result is None else ""), time.perf_counter() - start)
        )
        return result

    def check(self, label: str, ok: bool, detail: str = "") -> None:
        if not ok:
            self.failures.append(f"{label}: {detail}")

    def unit_tests(self, label: str, *extra: str):
        ignore = [f"--ignore={path}" for path in SELF_COPYING]
        self(
            f"unit tests ({label})",
            [sys.executable, "-m", "pytest", "tests/unit", *UNIT, *ignore, *extra],
        )

    def report(self) -> str:
        lines = [f"{seconds:7.1f} s  {label}" for label, seconds in self.rows]
        return "\n".join(lines + [f"{sum(s for _, s in self.rows):7.1f} s  total"])


def set_setting(course: Path, name: str, value) -> None:
    """Change one line of experiment.py, as the page says."""
    path = course / "src/backproplab/experiment.py"
    source = path.read_text(encoding="utf8")
    assert re.search(rf"^{name} = ", source, re.M), f"experiment.py sets no {name}"
    path.write_text(re.sub(rf"^{name} = .+$", f"{name} = {value}", source, flags=re.M))


def page_words(page: Path) -> str:
    """The prose of a built page: main content, code and scripts dropped, tags stripped."""
    text = page.read_text(encoding="utf8")
    main = re.search(r"<main.*?</main>", text, re.S)
    body = re.sub(r"<(script|style|pre)\b.*?</\1>", " ", main[0] if main else text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def stale_in_built_pages(html_dir: Path, old: dict[str, float]) -> list[str]:
    """Sentences of the built chapters that state an old setting (the homework's excepted)."""
    patterns = {
        "N": rf"\b{old['N']:g} (points|samples|training points)",
        "NOISE": rf"(noise|deviation)[^.]{{0,40}}\b{old['NOISE']:g}\b",
        "NOISE_FLOOR": rf"(floor|variance)[^.]{{0,40}}\b{old['NOISE_FLOOR']:g}\b",
    }
    found = []
    for page in sorted((html_dir / "chapters").glob("*.html")):
        for sentence in re.split(r"(?<=[.!?])\s+", page_words(page)):
            if "homework" in sentence.lower():
                continue  # the source homework's values are history
            for name, pattern in patterns.items():
                if re.search(pattern, sentence):
                    found.append(f"{page.name}: old {name}: {sentence[:160]}")
    return found


def test_every_documented_change_keeps_the_course_green(tmp_path):
    course = copy_course(tmp_path / "course")
    steps = Steps(course)
    try:
        # 1. Make it yours, awkward values and all.
        steps("make adapt", ["make", "-s", "adapt"] + [f"{k}={v}" for k, v in VALUES.items()])
        config = yaml.safe_load((course / "_config.yml").read_text(encoding="utf8"))
        assert config["title"] == TITLE and config["repository"]["branch"] == "student"
        steps.unit_tests("after make adapt")

        # 2. The experiment's safe changes, one after the other; the book after each.
        for name, value in SETTINGS:
            ex = _experiment(course)
            old = {"N": ex["N"], "NOISE": ex["NOISE"], "NOISE_FLOOR": ex["NOISE"] ** 2}
            set_setting(course, name, value)
            steps.unit_tests(f"{name} = {value}")
            steps(
                f"notebooks, {name} = {value}",
                [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env"]
                + ["-n", "2", "--dist", "loadscope", "-q", "-p", "no:cacheprovider", "chapters"],
            )
            steps(f"make book, {name} = {value}", ["make", "-s", "-o", ".venv/.installed", "book"])
            # The landing page's heading is the title exactly as typed, apostrophe included.
            landing = course / "_build/html/chapters/01-welcome.html"
            if not landing.exists():
                steps.check(f"the book, {name} = {value}", False, "no landing page was built")
                continue
            heading = re.search(r"<h1>(.*?)<", landing.read_text(encoding="utf8"))[1]
            steps.check("the landing page's heading", html.unescape(heading) == TITLE, heading)
            # The setting just changed must be gone from every page (the noise with its floor).
            changed = {name, "NOISE_FLOOR"} if name == "NOISE" else {name}
            stale = stale_in_built_pages(course / "_build" / "html", old)
            stale = [s for s in stale if s.split(": old ")[1].split(":")[0] in changed]
            steps.check(f"no old {name} on the built pages", stale == [], "\n".join(stale))

        # 3. A new exercise, by the author's guide.
        from guide_steps import LABEL, NOTEBOOK, add_throwaway_exercise

        start = time.perf_counter()
        add_throwaway_exercise(course)
        steps.rows.append(("add an exercise by the guide", time.perf_counter() - start))
        steps.unit_tests("the new exercise", "-k", "not round_trip")
        steps(
            "the changed chapter, as written",
            [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q"]
            + ["-p", "no:cacheprovider", NOTEBOOK],
        )

        # 4. The nbgrader course, the new exercise graded end to end.
        steps("make nbgrader", ["make", "-s", "-o", ".venv/.installed", "nbgrader"])
        nbgrader_source = course / "_build/nbgrader/source/02-problem/02-problem.ipynb"
        steps.check("the new exercise's chapter is an assignment", nbgrader_source.exists())
        steps(
            "nbgrader round trip of the new exercise's chapter",
            [sys.executable, "-m", "pytest", "tests/unit/test_nbgrader.py", "-q"]
            + ["-p", "no:cacheprovider", "-k", "02-problem or make_nbgrader"],
        )
        grading = (course / "tests/unit/test_nbgrader.py").read_text(encoding="utf8")
        steps.check("the grading test knows the new exercise", LABEL in grading)

        # 5. The student branch.
        steps("make student-branch", ["make", "-s", "-o", ".venv/.installed", "student-branch"])
        readme = run(["git", "show", "student:README.md"], course).stdout
        steps.check("the student branch's README title", readme.startswith(f"# {TITLE}\n"))

        # 6. The printed book, read back.
        steps("make pdf", ["make", "-s", "-o", ".venv/.installed", "pdf"], timeout=3600)
        steps("the PDFs, read back", [sys.executable, "-m", "pytest", "tests/pdf", "-q"])
        assert steps.failures == [], "\n\n".join(steps.failures)
    finally:
        report = steps.report()
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        (ROOT / "test-artifacts" / "adoption.txt").write_text(report + "\n", encoding="utf8")
        print(report)


def _experiment(course: Path) -> dict:
    """The clone's experiment settings, read from its experiment.py."""
    namespace: dict = {}
    exec((course / "src/backproplab/experiment.py").read_text(encoding="utf8"), namespace)
    return namespace
