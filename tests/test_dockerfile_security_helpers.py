"""The readings behind the Dockerfile security rules: secret names, values and files,
world-writable modes, port 22, pipefail shells, and what a .dockerignore sends to the build.
"""

from __future__ import annotations

import pytest
from linter.rules.df_dockerignore import covers
from linter.rules.df_secrets import find_secret, secret_file, secret_name
from linter.rules.df_security import _covers_22
from linter.rules.df_shell import _world_writable, pipefail_shell


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
