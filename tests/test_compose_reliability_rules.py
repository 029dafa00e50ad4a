"""The compose reliability rules (DC4xx): durations, healthcheck tests, healthy dependencies,
datastores without a volume, replicas, resource limits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compose_rule_run import NODE, check_text, lines
from linter.rules import dc_reliability
from linter.rules.dc_reliability import duration_problem, healthcheck_test_problem

from linter import ComposeContext, Diagnostic, Severity
from linter.compose.nodes import ScalarNode
from linter.compose.project import load_project
from linter.dispatch import check_rule


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("30s", False),
        ("1m30s", False),
        ("1.5s", False),
        ("0", False),
        ("500ms", False),
        ("30", True),
        ("30 s", True),
        ("-5s", True),
        ("1d", True),
    ],
)
def test_duration_format(value: str, bad: bool) -> None:
    node = ScalarNode("c", NODE.span, value, value, "double", "tag:yaml.org,2002:str")
    assert (duration_problem(node) is not None) == bad


def test_bare_number_duration_is_nanoseconds() -> None:
    node = ScalarNode("c", NODE.span, 30, "30", "plain", "tag:yaml.org,2002:int")
    problem = duration_problem(node)
    assert problem is not None and "nanoseconds" in problem


def test_healthcheck_test_forms(tmp_path: Path) -> None:
    text = (
        "services:\n"
        '  a:\n    image: a:1\n    healthcheck:\n      test: ["curl", "-f", "http://x"]\n'
        '  b:\n    image: a:1\n    healthcheck:\n      test: ["CMD", "curl -f http://x"]\n'
        "  c:\n    image: a:1\n    healthcheck:\n"
        '      test: ["CMD", "curl", "||", "exit"]\n'
        "  d:\n    image: a:1\n    healthcheck:\n      test: curl -f http://x || exit 1\n"
        '  e:\n    image: a:1\n    healthcheck:\n      test: ["NONE"]\n'
    )
    found = check_text(dc_reliability.HealthcheckTestForm, text, tmp_path)
    assert lines(found) == [(5, 14), (9, 21), (13, 29)]
    assert [d.severity for d in found] == [Severity.ERROR, Severity.WARNING, Severity.WARNING]


def test_empty_test_list_has_no_crash(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: a:1\n    healthcheck:\n      test: []\n"
    assert len(check_text(dc_reliability.HealthcheckTestForm, text, tmp_path)) == 1
    node = ScalarNode("c", NODE.span, "x", "x", "plain", "tag:yaml.org,2002:str")
    assert healthcheck_test_problem(node) is None


def test_healthy_dependency_on_official_image_without_healthcheck(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  web:\n    image: nginx:1.27\n    depends_on:\n"
        "      db:\n        condition: service_healthy\n"
        "      vendor:\n        condition: service_healthy\n"
        "  db:\n    image: postgres:16\n"
        "  vendor:\n    image: acme/api:1.0\n"
    )
    found = check_text(dc_reliability.HealthyDependencyWithoutHealthcheck, text, tmp_path)
    assert lines(found) == [(6, 20)]  # acme/api may define a HEALTHCHECK: not reported


def test_healthy_dependency_reads_the_built_stage(tmp_path: Path) -> None:
    from linter import BuildLink
    from linter.dockerfile.parser import parse_dockerfile

    text = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on:\n"
        "      api:\n        condition: service_healthy\n"
        "  api:\n    build:\n      context: .\n      target: runtime\n"
    )
    path = tmp_path / "compose.yaml"
    project = load_project(path.as_posix(), text=text, override_paths=[], validate=False)
    api = project.services["api"]

    def findings(dockerfile_text: str) -> list[Diagnostic]:
        dockerfile = parse_dockerfile(dockerfile_text, "Dockerfile")
        link = BuildLink(api, tmp_path, tmp_path / "Dockerfile", dockerfile, None, None)
        context = ComposeContext(project=project, builds=(link,))
        return check_rule(dc_reliability.HealthyDependencyWithoutHealthcheck(), context)

    inherited = "FROM python:3.12 AS base\nHEALTHCHECK CMD true\nFROM base AS runtime\nCMD x\n"
    assert findings(inherited) == []
    other_stage = "FROM python:3.12 AS test\nHEALTHCHECK CMD true\nFROM python:3.12 AS runtime\n"
    assert lines(findings(other_stage)) == [(6, 20)]
    disabled = "FROM python:3.12 AS runtime\nHEALTHCHECK NONE\n"
    assert "HEALTHCHECK NONE" in findings(disabled)[0].message


def test_datastore_without_volume(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  pg:\n    image: postgres:16\n"
        '    volumes: ["./init.sql:/docker-entrypoint-initdb.d/i.sql"]\n'
        "  pg2:\n    image: postgres:16\n    environment: [PGDATA=/pgdata]\n"
        '    volumes: ["data:/pgdata"]\n'
        "  cache:\n    image: redis:7\n"
        '  nocache:\n    image: redis:7\n    command: redis-server --save "" --appendonly no\n'
        '  mongo:\n    image: mongo:7\n    volumes: ["/srv/mongo:/data/db"]\n'
        "volumes:\n  data:\n"
    )
    found = check_text(dc_reliability.DatastoreWithoutVolume, text, tmp_path)
    assert lines(found) == [(3, 12), (10, 12)]
    assert [d.severity for d in found] == [Severity.WARNING, Severity.INFO]


def test_replicas_with_fixed_name_or_port(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  a:\n    image: a:1\n    container_name: a\n    deploy:\n      replicas: 2\n"
        '  b:\n    image: a:1\n    ports: ["80"]\n    scale: 3\n'
        '  c:\n    image: a:1\n    ports: ["8080:80"]\n    scale: 3\n'
    )
    found = check_text(dc_reliability.UnscalableReplicas, text, tmp_path)
    assert lines(found) == [(6, 17), (14, 12)]


def test_resource_limits_reservations_do_not_count(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  a:\n    image: a:1\n    deploy:\n      resources:\n        reservations:\n"
        "          memory: 1G\n"
        "  b:\n    image: a:1\n    mem_limit: 1g\n    cpus: 0.5\n"
        "  c:\n    image: a:1\n    mem_limit: 0\n    cpus: 1\n"
    )
    found = check_text(dc_reliability.MissingResourceLimits, text, tmp_path)
    assert [d.message for d in found] == [
        "service 'a' has no memory and no CPU limit",
        "service 'c' has no memory limit",
    ]
