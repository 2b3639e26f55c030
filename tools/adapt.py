"""Make the course yours: one command renames it in every place that names it.

    python tools/adapt.py --url https://github.com/uni/bbh --title "..." --authors "A; B" \
        --hub https://hub.uni.edu --branch main

(`make adapt URL=... TITLE=... AUTHORS=... HUB=... BRANCH=...` calls this.) Each option is
optional; an empty one leaves its value as it is. The files are edited line by line, so their comments and
layout survive, and each edit is read back with a YAML parser. Running it twice changes nothing
the second time.

Where each value goes:
- URL: _config.yml (repository.url), CITATION.cff (repository-code, and url: the GitHub Pages
  address), the README's Binder badge.
- TITLE: _config.yml (title), CITATION.cff (title), the README's and the welcome page's heading.
- AUTHORS (separated by ";"): _config.yml (author), CITATION.cff (authors).
- HUB: _config.yml (launch_buttons.jupyterhub_url); HUB=off switches the hub links off.
- BRANCH: _config.yml (repository.branch: the branch the launch buttons start from), and the
  README's Binder badge; for example BRANCH=student after `make student-branch`.

LICENSE and LICENSE-text are left alone on purpose: both licences require that the original
authors stay credited.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
WELCOME = "chapters/01-welcome.md"
# The hosts the book's theme (sphinx-book-theme) knows how to make buttons for.
KNOWN_HOSTS = ("github", "gitlab", "bitbucket")
HUB_OFF = ("off", "none")


class AdaptError(ValueError):
    """A value the course cannot use, or a file that does not look as expected."""


# ---------------------------------------------------------------- checking the values


def check_url(url: str) -> str:
    """The repository's address: https://<host>/<owner>/<repository>, as the browser shows it."""
    url = url.strip()
    parts = urlsplit(url)
    path = [p for p in parts.path.split("/") if p]
    if parts.scheme != "https" or not parts.netloc:
        raise AdaptError(
            f"URL must start with https://, as in https://github.com/owner/repo; got {url!r}"
        )
    if len(path) != 2 or parts.query or parts.fragment:
        raise AdaptError(
            f"URL must be the repository's page, https://<host>/<owner>/<repository>; got {url!r}"
        )
    if path[1].endswith(".git"):
        raise AdaptError(f"URL must be the repository's page, without .git at the end; got {url!r}")
    if not any(host in parts.netloc.lower() for host in KNOWN_HOSTS):
        raise AdaptError(
            f"URL must be on GitHub, GitLab or Bitbucket (the book's launch and source buttons "
            f"only know those); got the host {parts.netloc!r}"
        )
    return f"https://{parts.netloc}/{path[0]}/{path[1]}"


def check_hub(hub: str) -> str:
    """The hub's address (https, optionally with a path prefix), or "" to switch it off."""
    hub = hub.strip()
    if hub.lower() in HUB_OFF:
        return ""
    parts = urlsplit(hub)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise AdaptError(
            f"HUB must be the hub's https address, such as https://hub.example.edu, or 'off'; got {hub!r}"
        )
    if parts.path.rstrip("/").endswith("/hub"):
        raise AdaptError(f"HUB must be the hub's address without /hub at the end; got {hub!r}")
    return hub.rstrip("/")


def check_branch(branch: str) -> str:
    branch = branch.strip()
    if (
        not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._/-]*", branch)
        or ".." in branch
        or branch.endswith((".", "/", ".lock"))
    ):
        raise AdaptError(
            f"BRANCH must be a git branch name, such as main or student; got {branch!r}"
        )
    return branch


