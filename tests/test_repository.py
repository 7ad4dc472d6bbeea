"""The repository's address has one source (``_config.yml``), and every place that names it agrees.

``scripts/repository.py`` lists the places (chapters' Colab cells, the README's Colab link
and Pages address, pyproject's project URLs); ``make repository URL=...`` rewrites them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import repository  # noqa: E402

FORK = "https://github.com/me/my-fork"


def test_every_place_names_the_configured_repository():
    problems = repository.disagreements(ROOT)
    assert not problems, (
        "these places disagree with _config.yml's repository.url (run `make repository URL=<the right url>`):\n"
        + "\n".join(problems)
    )


@pytest.fixture
def copy(tmp_path) -> Path:
    """The files that name the repository, copied into a scratch tree."""
    for pattern in ("_config.yml", "README.md", "pyproject.toml", "notebooks/*.ipynb", "book/**/*.md"):
        for path in ROOT.glob(pattern):
            target = tmp_path / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return tmp_path


def test_one_command_moves_every_place_to_a_fork(copy):
    changed = repository.set_repository(FORK, copy)
    assert repository.configured(copy).url == FORK
    assert repository.disagreements(copy) == []
    for notebook in sorted((copy / "notebooks").glob("*.ipynb")):
        assert notebook.relative_to(copy).as_posix() in changed
        assert f"git+{FORK}" in notebook.read_text()
    readme = (copy / "README.md").read_text()
    assert "colab.research.google.com/github/me/my-fork/blob/main/" in readme
    assert "https://me.github.io/my-fork/" in readme
    assert "two-plus-two-book" not in readme + (copy / "pyproject.toml").read_text()
    # Only the repository's address changed: the same files, byte for byte, once moved back.
    repository.set_repository(repository.configured(ROOT).url, copy)
    for path in copy.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (ROOT / path.relative_to(copy)).read_bytes(), path


def test_a_place_left_behind_is_named(copy):
    chapter = copy / "notebooks" / "05_cartoon_avatars.ipynb"
    chapter.write_text(chapter.read_text().replace("two-plus-two-book/two-plus-two", "someone/else"))
    (problem,) = repository.disagreements(copy)
    assert problem.startswith("notebooks/05_cartoon_avatars.ipynb:") and "'https://github.com/someone/else'" in problem


def test_a_chapter_without_its_colab_cell_is_named(copy):
    chapter = copy / "notebooks" / "01_two_plus_two.ipynb"
    chapter.write_text(chapter.read_text().replace("git+https://github.com/", "git+https://example.org/"))
    assert repository.disagreements(copy) == [
        "notebooks/01_two_plus_two.ipynb: no Colab cell's install from the repository "
        "(expected one naming 'https://github.com/two-plus-two-book/two-plus-two')"
    ]


def test_the_command_refuses_an_address_that_is_not_a_github_repository(copy):
    with pytest.raises(SystemExit, match="URL must be https://github.com/<owner>/<name>"):
        repository.set_repository("git@github.com:me/my-fork", copy)
    assert repository.configured(copy).url == repository.configured(ROOT).url


def test_make_repository_without_url_checks_and_says_so():
    result = subprocess.run(["make", "-s", "repository"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"every place names {repository.configured(ROOT).url}" in result.stdout
