"""`.ci/why-it-failed`: a failing CI run ends with why, since only the log's end may be read."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAILED = "/r/chapters/06-code.ipynb: WARNING: Executing notebook failed: CellExecutionError [mystnb.exec]"
# as Sphinx prints it, in colour
BOOK_LOG = (
    "\x1b[01mreading sources... \x1b[39;49;00m[ 50%] chapters/06-code\n"
    "/r/chapters/06-code.ipynb:350002: WARNING: LookupError: 'k-plus-1' is not computed yet\n"
    + FAILED.replace("WARNING", "\x1b[91mWARNING")
    + "\x1b[39;49;00m\n"
    "/r/chapters/06-code.ipynb: WARNING: Notebook exception traceback saved in: /r/x.err.log\n"
    "build finished with problems, 3 warnings.\n"
)
REPORT = (
    "Cell In[17], line 2\n"
    "      1 # The prose above, checked whenever the notebook runs\n"
    "----> 2 assert max(backprop_ / forward_) < 8  # a small multiple\n"
    "      3 assert 0.2 < min(per_pass)\n\n"
    "AssertionError: the backward pass\n"
)
MAKE_LOG = "....F..\nFAILED tests/unit/test_x.py::test_y - AssertionError: no\n2 failed, 5 passed\n"


def _digest(root: Path) -> str:
    (root / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "why-it-failed", root / ".ci" / "why-it-failed")
    done = subprocess.run(
        ["bash", str(root / ".ci" / "why-it-failed")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_digest_names_the_failed_notebook_its_failing_line_and_the_failed_tests(tmp_path):
    reports = tmp_path / "_build" / "html" / "reports" / "chapters"
    reports.mkdir(parents=True)
    (tmp_path / "_build" / "book-log.txt").write_text(BOOK_LOG)
    (reports / "06-code.err.log").write_text(REPORT)
    (tmp_path / "test-artifacts").mkdir()
    (tmp_path / "test-artifacts" / "make-test-log.txt").write_text(MAKE_LOG)
    out = _digest(tmp_path)
    lines = out.splitlines()
    assert "==== Why make test failed ====" in lines
    lookup = next(line for line in lines if "LookupError" in line)
    assert lines.index(FAILED) < lines.index(lookup)  # the failed notebook first, colour gone
    assert "\x1b" not in out and "traceback saved in" not in out
    assert "----> 2 assert max(backprop_ / forward_) < 8  # a small multiple" in lines
    assert "AssertionError: the backward pass" in lines
    assert "FAILED tests/unit/test_x.py::test_y - AssertionError: no" in lines


def test_the_digest_of_a_run_that_left_nothing_behind_is_one_line(tmp_path):
    assert _digest(tmp_path).strip() == "==== Why make test failed ===="
