"""Compose rules, part A: helpers, syntax, references, reliability, pinning and style.

The rules run directly on a loaded project (no engine), so each test states exactly which
findings one rule makes on one small file. The fixture files cover the same rules through
the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from linter.rules import dc_references, dc_reliability, dc_style, dc_syntax
from linter.rules._compose_helpers import (
    datastore_for,
    key_value_entries,
    parse_image,
    parse_port_text,
    parse_volume_text,
    path_covers,
)
from linter.rules.dc_references import dependency_cycles
from linter.rules.dc_reliability import duration_problem, healthcheck_test_problem

from linter import ComposeContext, Diagnostic, Rule, Severity, Span
from linter.compose.nodes import ScalarNode
from linter.compose.project import load_project
from linter.dispatch import check_rule

NODE = ScalarNode("compose.yaml", Span.of(1, 1, 1, 2), "x", "x", "plain", "tag:yaml.org,2002:str")


def run(rule: type[Rule], text: str, tmp_path: Path) -> list[Diagnostic]:
    path = tmp_path / "compose.yaml"
    path.write_text(text, encoding="utf-8")
    project = load_project(path.as_posix(), text=text, override_paths=[], validate=False)
    return check_rule(rule(), ComposeContext(project=project))


def lines(found: list[Diagnostic]) -> list[tuple[int, int]]:
    return sorted((d.span.start.line, d.span.start.column) for d in found)


# --------------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", (None, None, 80, 80, "tcp")),
        ("8080:80", (None, 8080, 80, 80, "tcp")),
        ("127.0.0.1:8080:80/udp", ("127.0.0.1", 8080, 80, 80, "udp")),
        ("[::1]:8080:80", ("[::1]", 8080, 80, 80, "tcp")),
        ("127.0.0.1::80", ("127.0.0.1", None, 80, 80, "tcp")),
        ("8000-8010:8000-8010", (None, 8000, 8000, 8010, "tcp")),
    ],
)
def test_parse_port(text: str, expected: tuple[object, ...]) -> None:
    port = parse_port_text(text, NODE)
    assert port is not None
    got = (port.host_ip, port.host_start, port.container_start, port.container_end, port.protocol)
    assert got == expected


@pytest.mark.parametrize("text", ["", "http", "80:80:80:80", "70000", "10-5"])
def test_parse_port_rejects(text: str) -> None:
    assert parse_port_text(text, NODE) is None


def test_port_overlap_takes_ip_protocol_and_ranges_into_account() -> None:
    def port(text: str) -> object:
        parsed = parse_port_text(text, NODE)
        assert parsed is not None
        return parsed

    a = parse_port_text("8080:80", NODE)
    assert a is not None
    assert a.overlaps(port("127.0.0.1:8080:8080"))  # type: ignore[arg-type]
    assert not a.overlaps(port("8080:80/udp"))  # type: ignore[arg-type]
    assert a.overlaps(port("8075-8085:8075-8085"))  # type: ignore[arg-type]
    assert not a.overlaps(port("80"))  # type: ignore[arg-type]
    b = parse_port_text("127.0.0.1:8080:80", NODE)
    assert b is not None
    assert not b.overlaps(port("192.168.1.2:8080:80"))  # type: ignore[arg-type]


def test_parse_image() -> None:
    image = parse_image("localhost:5000/team/app:1.2@sha256:abc")
    assert (image.registry, image.repository, image.tag, image.digest) == (
        "localhost:5000",
        "team/app",
        "1.2",
        "sha256:abc",
    )
    assert parse_image("docker.io/library/redis").canonical_repository == "redis"
    assert parse_image("postgres").tag is None
    assert parse_image("team/app").registry is None


@pytest.mark.parametrize(
    ("image", "kind"),
    [
        ("postgres:16", "postgres"),
        ("docker.io/library/mysql:8.4", "mysql"),
        ("bitnami/redis:7.4", "redis"),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "elasticsearch"),
        ("mcr.microsoft.com/mssql/server:2022-latest", "mssql"),
        ("nginx:1.27", None),
        ("acme/postgres-exporter:1", None),
    ],
)
def test_datastore_recognition(image: str, kind: str | None) -> None:
    store = datastore_for(parse_image(image))
    assert (store.kind if store else None) == kind


def test_parse_volume() -> None:
    named = parse_volume_text("db:/var/lib/mysql:ro", NODE)
    assert named is not None and named.is_named_volume and named.read_only
    bind = parse_volume_text("./data:/data:z", NODE)
    assert bind is not None and bind.is_bind and bind.selinux == "z"
    windows = parse_volume_text("C:\\data:/data", NODE)
    assert windows is not None and windows.is_bind and windows.source == "C:\\data"
    anonymous = parse_volume_text("/data", NODE)
    assert anonymous is not None and anonymous.kind == "volume" and anonymous.source is None
    assert parse_volume_text("a::b", NODE) is None
    assert path_covers("/var/lib/postgresql", "/var/lib/postgresql/data")
    assert not path_covers("/var/lib/postgres", "/var/lib/postgresql/data")


def test_key_value_entries_spans(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: x:1\n    environment:\n      - KEY=value\n"
    path = tmp_path / "compose.yaml"
    project = load_project(path.as_posix(), text=text, override_paths=[], validate=False)
    entry = next(key_value_entries(project.services["a"].get("environment")))
    assert (entry.key, entry.value) == ("KEY", "value")
    assert entry.value_span == Span.of(5, 13, 5, 18)


# --------------------------------------------------------------------------------- syntax


def test_duplicate_key_is_reported_at_the_repetition(tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n    image: nginx:1.26\n"
    assert lines(run(dc_syntax.DuplicateKey, text, tmp_path)) == [(4, 5)]


# --------------------------------------------------------------------------------- references


def test_undefined_and_unused_volumes(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    volumes:\n"
        "      - pgdata:/var/lib/postgresql/data\n"
        "      - ./init:/docker-entrypoint-initdb.d:ro\n"
        "volumes:\n"
        "  pg-data:\n"
    )
    undefined = run(dc_references.UndefinedVolume, text, tmp_path)
    assert [(d.span.start.column, d.span.end.column) for d in undefined] == [(9, 15)]
    assert lines(run(dc_references.UnusedVolume, text, tmp_path)) == [(8, 3)]


def test_default_network_is_implicit(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [default, front]\n"
        "networks:\n  default:\n    name: shared\n"
    )
    assert lines(run(dc_references.UndefinedNetwork, text, tmp_path)) == [(4, 25)]
    assert run(dc_references.UnusedNetwork, text, tmp_path) == []


def test_build_secrets_count_as_uses(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    build:\n      context: .\n      secrets: [npmrc]\n"
        "secrets:\n  npmrc:\n    file: ~/.npmrc\n"
    )
    assert run(dc_references.UnusedSecret, text, tmp_path) == []
    assert run(dc_references.UndefinedSecret, text, tmp_path) == []


def test_undefined_service_in_every_kind_of_reference(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  app:\n"
        "    image: nginx:1.27\n"
        "    depends_on:\n"
        "      cache:\n"
        "        condition: service_started\n"
        "      optional:\n"
        "        condition: service_started\n"
        "        required: false\n"
        '    links: ["db:database"]\n'
        '    volumes_from: ["data:ro", "container:legacy"]\n'
        '    network_mode: "service:vpn"\n'
    )
    found = run(dc_references.UndefinedService, text, tmp_path)
    assert lines(found) == [(5, 7), (10, 14), (11, 21), (12, 28)]


def test_dependency_cycles_are_reported_once() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["d"], "e": ["a"]}
    cycles = dependency_cycles(graph)
    assert sorted(sorted(c) for c in cycles) == [["a", "b", "c"], ["d"]]


def test_cycle_message_names_the_loop(tmp_path: Path) -> None:
    text = (
        "services:\n  api:\n    image: a:1\n    depends_on: [worker]\n"
        "  worker:\n    image: a:1\n    depends_on: [api]\n"
    )
    found = run(dc_references.DependencyCycle, text, tmp_path)
    assert len(found) == 1 and "api -> worker -> api" in found[0].message
    assert lines(found) == [(7, 18)]


def test_duplicate_host_ports(tmp_path: Path) -> None:
    text = (
        "services:\n"
        '  a:\n    image: a:1\n    ports: ["8080:80", "53:53/udp", "9000"]\n'
        '  b:\n    image: b:1\n    ports: ["127.0.0.1:8080:80", "53:53", "9000"]\n'
        '  c:\n    image: c:1\n    ports: ["8070-8090:8070-8090"]\n'
    )
    found = run(dc_references.DuplicateHostPort, text, tmp_path)
    assert lines(found) == [(7, 13), (10, 13)]


def test_version_fix_deletes_the_line(tmp_path: Path) -> None:
    text = "version: '3.8'  # old\nservices:\n  web:\n    image: nginx:1.27\n"
    found = run(dc_references.ObsoleteVersion, text, tmp_path)
    assert len(found) == 1 and found[0].fix is not None
    edit = found[0].fix.edits[0]
    assert edit.span == Span.of(1, 1, 2, 1) and edit.text == ""


# --------------------------------------------------------------------------------- reliability


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
    found = run(dc_reliability.HealthcheckTestForm, text, tmp_path)
    assert lines(found) == [(5, 14), (9, 21), (13, 29)]
    assert [d.severity for d in found] == [Severity.ERROR, Severity.WARNING, Severity.WARNING]


def test_empty_test_list_has_no_crash(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: a:1\n    healthcheck:\n      test: []\n"
    assert len(run(dc_reliability.HealthcheckTestForm, text, tmp_path)) == 1
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
    found = run(dc_reliability.HealthyDependencyWithoutHealthcheck, text, tmp_path)
    assert lines(found) == [(6, 20)]  # acme/api may define a HEALTHCHECK: not reported


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
    found = run(dc_reliability.DatastoreWithoutVolume, text, tmp_path)
    assert lines(found) == [(3, 12), (10, 12)]
    assert [d.severity for d in found] == [Severity.WARNING, Severity.INFO]


def test_replicas_with_fixed_name_or_port(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  a:\n    image: a:1\n    container_name: a\n    deploy:\n      replicas: 2\n"
        '  b:\n    image: a:1\n    ports: ["80"]\n    scale: 3\n'
        '  c:\n    image: a:1\n    ports: ["8080:80"]\n    scale: 3\n'
    )
    found = run(dc_reliability.UnscalableReplicas, text, tmp_path)
    assert lines(found) == [(6, 17), (14, 12)]


def test_resource_limits_reservations_do_not_count(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  a:\n    image: a:1\n    deploy:\n      resources:\n        reservations:\n"
        "          memory: 1G\n"
        "  b:\n    image: a:1\n    mem_limit: 1g\n    cpus: 0.5\n"
        "  c:\n    image: a:1\n    mem_limit: 0\n    cpus: 1\n"
    )
    found = run(dc_reliability.MissingResourceLimits, text, tmp_path)
    assert [d.message for d in found] == [
        "service 'a' has no memory and no CPU limit",
        "service 'c' has no memory limit",
    ]


# --------------------------------------------------------------------------------- style


def test_mutable_tags(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  a:\n    image: redis\n"
        "  b:\n    image: ghcr.io/acme/app:latest\n"
        "  c:\n    image: nginx:1.27@sha256:" + "0" * 64 + "\n"
        "  d:\n    image: localhost:5000/app\n"
        "  e:\n    build: .\n    image: acme/app\n"
    )
    found = run(dc_style.MutableImageTag, text, tmp_path)
    assert lines(found) == [(3, 12), (5, 12), (9, 12)]


def test_service_keys_order_matches_dclint(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    restart: always\n    image: nginx:1.27\n"
        '    zzz_custom: 1\n    environment: [A=1]\n    ports: ["80:80"]\n'
    )
    found = run(dc_style.ServiceKeysOrder, text, tmp_path)
    assert lines(found) == [(4, 5), (6, 5)]


def test_quote_fixes(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n"
        "    volumes:\n      - \"./html:/usr/share/nginx/html:ro\"\n      - '~'\n"
    )
    ports = run(dc_style.PortsNotQuoted, text, tmp_path)
    assert ports[0].fix is not None and ports[0].fix.edits[0].text == '"8080:80"'
    volumes = run(dc_style.QuotedVolumes, text, tmp_path)
    assert len(volumes) == 2
    assert volumes[0].fix is not None
    assert volumes[0].fix.edits[0].text == "./html:/usr/share/nginx/html:ro"
    assert volumes[1].fix is None  # unquoted ~ would be null


def test_top_level_and_services_order(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: a:1\n  db:\n    image: b:1\n  cache:\n    image: c:1\n"
        "x-common: {}\nname: shop\nvolumes: {}\nnetworks: {}\n"
    )
    assert lines(run(dc_style.UnsortedServices, text, tmp_path)) == [(4, 3), (6, 3)]
    assert lines(run(dc_style.TopLevelOrder, text, tmp_path)) == [(8, 1), (9, 1), (11, 1)]


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
