"""The readings of compose values the compose rules share (``rules/_compose_values.py``):
ports, image references, datastores, volume entries, environment entries.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compose_rule_run import NODE
from linter.rules._compose_values import (
    datastore_for,
    key_value_entries,
    parse_image,
    parse_port_text,
    parse_volume_text,
)
from linter.rules._paths import path_covers

from linter import Span
from linter.compose.project import load_project


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
