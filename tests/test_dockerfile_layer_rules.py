"""Unit tests for the layer, cache, pinning and package-manager rules and their helpers.

The fixture harness covers each rule end to end; these tests pin down the shared helpers
(package-manager parsing, cache dirs, stage reachability) and a few cross-rule behaviours.
"""

from __future__ import annotations

import pytest
from linter.rules import df_cache, df_layers, df_packages, df_pinning
from linter.rules._packages import (
    cache_dir_matches,
    command_start,
    dependency_install,
    parse_invocation,
)
from linter.rules._runs import shipped_stages

from linter import Diagnostic, DockerfileContext
from linter.dispatch import check_rule
from linter.dockerfile.parser import parse_dockerfile

ALL_RULES = (*df_cache.RULES, *df_layers.RULES, *df_packages.RULES, *df_pinning.RULES)


def lint(text: str, *codes: str) -> list[Diagnostic]:
    dockerfile = parse_dockerfile(text, "Dockerfile")
    context = DockerfileContext(dockerfile=dockerfile)
    found = [
        d
        for rule in ALL_RULES
        if not codes or rule.code in codes
        for d in check_rule(rule(), context)
    ]
    return sorted(found, key=lambda d: d.sort_key)


# --- _packages -------------------------------------------------------------------------------


def test_invocation_reads_wrappers_clusters_and_values() -> None:
    argv = [
        "sudo",
        "-u",
        "root",
        "apt-get",
        "-qy",
        "-o",
        "Dpkg::Options::=--force-confold",
        "install",
        "curl=7",
        "git",
    ]
    invocation = parse_invocation(argv)
    assert invocation is not None
    assert invocation.manager == "apt-get" and invocation.action == "install"
    assert invocation.has("-y") and invocation.count("-q") == 1
    assert invocation.value("-o") == "Dpkg::Options::=--force-confold"
    assert [o.text for o in invocation.operands] == ["curl=7", "git"]


@pytest.mark.parametrize(
    ("argv", "manager", "action", "group"),
    [
        ("python3.12 -m pip install flask", "pip", "install", None),
        ("pip3 --no-cache-dir install -r r.txt", "pip", "install", None),
        ("yarn global add pm2", "yarn", "add", "global"),
        ("yarn --frozen-lockfile", "yarn", "install", None),
        ("dnf module install -y nodejs:20", "dnf", "install", "module"),
        ("zypper -n in curl", "zypper", "install", None),
        ("go mod download", "go", "download", "mod"),
        ("apk add --no-cache --virtual .deps gcc", "apk", "install", None),
    ],
)
def test_invocation_managers(argv: str, manager: str, action: str, group: str | None) -> None:
    invocation = parse_invocation(argv.split())
    assert invocation is not None
    assert (invocation.manager, invocation.action, invocation.group) == (manager, action, group)


def test_apk_virtual_name_is_not_a_package() -> None:
    invocation = parse_invocation(["apk", "add", "--no-cache", "--virtual", ".deps", "gcc"])
    assert invocation is not None and [o.text for o in invocation.operands] == ["gcc"]


def test_not_a_package_manager() -> None:
    assert parse_invocation(["make", "install"]) is None
    assert parse_invocation(["python3", "setup.py", "install"]) is None
    assert command_start(["env", "-u", "X", "A=1", "npm", "ci"]) == 4


@pytest.mark.parametrize(
    ("cache_dir", "path", "expected"),
    [
        ("/var/lib/apt/lists", "/var/lib/apt/lists/*", True),
        ("/var/lib/apt/lists", "/var/lib/apt", True),
        ("/var/lib/apt/lists", "/var/lib/apt/lists/partial", False),
        ("~/.npm", "/home/node/.npm", True),
        ("~/.npm", "/root/.npm/_cacache", False),
        ("~/.cache/pip", "/root/.cache", True),
        ("~/.cache/pip", "$HOME/.cache/pip", True),
        ("/var/cache/apk", "/var/cache", True),
    ],
)
def test_cache_dir_matches(cache_dir: str, path: str, expected: bool) -> None:
    assert cache_dir_matches(cache_dir, path) is expected