def check_text(name: str, value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise AdaptError(f"{name} must not be blank")
    return value


def split_authors(authors: str) -> list[str]:
    names = [" ".join(a.split()) for a in authors.split(";")]
    if not all(names):
        raise AdaptError(
            f'AUTHORS must be names separated by ";", as in "Ada Lovelace; Alan Turing"; got {authors!r}'
        )
    return names


def author_line(names: list[str]) -> str:
    """The book's one-line author: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def pages_url(url: str) -> str | None:
    """Where GitHub Pages publishes the repository's site; None off GitHub."""
    parts = urlsplit(url)
    if parts.netloc.lower() != "github.com":
        return None
    owner, repo = parts.path.strip("/").split("/")
    return f"https://{owner.lower()}.github.io/{repo}/"


def binder_url(url: str, branch: str) -> str:
    """mybinder.org's address for the repository, as the book's own Binder button builds it."""
    parts = urlsplit(url)
    owner, repo = parts.path.strip("/").split("/")
    host = parts.netloc.lower()
    if host == "github.com":
        spec = f"gh/{owner}/{repo}/{branch}"
    elif host == "gitlab.com":
        spec = f"gl/{owner}%2F{repo}/{branch}"
    else:
        spec = f"git/{quote(url, safe='')}/{branch}"
    return f"https://mybinder.org/v2/{spec}?urlpath=lab/tree/chapters"


# ---------------------------------------------------------------- editing text precisely


def yaml_scalar(value: str) -> str:
    """value as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    plain_ok = (
        value
        and " #" not in value
        and ": " not in value
        and not value.endswith(":")
        and value[0] not in "\"'&*!|>%@`#[]{},-?"
    )
    if plain_ok:
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def set_yaml_value(text: str, keys: tuple[str, ...], value: str) -> str:
    """Replace the scalar at keys (e.g. ("repository", "url")) on its own line, keeping comments."""
    lines = text.splitlines(keepends=True)
    start, indent = 0, ""
    for depth, key in enumerate(keys):
        pattern = re.compile(rf"^{indent}{re.escape(key)}:(?P<rest>.*)$")
        for i in range(start, len(lines)):
            line = lines[i].rstrip("\n")
            if (
                depth
                and line.strip()
                and not line.startswith(indent)
                and not line.lstrip().startswith("#")
            ):
                break  # left the parent block
            m = pattern.match(line)
            if m:
                start = i
                break
        else:
            m = None
        if m is None:
            raise AdaptError(f"found no line {'.'.join(keys[: depth + 1])}: to change")
        if depth < len(keys) - 1:
            nxt = next(
                (ln for ln in lines[start + 1 :] if ln.strip() and not ln.lstrip().startswith("#")),
                "",
            )
            indent = nxt[: len(nxt) - len(nxt.lstrip())]
            if len(indent) <= 0:
                raise AdaptError(f"{'.'.join(keys[: depth + 1])}: holds no keys")
            start += 1
    line = lines[start]
    m = re.match(
        r"^(?P<head>\s*[^:#]+:\s*)(?P<old>(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#\n]*?))(?P<tail>\s+#.*)?\n?$",
        line,
    )
    if m is None or m.group("old").startswith(("|", ">")):
        raise AdaptError(f"{'.'.join(keys)}: is not a one-line value; change it by hand")
    newline = "\n" if line.endswith("\n") else ""
    head = m.group("head") if m.group("head").endswith(" ") else m.group("head") + " "
    # Keep the file's quoting style: a value that was double-quoted stays double-quoted.
    scalar = (
        json.dumps(value, ensure_ascii=False)
        if m.group("old").startswith('"') and value
        else yaml_scalar(value)
    )
    lines[start] = f"{head}{scalar}{m.group('tail') or ''}{newline}"
    return "".join(lines)


def set_cff_authors(text: str, names: list[str]) -> str:
    """Replace the block under `authors:` by one `- name:` entry per author."""
    m = re.search(r"^authors:[^\n]*\n((?:[ \t]+[^\n]*\n|[ \t]*\n)*)", text, flags=re.M)
    if m is None:
        raise AdaptError("CITATION.cff has no authors: block to change")
    block = "".join(f"  - name: {json.dumps(n, ensure_ascii=False)}\n" for n in names)
    return text[: m.start(1)] + block + text[m.end(1) :]


def set_heading(text: str, title: str, where: str) -> str:
    """Replace the first level-1 Markdown heading."""
    new, count = re.subn(r"^# .*$", lambda _: f"# {title}", text, count=1, flags=re.M)
    if count == 0:
        raise AdaptError(f"{where} has no '# ' heading to change")
    return new


BADGE = re.compile(r"https://mybinder\.org/v2/[^\s)]+")


def set_badge(text: str, url: str) -> str:
    new, count = BADGE.subn(url, text)
    if count == 0:
        raise AdaptError("README.md has no mybinder.org badge to change")
    return new


# ---------------------------------------------------------------- the whole change


def adapt(
    root: Path, url: str = "", title: str = "", authors: str = "", hub: str = "", branch: str = ""
) -> list[str]:
    """Apply the given values to the course at root; return the files that changed."""
    url = check_url(url) if url.strip() else ""
    title = check_text("TITLE", title) if title.strip() else ""
    names = split_authors(authors) if authors.strip() else []
    hub_value = check_hub(hub) if hub.strip() else None
    branch = check_branch(branch) if branch.strip() else ""

    paths = {name: root / name for name in ("_config.yml", "CITATION.cff", "README.md", WELCOME)}
    for name, path in paths.items():
        if not path.exists():
            raise AdaptError(f"{name} is missing from {root}")
    old = {name: path.read_text(encoding="utf8") for name, path in paths.items()}
    new = dict(old)

    config = yaml.safe_load(old["_config.yml"])
    if branch:
        new["_config.yml"] = set_yaml_value(new["_config.yml"], ("repository", "branch"), branch)
    if url or branch:
        badge_url = url or config["repository"]["url"]
        badge_branch = branch or str(config["repository"].get("branch") or "main")
        new["README.md"] = set_badge(new["README.md"], binder_url(badge_url, badge_branch))
    if url:
        new["_config.yml"] = set_yaml_value(new["_config.yml"], ("repository", "url"), url)
        new["CITATION.cff"] = set_yaml_value(new["CITATION.cff"], ("repository-code",), url)
        site = pages_url(url)
        if site:
            new["CITATION.cff"] = set_yaml_value(new["CITATION.cff"], ("url",), site)
        else:
            new["CITATION.cff"] = re.sub(r"^url:[^\n]*\n", "", new["CITATION.cff"], flags=re.M)
    if title:
        new["_config.yml"] = set_yaml_value(new["_config.yml"], ("title",), title)
        new["CITATION.cff"] = set_yaml_value(new["CITATION.cff"], ("title",), title)
        new["README.md"] = set_heading(new["README.md"], title, "README.md")
        new[WELCOME] = set_heading(new[WELCOME], title, WELCOME)
    if names:
        new["_config.yml"] = set_yaml_value(new["_config.yml"], ("author",), author_line(names))
        new["CITATION.cff"] = set_cff_authors(new["CITATION.cff"], names)
    if hub_value is not None:
        new["_config.yml"] = set_yaml_value(
            new["_config.yml"], ("launch_buttons", "jupyterhub_url"), hub_value
        )

    # Read every edit back, so a file is never left half-changed or unparsable.
    config, cff = yaml.safe_load(new["_config.yml"]), yaml.safe_load(new["CITATION.cff"])
    expected = [
        (url, config["repository"]["url"]),
        (branch, config["repository"]["branch"]),
        (url, cff["repository-code"]),
        (title, config["title"]),
        (title, cff["title"]),
        (author_line(names) if names else "", config["author"]),
        (names, [a.get("name") for a in cff["authors"]]),
        (hub_value, config["launch_buttons"]["jupyterhub_url"]),
    ]
    for want, got in expected:
        if want and want != got:
            raise AdaptError(f"internal error: wrote {want!r} but the file reads {got!r}")

    changed = [name for name in paths if new[name] != old[name]]
    for name in changed:
        paths[name].write_text(new[name], encoding="utf8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="", help="the repository: https://github.com/owner/repo")
    parser.add_argument("--title", default="", help="the course's title")
    parser.add_argument("--authors", default="", help='the authors, separated by ";"')
    parser.add_argument("--hub", default="", help="the JupyterHub's address, or 'off'")
    parser.add_argument("--branch", default="", help="the branch the launch buttons start from")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not any(v.strip() for v in (args.url, args.title, args.authors, args.hub, args.branch)):
        print(
            "Nothing to change. Give one or more of: make adapt URL=https://github.com/owner/repo "
            'TITLE="..." AUTHORS="A; B" HUB=https://hub.example.edu BRANCH=student',
            file=sys.stderr,
        )
        return 2
    try:
        changed = adapt(args.root, args.url, args.title, args.authors, args.hub, args.branch)
    except AdaptError as err:
        print(f"make adapt: {err}", file=sys.stderr)
        return 2
    print("Changed: " + ", ".join(changed) if changed else "Nothing to change: already set.")
    if args.url.strip() and pages_url(check_url(args.url)) is None:
        print(
            "Note: the repository is not on github.com. The book, its Binder button and the hub "
            "links work; publishing with GitHub Pages (the workflow, make publish) does not, and "
            "CITATION.cff no longer names a website (add `url:` by hand once it is online)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
