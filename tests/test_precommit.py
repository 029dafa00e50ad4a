"""The pre-commit hooks, run with `pre-commit try-repo` against a temporary git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("pre-commit") is None or shutil.which("git") is None,
        reason="pre-commit and git are needed",
    ),
]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def _user_repo(tmp_path: Path) -> Path:
    user = tmp_path / "user"
    user.mkdir()
    _git(user, "init", "-q")
    _git(user, "config", "user.email", "dev@example.com")
    _git(user, "config", "user.name", "dev")
    (user / ".shiplint.toml").write_text("", encoding="utf-8")
    (user / "Dockerfile").write_text('from alpine:3.20\nCMD ["sh"]\n', encoding="utf-8")
    (user / "compose.yaml").write_text(
        'services:\n  web:\n    image: "nginx:1.27"\n', encoding="utf-8"
    )
    (user / "notes.txt").write_text("not linted\n", encoding="utf-8")
    _git(user, "add", ".")
    _git(user, "commit", "-qm", "start")
    return user


def _try_repo(user: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), SKIP="")
    return subprocess.run(
        ["pre-commit", "try-repo", str(REPO), hook, "--all-files", "--verbose"],
        cwd=user,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
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


def test_a_commit_touching_only_compose_yaml_is_not_blocked_by_its_dockerfile(
    tmp_path: Path,
) -> None:
    """pre-commit passes the staged files: the compose file's Dockerfile is read for the
    cross-file rules (test_cli_habits checks that they still fire), but its old findings only
    count when it is staged too."""
    user = tmp_path / "user"
    (user / "backend").mkdir(parents=True)
    _git(user, "init", "-q")
    _git(user, "config", "user.email", "dev@example.com")
    _git(user, "config", "user.name", "dev")
    (user / ".shiplint.toml").write_text("", encoding="utf-8")
    (user / "backend" / "Dockerfile").write_text(  # old findings nobody touches today
        "from python:3.12-slim\nARG APP_VERSION\nWORKDIR /app\nRUN pip install flask\n"
        "COPY . .\nUSER 1000\nCMD python app.py\n",
        encoding="utf-8",
    )
    (user / "backend" / ".dockerignore").write_text(".git\n.env\n", encoding="utf-8")
    compose = (
        "services:\n  api:\n    build:\n      context: ./backend\n      args:\n"
        '        APP_VERSION: 1.4.2\n    ports:\n      - "127.0.0.1:8000:8000"\n'
    )
    (user / "compose.yaml").write_text(compose, encoding="utf-8")
    _git(user, "add", ".")
    _git(user, "commit", "-qm", "start")

    (user / "compose.yaml").write_text(compose.replace("8000:8000", "8001:8000"), encoding="utf-8")
    _git(user, "add", "compose.yaml")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "home"), SKIP="")
    env.pop("GITHUB_ACTIONS", None)
    in_dockerfile = re.compile(r"^backend/Dockerfile:\d+:\d+: ", re.MULTILINE)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pre-commit", "try-repo", str(REPO), "shiplint", "--verbose"],
            cwd=user,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    only_compose = try_repo()
    assert only_compose.returncode == 0, only_compose.stdout + only_compose.stderr
    assert not in_dockerfile.search(only_compose.stdout)

    (user / "backend" / "Dockerfile").write_text(
        'from python:3.12-slim\nCMD ["python"]\n', encoding="utf-8"
    )
    _git(user, "add", "backend/Dockerfile")
    both = try_repo()
    assert both.returncode == 1 and in_dockerfile.search(both.stdout)
