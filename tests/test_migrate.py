"""Switching from hadolint, dclint or compose-lint: their files work as they are, and
``shiplint migrate`` turns them into a ``.shiplint.toml`` that selects the same.

Every test runs the installed ``shiplint`` in a subprocess, in a temporary project with its own
HOME (hadolint also reads per-user files), as a user does.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from lintrun import write_files

# A .hadolint.yaml as teams write them: a threshold, a few ignores with reasons (one of them a
# rule hadolint retired long ago), severity overrides, registries, labels, output settings.
HADOLINT_YAML = """\
# Settings for hadolint in CI (make lint-docker)
failure-threshold: warning
ignored:
  - DL3059  # separate RUN layers are kept on purpose: they cache better
  - DL3005  # left over from the old template
  - SC2086
override:
  info:
    - DL3008
  error:
    - DL3025
trustedRegistries:
  - docker.io
  - ghcr.io
label-schema:
  org.opencontainers.image.source: url
format: tty
no-color: true
"""

# Every rule that hadolint runs by default and shiplint has off is in here once.
DOCKERFILE = """\
FROM debian:bookworm-slim AS base
LABEL org.opencontainers.image.source="https://example.org/app"
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*

FROM alpine:3.20 AS tools
RUN apk add --no-cache git

FROM rockylinux:9 AS rpm
RUN yum install -y make && yum clean all
RUN dnf install -y gcc && dnf clean all

FROM opensuse/leap:15.6 AS suse
RUN zypper install -y tar && zypper clean

FROM base
MAINTAINER ops@example.org
USER app
CMD python3 -m http.server
"""

# A .dclintrc as dclint users keep it (YAML): some rules off, one promoted, one with options.
DCLINTRC = """\
rules:
  require-project-name-field: 0
  services-alphabetical-order: 0
  no-version-field: 2
  service-keys-order:
    - 1
    - groupOrder: ["Core Definitions", "Networking"]
exclude:
  - legacy
quiet: true
"""

COMPOSE = """\
version: "3.8"
services:
  web:
    ports:
      - 8080:80
    image: nginx:1.27
  cache:
    image: redis
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    return env


