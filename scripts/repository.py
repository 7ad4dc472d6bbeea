"""The repository's address in one place: ``_config.yml``'s ``repository.url`` (and ``branch``).

Every other place that names the repository is derived from it; this script finds those
places, checks them and rewrites them:

* a chapter's Colab cell installs ``twoplustwo-helpers @ git+https://github.com/<owner>/<name>``
  (every chapter must have one);
* Colab links open ``https://colab.research.google.com/github/<owner>/<name>/blob/<branch>/...``
  (the README has one);
* the published book is at ``https://<owner>.github.io/<name>/`` (GitHub Pages; looked for in
  the README and pyproject.toml only: the book's pages cite other sites on github.io);
* the package's ``[project.urls]`` in pyproject.toml.

Usage (``make repository URL=...`` runs the second form)::

    python scripts/repository.py                                  # list the places; exit 1 if one disagrees
    python scripts/repository.py https://github.com/me/my-fork    # write that address everywhere

``tests/test_repository.py`` fails when a place disagrees with ``_config.yml``. Standard
library only: it runs before the book's environment exists.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL_PATTERN = re.compile(r"https://github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9._-]+)")


@dataclass(frozen=True)
class Repository:
    """A GitHub repository and the branch the book is published from."""

    owner: str
    name: str
    branch: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"


@dataclass(frozen=True)
class Place:
    """One kind of place: where it may occur, how it reads (group 1 is derived), what it should say."""

    what: str
    files: tuple[str, ...]
    pattern: re.Pattern
    expected: Callable[[Repository], str]
    required_in: tuple[str, ...] = ()


_PART = r"[A-Za-z0-9._-]+"
PLACES = (
    Place(
        "Colab cell's install from the repository",
        ("notebooks/*.ipynb", "README.md", "book/**/*.md"),
        re.compile(rf"git\+(https://github\.com/{_PART}/{_PART})"),
        lambda repo: repo.url,
        required_in=("notebooks/*.ipynb",),
    ),
    Place(
        "Colab link",
        ("README.md", "notebooks/*.ipynb", "book/**/*.md"),
        re.compile(rf"colab\.research\.google\.com/github/({_PART}/{_PART}/blob/{_PART})/"),
        lambda repo: f"{repo.owner}/{repo.name}/blob/{repo.branch}",
        required_in=("README.md",),
    ),
    Place(
        "GitHub Pages address",
        ("README.md", "pyproject.toml"),
        re.compile(rf"https://({_PART}\.github\.io/{_PART})"),
        lambda repo: f"{repo.owner.lower()}.github.io/{repo.name}",
    ),
    Place(
        "package's project URL",
        ("pyproject.toml",),
        re.compile(r'(?m)^(?:Repository|Source|Issues) = "(https://github\.com/[^"]*?)(?:/issues)?"'),
        lambda repo: repo.url,
        required_in=("pyproject.toml",),
    ),
)


def _config_value(text: str, key: str) -> re.Match:
    match = re.search(rf"(?m)^repository:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+{key}:[ \t]*(\S+)", text)
    if match is None:
        raise SystemExit(f"_config.yml has no repository.{key}")
    return match


def configured(root: Path = ROOT) -> Repository:
    """The repository ``_config.yml`` names (``repository.url`` and ``repository.branch``)."""
    text = (root / "_config.yml").read_text()
    url, branch = _config_value(text, "url").group(1), _config_value(text, "branch").group(1)
    match = URL_PATTERN.fullmatch(url)
    if match is None:
        raise SystemExit(f"_config.yml's repository.url must be https://github.com/<owner>/<name>, got {url!r}")
    return Repository(match.group(1), match.group(2), branch)


def _files(root: Path, globs: tuple[str, ...]) -> list[Path]:
    found = {path for pattern in globs for path in root.glob(pattern) if path.is_file()}
    return sorted(path for path in found if "_build" not in path.parts and ".venv" not in path.parts)


def disagreements(root: Path = ROOT) -> list[str]:
    """Every place that does not say what ``_config.yml`` implies, and every required place that is missing."""
    repo, problems = configured(root), []
    for place in PLACES:
        expected = place.expected(repo)
        for path in _files(root, place.files):
            text, name = path.read_text(), path.relative_to(root).as_posix()
            matches = list(place.pattern.finditer(text))
            for match in matches:
                if match.group(1) != expected:
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(
                        f"{name}:{line}: {place.what} says {match.group(1)!r}, _config.yml implies {expected!r}"
                    )
            if not matches and path in _files(root, place.required_in):
                problems.append(f"{name}: no {place.what} (expected one naming {expected!r})")
    return problems


def _with_group(match: re.Match, value: str) -> str:
    """The matched text with its first group replaced by ``value``."""
    start, end = match.start(1) - match.start(), match.end(1) - match.start()
    return match.group(0)[:start] + value + match.group(0)[end:]


def set_repository(url: str, root: Path = ROOT) -> list[str]:
    """Write ``url`` into ``_config.yml`` and every place; returns the files changed."""
    if URL_PATTERN.fullmatch(url) is None:
        raise SystemExit(f"URL must be https://github.com/<owner>/<name> (no .git, no trailing /), got {url!r}")
    config = root / "_config.yml"
    text = config.read_text()
    current = _config_value(text, "url")
    config.write_text(text[: current.start(1)] + url + text[current.end(1) :])
    repo, changed = configured(root), ["_config.yml"] if current.group(1) != url else []
    for place in PLACES:
        expected = place.expected(repo)
        for path in _files(root, place.files):
            text = path.read_text()

            new = place.pattern.sub(lambda match, value=expected: _with_group(match, value), text)
            if new != text:
                path.write_text(new)
                changed.append(path.relative_to(root).as_posix())
    return sorted(set(changed))


def main(arguments: list[str]) -> int:
    if arguments:
        changed = set_repository(arguments[0].rstrip("/").removesuffix(".git"))
        print(f"repository {arguments[0]}: " + (", ".join(changed) if changed else "nothing to change"))
    problems = disagreements()
    print("\n".join(problems) if problems else f"every place names {configured().url}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