def test_dependency_installs() -> None:
    npm = dependency_install(["npm", "ci", "--omit=dev"])
    assert npm is not None and npm.ecosystem == "npm"
    assert dependency_install(["npm", "install", "-g", "typescript@5"]) is None
    assert dependency_install(["pip", "install", "flask==3"]) is None
    pip = dependency_install(["pip", "install", "-r", "requirements.txt"])
    assert pip is not None and "requirements" in pip.manifests
    go = dependency_install(["go", "mod", "download"])
    assert go is not None and go.ecosystem == "go"


# --- stages ----------------------------------------------------------------------------------


def test_shipped_stages() -> None:
    text = (
        "FROM debian:12 AS base\n"
        "FROM base AS build\n"
        "FROM debian:12 AS test\n"
        "FROM base AS final\n"
        "COPY --from=build /out /out\n"
    )
    # base ships through final; build only feeds COPY --from; test may be a --target
    assert shipped_stages(parse_dockerfile(text)) == {0, 2, 3}


# --- behaviour across rules ------------------------------------------------------------------


def test_builder_stage_caches_do_not_ship() -> None:
    text = (
        "FROM python:3.12-slim AS build\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc\n"
        "RUN pip install --prefix=/install -r requirements.txt\n"
        "FROM python:3.12-slim\n"
        "COPY --from=build /install /usr/local\n"
    )
    assert lint(text, "DF301", "DF303") == []


def test_onbuild_run_is_checked() -> None:
    found = lint("FROM debian:12\nONBUILD RUN apt-get install curl\n", "DF520")
    assert [(d.span.start.line, d.span.start.column) for d in found] == [(2, 13)]


def test_fix_edits_keep_other_bytes() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install\tcurl && rm -rf /var/lib/apt/lists/*\n"
    )
    (finding,) = lint(text, "DF520")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    assert edit.span.start == edit.span.end and edit.text == " -y"


def test_copy_before_install_once_per_ecosystem() -> None:
    text = (
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nRUN npm ci --omit=dev\n"
    )
    assert [d.span.start.line for d in lint(text, "DF312")] == [4]


def test_deleted_in_later_layer_ignores_relative_paths_after_cd() -> None:
    text = (
        "FROM debian:12\nCOPY app.tar.gz /tmp/\n"
        "RUN cd /opt && tar -xzf /tmp/app.tar.gz && rm app.tar.gz\n"
    )
    assert lint(text, "DF320") == []


def test_consecutive_runs_spare_deliberate_splits() -> None:
    text = (
        "FROM python:3.12-slim\nWORKDIR /app\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "RUN python manage.py collectstatic --noinput\n"
    )
    assert lint(text, "DF324") == []


REALISTIC = (
    "FROM debian:bookworm-slim\n"
    "RUN set -eux; \\\n"
    "\tgroupadd -r postgres --gid=999; \\\n"
    "\tuseradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql postgres; \\\n"
    "\tapt-get update; \\\n"
    "\tapt-get install -y --no-install-recommends ca-certificates gnupg wget; \\\n"
    "\trm -rf /var/lib/apt/lists/*; \\\n"
    '\twget -O /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/1.17/gosu";'
    " \\\n"
    "\tchmod +x /usr/local/bin/gosu\n"
    "ENV PGDATA /var/lib/postgresql/data\n"
    'RUN mkdir -p "$PGDATA" && chown -R postgres:postgres "$PGDATA"\n'
    "VOLUME /var/lib/postgresql/data\n"
    "COPY docker-entrypoint.sh /usr/local/bin/\n"
    'ENTRYPOINT ["docker-entrypoint.sh"]\n'
    'CMD ["postgres"]\n'
)


def test_realistic_official_style_file_is_clean() -> None:
    enabled = [rule.code for rule in ALL_RULES if rule.enabled_by_default]
    assert lint(REALISTIC, *enabled) == []
