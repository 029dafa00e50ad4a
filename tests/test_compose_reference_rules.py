"""The compose reference rules (DC1xx): undefined and unused networks, volumes, secrets and
services, dependency cycles, duplicate host ports, the obsolete version field.
"""

from __future__ import annotations

from pathlib import Path

from compose_rule_run import check_text, lines
from linter.rules import dc_references
from linter.rules.dc_references import dependency_cycles

from linter import Span


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
    undefined = check_text(dc_references.UndefinedVolume, text, tmp_path)
    assert [(d.span.start.column, d.span.end.column) for d in undefined] == [(9, 15)]
    assert lines(check_text(dc_references.UnusedVolume, text, tmp_path)) == [(8, 3)]


def test_default_network_is_implicit(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [default, front]\n"
        "networks:\n  default:\n    name: shared\n"
    )
    assert lines(check_text(dc_references.UndefinedNetwork, text, tmp_path)) == [(4, 25)]
    assert check_text(dc_references.UnusedNetwork, text, tmp_path) == []


def test_build_secrets_count_as_uses(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    build:\n      context: .\n      secrets: [npmrc]\n"
        "secrets:\n  npmrc:\n    file: ~/.npmrc\n"
    )
    assert check_text(dc_references.UnusedSecret, text, tmp_path) == []
    assert check_text(dc_references.UndefinedSecret, text, tmp_path) == []


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
    found = check_text(dc_references.UndefinedService, text, tmp_path)
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
    found = check_text(dc_references.DependencyCycle, text, tmp_path)
    assert len(found) == 1 and "api -> worker -> api" in found[0].message
    assert lines(found) == [(7, 18)]


def test_duplicate_host_ports(tmp_path: Path) -> None:
    text = (
        "services:\n"
        '  a:\n    image: a:1\n    ports: ["8080:80", "53:53/udp", "9000"]\n'
        '  b:\n    image: b:1\n    ports: ["127.0.0.1:8080:80", "53:53", "9000"]\n'
        '  c:\n    image: c:1\n    ports: ["8070-8090:8070-8090"]\n'
    )
    found = check_text(dc_references.DuplicateHostPort, text, tmp_path)
    assert lines(found) == [(7, 13), (10, 13)]


def test_version_fix_deletes_the_line(tmp_path: Path) -> None:
    text = "version: '3.8'  # old\nservices:\n  web:\n    image: nginx:1.27\n"
    found = check_text(dc_references.ObsoleteVersion, text, tmp_path)
    assert len(found) == 1 and found[0].fix is not None
    edit = found[0].fix.edits[0]
    assert edit.span == Span.of(1, 1, 2, 1) and edit.text == ""
