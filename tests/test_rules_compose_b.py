"""Unit tests of the PART B compose rules: network isolation, security, cross-file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from linter.rules import dc_crossfile, dc_network, dc_security
from linter.rules._compose_security_helpers import (
    literal_secret_value,
    normalize_host_path,
    secret_key,
)
from linter.rules._secrets import token_format, url_password
from linter.rules.dc_security import root_equivalent, sensitive_path, socket_exposed

from linter.context import ComposeContext
from linter.diagnostics import Diagnostic
from linter.dispatch import check_rule
from linter.engine import build_links, load_compose


def run_rule(rule_class: type, tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        project = load_compose(Path("compose.yaml"), "compose.yaml", None)
        context = ComposeContext(project=project, builds=tuple(build_links(project, {})))
        return check_rule(rule_class(), context)
    finally:
        os.chdir(old)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("POSTGRES_PASSWORD", True),
        ("GITHUB_TOKEN", True),
        ("DJANGO_SECRET_KEY", True),
        ("SMTP_PASS", True),
        ("SENTRY_DSN", True),
        ("POSTGRES_PASSWORD_FILE", False),
        ("TOKEN_TTL", False),
        ("MYSQL_ALLOW_EMPTY_PASSWORD", False),
        ("PASSWORD_MIN_LENGTH", False),
        ("PASSPORT_CLIENT_ID", False),
        ("POSTGRES_USER", False),
        ("OAUTH_TOKEN_URL", False),
    ],
)
def test_secret_key_names(key: str, expected: bool) -> None:
    assert secret_key(key) is expected


def test_secret_values_and_formats() -> None:
    assert literal_secret_value("hunter2")
    assert not literal_secret_value("true")
    assert not literal_secret_value("3600")
    assert not literal_secret_value("/run/secrets/db")
    assert token_format("ghp_" + "a" * 36) == "a GitHub token"
    assert token_format("AKIA" + "A" * 16) == "an AWS access key id"
    assert token_format("-----BEGIN RSA PRIVATE KEY-----\nabc") == "a private key"
    assert token_format("changeme") is None


def test_url_password_positions() -> None:
    text = "postgres://app:s3cret@db:5432/app"
    found = url_password(text)
    assert found is not None
    scheme, start, end = found
    assert (scheme, text[start:end]) == ("postgres", "s3cret")
    assert url_password("amqp://rabbitmq:5672/") is None
    assert url_password("https://user@host/") is None


def test_host_paths() -> None:
    assert normalize_host_path("/var/run/../run/docker.sock/") == "/var/run/docker.sock"
    assert normalize_host_path("~/.ssh/") == "~/.ssh"
    assert socket_exposed("/var/run") == "/var/run/docker.sock"
    assert socket_exposed("/") is not None
    assert socket_exposed("/run/myapp") is None
    assert socket_exposed("/home/me/.docker/run/docker.sock") is not None
    assert root_equivalent("/etc") and root_equivalent("/root/.ssh")
    assert not root_equivalent("/etc/nginx") and not root_equivalent("/srv/data")
    assert sensitive_path("/etc/localtime") is None
    assert sensitive_path("/home/alice") is not None
    assert sensitive_path("/home/alice/projects") is None
    assert sensitive_path("/home/alice/.aws") is not None


def test_confinement_last_entry_wins(tmp_path: Path) -> None:
    compose = (
        "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n"
        "      - seccomp:./profile.json\n      - seccomp:unconfined\n"
    )
    found = run_rule(dc_security.ConfinementDisabled, tmp_path, {"compose.yaml": compose})
    assert [(d.span.start.line, d.span.start.column) for d in found] == [(6, 9)]


def test_datastore_port_fix_edits(tmp_path: Path) -> None:
    compose = (
        'services:\n  db:\n    image: postgres:17\n    ports:\n      - "5432:5432"\n'
        '      - 0.0.0.0:5433:5432\n      - "5434"\n'
    )
    found = run_rule(dc_network.DatastorePortPublished, tmp_path, {"compose.yaml": compose})
    edits = [(d.fix.edits[0].span.start.column, d.fix.edits[0].text) for d in found if d.fix]
    assert edits == [(10, "127.0.0.1:"), (9, "127.0.0.1"), (10, "127.0.0.1::")]


def test_topology_names_the_groups(tmp_path: Path) -> None:
    compose = (
        'services:\n  proxy:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
        "    depends_on: [api]\n  api:\n    image: ghcr.io/acme/api:1\n"
        '    command: ["serve", "--db", "postgres://db/app"]\n'
        "  worker:\n    image: ghcr.io/acme/worker:1\n  db:\n    image: postgres:17\n"
    )
    found = run_rule(dc_network.DatastoreOnPublicNetwork, tmp_path, {"compose.yaml": compose})
    assert len(found) == 1
    message = found[0].message
    assert "'proxy'" in message and "'api' names it here" in message
    assert "'proxy', 'worker' may use it through their own configuration" in message
    assert "does not use" not in message


def test_cross_file_secret_id_defaults_to_target_name(tmp_path: Path) -> None:
    files = {
        "compose.yaml": (
            "services:\n  api:\n    build:\n      context: .\n"
            "      secrets: [netrc]\nsecrets:\n  netrc:\n    file: ./n\n"
        ),
        "Dockerfile": "FROM alpine:3.20\nRUN --mount=type=secret,target=/root/netrc true\n",
    }
    assert run_rule(dc_crossfile.BuildSecretUnused, tmp_path, files) == []
    assert run_rule(dc_crossfile.BuildSecretNotProvided, tmp_path, files) == []


def test_required_arg_ignores_unbuilt_stage_and_global_default(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      target: app\n",
        "Dockerfile": (
            "ARG VERSION=1.0\nFROM alpine:3.20 AS test\nARG TEST_ONLY\n"
            "FROM alpine:3.20 AS app\nARG VERSION\nARG NEEDED\n"
        ),
    }
    found = run_rule(dc_crossfile.RequiredBuildArgMissing, tmp_path, files)
    assert [d.message.split("build arg ")[1].split(",")[0] for d in found] == ["NEEDED"]
