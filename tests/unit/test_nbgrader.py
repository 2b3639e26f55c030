"""The exercises as an nbgrader course, graded end to end by the real nbgrader.

For each assignment (a chapter with code exercises), in a fresh course directory:
``make nbgrader``'s writer, ``nbgrader generate_assignment`` (no solution may survive),
three simulated submissions (every stub as released; every exercise solved; one typical
wrong answer per exercise), ``nbgrader autograde``, the gradebook's scores (exactly 0, full
marks, and 0 on every wrong exercise), and ``nbgrader generate_feedback``, whose pages must
carry the checker's diagnosis of each wrong answer.
"""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import nbgrader_course as course  # noqa: E402

pytest.importorskip("nbgrader")
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.apps import NbGraderAPI  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

# One typical wrong answer per exercise: (text in the reference solution, its replacement,
# words of the checker's diagnosis the student must get back in the feedback).
WRONG = {
    "ex-grad-w2-b2": ("2.0 * (f - y) / len(x)", "(f - y) / len(x)", "forgot the 2"),
    "ex-grad-w1-b1": (" * bp.sigmoid_prime(z)", "", "σ′"),
    "ex-loss-and-grads": ("2.0 * (f - y) / len(x)", "(f - y) / len(x)", "forgot the 2"),
    "ex-activation-primes": ("1.0 - t**2", "1.0 - t", "must be squared"),
    "ex-numerical-grad": ("nudge)) / (2 * eps)", "nudge)) / eps", "2ε"),
    "ex-find-the-bug": ('@ params["w2"] + params["b2"]', '@ params["w2"] + 0.5', "b2"),
    "ex-gd-step": ("- lr * grads[name]", "+ lr * grads[name]", "wrong sign"),
    "ex-learning-rate": ("lr = min(", "lr = 0.01 * min(", "too small"),
    "ex-momentum-step": ("beta * velocity[name]", "velocity[name]", "β is missing"),
    "ex-deep-backward": ("(2.0 / n) *", "(1.0 / n) *", "forgot the 2"),
    "ex-mul-tanh-rules": ("(1 - out.value**2)", "(1 - out.value)", "must be squared"),
    "ex-fork-bug": (
        'fixed_line = "parent.grad += downstream"',
        'fixed_line = "parent.grad = downstream"',
        "forks add up",
    ),
    "ex-bce-output-error": ("(p - y) / n", "(y - p) / n", "wrong sign"),
    "ex-softmax-ce-backward": ("np.eye(m)[y]", "y[:, None]", "one-hot forgotten"),
    "ex-log-softmax": ("Z.max(axis=1, keepdims=True)", "Z.max()", "each row needs its own"),
    "ex-predict-separable": ('{"gaussians"}', '{"gaussians", "moons"}', "interlock"),
    "ex-ce-backward-digits": (
        "P[np.arange(n), y] -= 1",
        "P[np.arange(n), y] -= 0",
        "never subtracted",
    ),
    "ex-predict-no-hidden": ("guess = 0.94", "guess = 150", "between 0 and 1"),
    "ex-accuracy-confusion": ("(y, pred), 1)", "(pred, y), 1)", "TRUE class"),
    "ex-loop-bug": ("p.zero_grad()  # 1.", "p.grad  # 1.", "ADDS"),
}
STUDENTS = ("stub", "solved", "wrong")
MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
ASSIGNMENTS = [
    path.stem
    for path in sorted((ROOT / "chapters").glob("*.ipynb"))
    if course.find_exercises(nbformat.read(path, as_version=4))
]


@pytest.fixture
def nbgrader_api(tmp_path, monkeypatch):
    """nbgrader's own API, run in the course directory with the config make nbgrader wrote."""
    root = tmp_path / "course"
    monkeypatch.chdir(tmp_path)
    # nbgrader runs `alembic` for its database; the kernels must import this checkout's package.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "src"))

    def make(assignment):
        assert assignment in course.write_course(root)
        for other in (root / "source").iterdir():
            if other.name != assignment:
                shutil.rmtree(other)
        monkeypatch.chdir(root)
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        config.Exchange.root = str(tmp_path / "exchange")  # the hub's; unused here
        return root, NbGraderAPI(config=config)

    return make


def _ok(result, what):
    assert result["success"], f"nbgrader {what} failed:\n{result.get('error')}\n{result.get('log')}"


def _answer(cell) -> str:
    """An answer cell of the source notebook as a student who solved it would write it."""
    return "\n".join(line for line in cell.source.splitlines() if not MARKERS.match(line))


def _mistake(source: str, old: str, new: str, label: str) -> str:
    """The answer with its first code line holding `old` (not a hint comment) changed."""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if old in line and not line.strip().startswith("#"):
            lines[i] = line.replace(old, new, 1)
            return "\n".join(lines)
    raise AssertionError(f"{label}: the wrong answer's {old!r} is not in its code")


def _solution_lines(source: str) -> list:
    """The non-blank code lines between the solution markers of a cell."""
    region, inside = [], False
    for line in source.splitlines():
        if MARKERS.match(line):
            inside = "BEGIN" in line
        elif inside and line.strip() and not line.strip().startswith("#"):
            region.append(line.strip())
    return region


def _outside_solutions(nb) -> str:
    """All the text of a source notebook except what stands between solution markers."""
    kept = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if MARKERS.match(line):
                inside = "BEGIN" in line
            elif not inside:
                kept.append(line)
    return "\n".join(kept)


def test_the_course_id_and_title_follow_make_adapt(tmp_path):
    (tmp_path / "_config.yml").write_text(
        'title: "Backprop by Hand: Zoë\'s Section"\nrepository:\n  url: https://github.com/Uni/BBH.2026\n',
        encoding="utf8",
    )
    assert course.course_settings(tmp_path) == ("bbh-2026", "Backprop by Hand: Zoë's Section")


