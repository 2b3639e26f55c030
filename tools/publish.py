"""Before `make publish` pushes the site: say where it goes, and ask.

`make publish` replaces the gh-pages branch of a git remote (origin unless REMOTE=...) with
the built site. This script names that remote and the address the site will have, refuses a
remote that is not on GitHub (GitHub Pages is the only host the push serves), and asks for a
"y" unless run with --yes (`make publish YES=1`). Exit status 0 means: go ahead; 3 means the
answer was no, and make publish stops without an error; anything else is an error.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DECLINED = 3  # the instructor answered no: nothing to do, and no error
GITHUB = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$"
)


def github_repo(remote_url: str) -> tuple[str, str] | None:
    """(owner, repository) of a GitHub remote, in any of git's address forms; None otherwise."""
    m = GITHUB.match(remote_url.strip())
    return (m["owner"], m["repo"]) if m else None


def remote_url(remote: str, root: Path) -> str:
    result = subprocess.run(
        ["git", "remote", "get-url", remote], cwd=root, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(
            f"make publish: this clone has no git remote named {remote!r}. Add your repository "
            f"with `git remote add {remote} https://github.com/<owner>/<repository>`."
        )
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--yes", action="store_true", help="do not ask")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    url = remote_url(args.remote, args.root)
    repo = github_repo(url)
    if repo is None:
        print(
            f"make publish: the remote {args.remote!r} is {url}, which is not on github.com.\n"
            "make publish only pushes to GitHub Pages. Elsewhere, run `make book` and copy "
            "_build/html to your web server: it is a plain static site.",
            file=sys.stderr,
        )
        return 1
    owner, name = repo
    print(
        f"make publish will replace the gh-pages branch of {url} (remote {args.remote!r})\n"
        f"with the book built from this checkout. The site: https://{owner.lower()}.github.io/{name}/"
    )
    config = yaml.safe_load((args.root / "_config.yml").read_text(encoding="utf8"))
    book_repo = github_repo(str(config.get("repository", {}).get("url", "")))
    if book_repo != repo:
        print(
            f"Warning: _config.yml names the repository {config['repository']['url']}, so the "
            "site's buttons will point there, not to the remote you push to "
            "(`make adapt URL=...` changes it)."
        )
    if args.yes:
        return 0
    if not sys.stdin.isatty():
        print(
            "make publish: not confirmed. Run `make publish YES=1` to push without asking.",
            file=sys.stderr,
        )
        return 1
    answer = input("Push? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        print("Nothing pushed.")
        return DECLINED
    return 0


if __name__ == "__main__":
    sys.exit(main())
