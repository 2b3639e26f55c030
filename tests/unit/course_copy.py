"""A throwaway copy of the course, as an adopter's fresh clone would be (for the adopter tests).

The copy holds the files git knows about (committed or not, ignored ones left out), is a git
repository of its own with one commit, and shares the tests' own environment (sys.prefix) as
its .venv, through a symlink.
The requirement files get an old date, so `make` in the copy uses that .venv as installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The environment running the tests (sys.prefix, not ROOT/.venv: that may be a symlink).
VENV = Path(sys.prefix)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Adopter",
    "GIT_AUTHOR_EMAIL": "adopter@example.edu",
    "GIT_COMMITTER_NAME": "Adopter",
    "GIT_COMMITTER_EMAIL": "adopter@example.edu",
}
OLD = 1577836800  # 2020-01-01: older than .venv/.installed, so make does not reinstall


def run(
    args: list[str], cwd: Path, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess:
    """Run a command in the copy with its own src/ on PYTHONPATH; fail with its output."""
    full_env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(cwd / "src"), **env}
    full_env.pop("MAKEFLAGS", None)
    result = subprocess.run(
        args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} failed ({result.returncode}):\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result


def copy_course(dest: Path) -> Path:
    """Copy the course into dest (which must not exist) and commit it there."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    dest.mkdir(parents=True)
    for name in filter(None, names):
        src = ROOT / name
        if src.is_symlink() or not src.is_file():
            continue  # the .venv symlink and deleted files
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name)
    (dest / ".venv").symlink_to(VENV)
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        os.utime(dest / name, (OLD, OLD))
    run(["git", "init", "-q", "-b", "main"], dest)
    run(["git", "add", "-A"], dest)
    run(["git", "commit", "-q", "-m", "the course, as cloned"], dest)
    return dest