def test_every_code_exercise_has_a_typical_wrong_answer():
    labels = {
        ex.label
        for path in (ROOT / "chapters").glob("*.ipynb")
        for ex in course.find_exercises(nbformat.read(path, as_version=4))
    }
    assert labels, "no code exercise found in chapters/"
    assert labels <= set(WRONG), f"add a typical wrong answer to WRONG for {labels - set(WRONG)}"


def test_the_answer_cell_keeps_the_stub_and_marks_only_the_answer():
    stub = (
        'def f(x):\n    """Doc."""\n    # Hint: square it.\n    raise NotImplementedError("todo")\n'
    )
    solution = 'def f(x):  # noqa: F811 (replaces the stub)\n    """Doc."""\n    return x**2\n'
    assert course.answer_source(stub, solution) == (
        'def f(x):\n    """Doc."""\n    # Hint: square it.\n'
        "    ### BEGIN SOLUTION\n    return x**2\n    ### END SOLUTION\n"
    )


# nbgrader 0.9 on SQLAlchemy 2 warns about its own session handling (a RuntimeWarning,
# which this project's pytest settings make an error); the grades it stores are right.
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_round_trip(assignment, nbgrader_api):
    root, api = nbgrader_api(assignment)
    name = f"{assignment}.ipynb"
    source = nbformat.read(root / "source" / assignment / name, as_version=4)
    answers = {
        c.metadata.nbgrader.grade_id: c
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    assert answers and set(answers) <= set(WRONG)

    # The release: the stubs, with no line of any reference answer left.
    _ok(api.generate_assignment(assignment), "generate_assignment")
    release = nbformat.read(root / "release" / assignment / name, as_version=4)
    released = "\n".join(c.source for c in release.cells)
    assert "BEGIN SOLUTION" not in released and "END SOLUTION" not in released
    outside = {line.strip() for line in _outside_solutions(source).splitlines()}
    for label, cell in answers.items():
        region = _solution_lines(cell.source)
        assert region, f"{label}: no solution between the markers"
        answer_only = [line for line in region if line not in outside]
        leaked = [
            line for line in answer_only if line in {s.strip() for s in released.splitlines()}
        ]
        assert not leaked, f"{label}: the release still holds solution lines {leaked}"

    # Three submissions: as released, solved, and one typical mistake per exercise.
    for student in STUDENTS:
        sub = nbformat.read(root / "release" / assignment / name, as_version=4)
        for cell in sub.cells:
            label = cell.metadata.get("nbgrader", {}).get("grade_id")
            if student == "stub" or label not in answers:
                continue
            cell.source = _answer(answers[label])
            if student == "wrong":
                cell.source = _mistake(cell.source, *WRONG[label][:2], label)
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(sub, folder / name)

    for student in STUDENTS:
        _ok(api.autograde(assignment, student), f"autograde ({student})")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        scores = {}
        for student in STUDENTS:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            scores[student] = {g.name: (g.score, g.max_score) for g in nb.grades}
    tests = {f"test-{label}" for label in answers}
    report = ROOT / "test-artifacts" / "nbgrader" / f"{assignment}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        "".join(
            f"{assignment}\t{student}\t{cell}\t{score:g} / {top:g}\n"
            for student in STUDENTS
            for cell, (score, top) in sorted(scores[student].items())
        )
    )
    assert set(scores["solved"]) == tests
    full = {cell: top for cell, (_, top) in scores["solved"].items()}
    assert all(top > 0 for top in full.values())
    assert {c: s for c, (s, _) in scores["solved"].items()} == full, scores["solved"]
    assert {c: s for c, (s, _) in scores["stub"].items()} == dict.fromkeys(tests, 0), scores
    assert {c: s for c, (s, _) in scores["wrong"].items()} == dict.fromkeys(tests, 0), scores

    # Feedback: each wrong answer's diagnosis reaches the student.
    _ok(api.generate_feedback(assignment, "wrong"), "generate_feedback")
    page = html.unescape(
        (root / "feedback" / "wrong" / assignment / f"{assignment}.html").read_text()
    )
    for label in answers:
        assert WRONG[label][2] in page, f"{label}: the feedback lacks {WRONG[label][2]!r}"
    assert "✗" in page


def test_make_nbgrader_writes_the_course(tmp_path):
    out = tmp_path / "course"
    # -o: never (re)install the venv from inside a test; the outer make's flags stay outside.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-o", ".venv/.installed", "nbgrader", f"NBGRADER_DIR={out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    config = (out / "nbgrader_config.py").read_text(encoding="utf8")
    course_id, title = course.course_settings()
    assert f"course_id = {course_id!r}" in config and title in config
    # An instructor's own settings survive the next make nbgrader, and so does their gradebook.
    (out / "nbgrader_config.py").write_text(config.replace(repr(course_id), "'ml-101'"))
    (out / "gradebook.db").write_bytes(b"grades")
    again = subprocess.run(
        ["make", "-o", ".venv/.installed", "nbgrader", f"NBGRADER_DIR={out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and "Kept your" in again.stdout, again.stdout + again.stderr
    assert "course_id = 'ml-101'" in (out / "nbgrader_config.py").read_text(encoding="utf8")
    assert (out / "gradebook.db").read_bytes() == b"grades"
    written = sorted(p.parent.name for p in (out / "source").glob("*/*.ipynb"))
    assert written == ASSIGNMENTS
    for assignment in written:
        nb = nbformat.read(out / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        kinds = [c.metadata.nbgrader for c in nb.cells]
        assert all(k["locked"] for k in kinds if not k["solution"]), assignment
        assert any(k["solution"] for k in kinds) and any(k["grade"] for k in kinds), assignment
