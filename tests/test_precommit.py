"""The pre-commit hooks, run with `pre-commit try-repo` against a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="pre-commit and git are needed",
)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def _user_repo(tmp_path: Path) -> Path:
    user = tmp_path / "user"
    user.mkdir()
    _git(user, "init", "-q")
    _git(user, "config", "user.email", "dev@example.com")
    _git(user, "config", "user.name", "dev")
    (user / ".shiplint.toml").write_text("", encoding="utf-8")
    (user / "Dockerfile").write_text("from alpine:3.20\nCMD [\"sh\"]\n", encoding="utf-8")
    (user / "compose.yaml").write_text('services:\n  web:\n    image: "nginx:1.27"\n',
                                       encoding="utf-8")
    (user / "notes.txt").write_text("not linted\n", encoding="utf-8")
    _git(user, "add", ".")
    _git(user, "commit", "-qm", "start")
    return user


def _try_repo(user: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), SKIP="")
    return subprocess.run(
        ["pre-commit", "try-repo", str(REPO), hook, "--all-files", "--verbose"],
        cwd=user, env=env, capture_output=True, text=True, timeout=900,
    )


def test_hooks_lint_and_fix(tmp_path: Path) -> None:
    user = _user_repo(tmp_path)
    home = tmp_path / "pre-commit-home"
    lint = _try_repo(user, "shiplint", home)
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert "Dockerfile" in lint.stdout
    assert "notes.txt" not in lint.stdout
    fix = _try_repo(user, "shiplint-fix", home)
    assert fix.returncode != 0  # files were modified: pre-commit reports failure
    assert (user / "Dockerfile").read_text(encoding="utf-8").startswith("FROM alpine:3.20")