def shiplint(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, run in ``folder`` with a HOME of its own."""
    home = folder.parent / f"{folder.name}-home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        ["shiplint", *args], cwd=folder, env=_env(home), capture_output=True, text=True, timeout=120
    )


def findings(folder: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    done = shiplint(folder, "check", "--format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def by_code(found: list[dict[str, object]]) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for item in found:
        codes.setdefault(str(item["code"]), set()).add(str(item["severity"]))
    return codes


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


# ---------------------------------------------------------------------------- hadolint


def test_hadolint_file_turns_on_hadolint_default_set(project: Path) -> None:
    write_files(project, {"Dockerfile": DOCKERFILE, ".hadolint.yaml": "failure-threshold: info\n"})
    _, found, _ = findings(project)
    codes = by_code(found)
    # The six rules hadolint runs and shiplint has off: the OS package pins and DL3066.
    for code in ("DF503", "DF504", "DF508", "DF509", "DF510", "DF562"):
        assert code in codes, code
    # hadolint's severities: DL4000 and DL3020-like rules are errors there.
    assert codes["DF561"] == {"error"}  # MAINTAINER, DL4000
    assert codes["DF562"] == {"info"}  # non-numeric USER, DL3066
    assert codes["DF503"] == {"warning"}
    _, plain, _ = findings(project, "--no-config")
    plain_codes = by_code(plain)
    assert not {"DF503", "DF504", "DF508", "DF509", "DF510", "DF562"} & set(plain_codes)
    assert plain_codes["DF561"] == {"warning"}  # shiplint's own severity without the file


def test_hadolint_settings_are_honoured(project: Path) -> None:
    write_files(
        project,
        {
            "Dockerfile": DOCKERFILE + "RUN echo one\nRUN echo two\n",
            ".hadolint.yaml": HADOLINT_YAML,
        },
    )
    code, found, err = findings(project)
    codes = by_code(found)
    assert codes["DF503"] == {"info"}  # override: info: DL3008
    assert codes["DF557"] == {"error"}  # override: error: DL3025
    assert "DF324" not in codes  # ignored: DL3059
    assert code == 1  # failure-threshold: warning, and DL3018 is a warning
    # The retired code is left out with a note, the output settings are silently accepted.
    assert "DL3005 is not a hadolint rule shiplint knows" in err
    assert "no-color" not in err and "format" not in err
    quiet = shiplint(project, "check", "--quiet")
    assert quiet.stderr == ""


def test_failure_threshold_decides_the_exit_code(project: Path) -> None:
    write_files(
        project,
        {
            "Dockerfile": 'FROM alpine:3.20\nUSER app\nCMD ["sh"]\n',
            ".hadolint.yaml": "failure-threshold: warning\n",
        },
    )
    code, found, _ = findings(project)
    assert by_code(found) == {"DF562": {"info"}} and code == 0
    (project / ".hadolint.yaml").write_text("failure-threshold: info\n", encoding="utf-8")
    assert findings(project)[0] == 1
    (project / ".hadolint.yaml").write_text("no-fail: true\n", encoding="utf-8")
    assert findings(project)[0] == 0


def test_hadolint_per_user_file(project: Path) -> None:
    write_files(project, {"Dockerfile": 'FROM alpine:3.20\nUSER app\nCMD ["sh"]\n'})
    home = project.parent / f"{project.name}-home"
    write_files(home, {".config/hadolint.yaml": "ignored: [DL3066]\n"})
    assert findings(project)[1] == []
    (home / ".config" / "hadolint.yaml").unlink()
    write_files(home, {".hadolint/config.yaml": "override:\n  error: [DL3066]\n"})
    assert by_code(findings(project)[1]) == {"DF562": {"error"}}


def test_config_option_reads_a_hadolint_file(project: Path) -> None:
    write_files(
        project,
        {
            "Dockerfile": 'FROM alpine:3.20\nUSER app\nCMD ["sh"]\n',
            "ci/hadolint.yml": "override:\n  style: [DL3066]\n",
        },
    )
    assert by_code(findings(project, "--config", "ci/hadolint.yml")[1]) == {"DF562": {"style"}}


def test_unknown_hadolint_key_is_a_note_as_hadolint_skips_it(project: Path) -> None:
    write_files(
        project,
        {
            "Dockerfile": 'FROM alpine:3.20\nUSER app\nCMD ["sh"]\n',
            ".hadolint.yaml": "ignore:\n  - DL3066\n",
        },
    )
    code, found, err = findings(project)
    assert (
        ".hadolint.yaml: ignore: unknown hadolint key, ignored (as hadolint ignores it); "
        "did you mean 'ignored'?" in err
    )
    assert by_code(found) == {"DF562": {"info"}} and code == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("override:\n  fatal: [DL3008]\n", ".hadolint.yaml: override.fatal: unknown severity"),
        ("failure-threshold: high\n", ".hadolint.yaml: failure-threshold: unknown severity"),
        ("ignored: {DL3008: true}\n", ".hadolint.yaml: ignored: expected a list of rule codes"),
        ("label-schema:\n  owner: name\n", ".hadolint.yaml: label-schema.owner: unknown label"),
        ("- DL3008\n", ".hadolint.yaml: expected a mapping of settings"),
        ("ignored: [DL3008\n", ".hadolint.yaml: cannot read YAML"),
    ],
)
def test_bad_hadolint_file(project: Path, text: str, message: str) -> None:
    write_files(project, {"Dockerfile": "FROM alpine:3.20\n", ".hadolint.yaml": text})
    done = shiplint(project, "check")
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------------------- dclint


def test_dclint_file_levels_and_exclude(project: Path) -> None:
    write_files(
        project,
        {"compose.yaml": COMPOSE, ".dclintrc": DCLINTRC, "legacy/docker-compose.yml": COMPOSE},
    )
    _, found, err = findings(project)
    codes = by_code(found)
    assert codes["DC113"] == {"error"}  # no-version-field: 2
    assert codes["DC507"] == {"warning"}  # service-keys-order: [1, {...}]
    assert codes["DC500"] == {"error"}  # service-image-require-explicit-tag, dclint's default
    assert codes["DC504"] == {"warning"}  # require-quotes-in-ports: on in dclint, off here
    assert "DC503" not in codes and "DC509" not in codes  # set to 0
    assert {f["path"] for f in found} == {"compose.yaml"}  # exclude: legacy
    assert "rules.service-keys-order: rule options are not supported" in err
    _, plain, _ = findings(project, "--no-config")
    assert "DC504" not in by_code(plain) and "DC507" not in by_code(plain)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            ".dclintrc.json",
            '{"$schema": "https://example.org/schema.json", "rules": {"no-version-field": 0}}',
        ),
        (".dclintrc.yml", "rules:\n  no-version-field: 0\n"),
        (".config/dclintrc", "rules:\n  no-version-field: 0\n"),
        (
            "package.json",
            '{"name": "app", "private": true, "dclint": {"rules": {"no-version-field": 0}}}',
        ),
    ],
)
def test_dclint_file_names(project: Path, name: str, text: str) -> None:
    write_files(project, {"compose.yaml": COMPOSE, name: text})
    codes = by_code(findings(project)[1])
    assert "DC113" not in codes and "DC509" in codes


def test_package_json_without_dclint_key_is_not_a_config(project: Path) -> None:
    write_files(project, {"compose.yaml": COMPOSE, "package.json": '{"name": "app"}'})
    assert by_code(findings(project)[1]) == by_code(findings(project, "--no-config")[1])


def test_dclint_javascript_config_is_a_clear_error(project: Path) -> None:
    write_files(
        project, {"compose.yaml": COMPOSE, "dclint.config.js": "module.exports = { rules: {} };\n"}
    )
    done = shiplint(project, "check")
    assert done.returncode == 2
    assert "dclint.config.js: a JavaScript dclint configuration cannot be read" in done.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  no-versions-field: 0\n", "rules.no-versions-field: unknown dclint rule"),
        ("rules:\n  no-version-field: 3\n", "rules.no-version-field: expected 0 (off)"),
        ("rule:\n  no-version-field: 0\n", "rule: unknown dclint key"),
    ],
)
def test_bad_dclint_file(project: Path, text: str, message: str) -> None:
    write_files(project, {"compose.yaml": COMPOSE, ".dclintrc": text})
    done = shiplint(project, "check")
    assert done.returncode == 2 and message in done.stderr


def test_dclint_file_does_not_load_compose_rules_for_dockerfiles(project: Path) -> None:
    write_files(project, {"Dockerfile": 'FROM alpine:3.20\nCMD ["sh"]\n', ".dclintrc": DCLINTRC})
    probe = (
        "import sys; from linter.cli import main; code = main(['check', 'Dockerfile']); "
        "print('linter.rules.dc_style' in sys.modules); sys.exit(code)"
    )
    home = project.parent / "home"
    home.mkdir()
    done = subprocess.run(
        [_python(), "-c", probe],
        cwd=project,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip().endswith("False"), done.stdout + done.stderr


def _python() -> str:
    import shutil
    import sys

    script = shutil.which("shiplint")
    assert script is not None
    first = Path(script).read_text(encoding="utf-8").splitlines()[0]
    return first[2:].strip() if first.startswith("#!") else sys.executable


# ---------------------------------------------------------------------------- compose-lint


def test_compose_lint_file(project: Path) -> None:
    compose = (
        "services:\n  app:\n    image: nginx:1.27\n    privileged: true\n    network_mode: host\n"
    )
    config = (
        "rules:\n  CL-0002:\n    enabled: false\n    reason: needs raw sockets\n"
        "  CL-0008:\n    severity: critical\n    exclude_services:\n      app: vpn\n"
    )
    write_files(project, {"compose.yaml": compose, ".compose-lint.yml": config})
    _, found, err = findings(project)
    codes = by_code(found)
    assert "DC310" not in codes  # privileged: enabled: false
    assert codes["DC203"] == {"error"}  # host network: severity critical
    assert "shiplint cannot exclude single services" in err


# ---------------------------------------------------------------------------- side by side


def test_shiplint_config_wins_and_says_so_once(project: Path) -> None:
    write_files(
        project,
        {
            "Dockerfile": 'FROM alpine:3.20\nUSER app\nCMD ["sh"]\n',
            ".hadolint.yaml": "ignored: [DL3006]\n",
            ".dclintrc": DCLINTRC,
            ".shiplint.toml": 'extend-select = ["DL3066"]\n',
        },
    )
    done = shiplint(project, "check", "--format", "concise")
    assert "DF562" in done.stdout  # the shiplint file is in force
    lines = done.stderr.splitlines()
    assert (
        lines.count(
            "shiplint: .hadolint.yaml is ignored: .shiplint.toml is the configuration in force"
        )
        == 1
    )
    assert sum(".dclintrc is ignored" in line for line in lines) == 1
    sub = project / "sub"
    write_files(sub, {"Dockerfile": "FROM alpine:3.20\n"})
    done = shiplint(sub, "check")
    assert "../.hadolint.yaml is ignored" in done.stderr


# ---------------------------------------------------------------------------- migrate


def test_migrate_reproduces_the_peer_files(project: Path) -> None:
    write_files(
        project,
        {
            "Dockerfile": DOCKERFILE,
            ".hadolint.yaml": HADOLINT_YAML,
            "compose.yaml": COMPOSE,
            ".dclintrc": DCLINTRC,
            "legacy/compose.yaml": COMPOSE,
        },
    )
    before_code, before, _ = findings(project)
    done = shiplint(project, "migrate")
    assert done.returncode == 0, done.stderr
    assert "wrote .shiplint.toml" in done.stderr
    text = (project / ".shiplint.toml").read_text(encoding="utf-8")
    after_code, after, err = findings(project)
    assert after == before and after_code == before_code
    assert ".hadolint.yaml is ignored" in err
    # What could not be carried over is a comment, not silence.
    assert "# - .dclintrc: rules.service-keys-order: rule options are not supported" in text
    assert "# - .hadolint.yaml: format: tty (--format full)" in text
    assert "# - .hadolint.yaml: no-color: true (an output setting" in text
    assert "DL3005 is not a hadolint rule" in text
    assert '"DL3018",  # DF504 apk-unpinned, on in hadolint' in text
    assert 'fail-level = "warning"' in text


def test_migrate_refuses_to_overwrite(project: Path) -> None:
    write_files(
        project, {".hadolint.yaml": "failure-threshold: error\n", ".shiplint.toml": "# ours\n"}
    )
    done = shiplint(project, "migrate")
    assert done.returncode == 2 and ".shiplint.toml exists; use --force" in done.stderr
    assert (project / ".shiplint.toml").read_text(encoding="utf-8") == "# ours\n"
    shown = shiplint(project, "migrate", "--stdout")
    assert shown.returncode == 0 and 'fail-level = "error"' in shown.stdout
    assert shiplint(project, "migrate", "--force").returncode == 0
    assert 'fail-level = "error"' in (project / ".shiplint.toml").read_text(encoding="utf-8")


def test_migrate_choices(project: Path) -> None:
    write_files(
        project,
        {
            ".hadolint.yaml": "failure-threshold: none\n",
            ".dclintrc": DCLINTRC,
            "ci/.compose-lint.yml": "rules:\n  CL-0002:\n    enabled: false\n",
        },
    )
    only = shiplint(project, "migrate", "--from", "hadolint", "--stdout")
    assert 'fail-level = "none"' in only.stdout and "dclint" not in only.stdout
    given = shiplint(project, "migrate", "--config", "ci/.compose-lint.yml", "-o", "ci/x.toml")
    assert given.returncode == 0, given.stderr
    assert '"CL-0002",  # DC310' in (project / "ci" / "x.toml").read_text(encoding="utf-8")
    empty = project.parent / "empty"
    empty.mkdir()
    done = shiplint(empty, "migrate")
    assert done.returncode == 2
    assert "no hadolint, dclint or compose-lint configuration file found" in done.stderr
