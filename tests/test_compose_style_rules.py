"""The compose style rules (DC5xx): mutable image tags, key and service order, quoting."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from compose_rule_run import check_text, lines
from linter.rules import dc_style


def test_mutable_tags(tmp_path: Path) -> None:
    text = (
        "services:\n"
        "  a:\n    image: redis\n"
        "  b:\n    image: ghcr.io/acme/app:latest\n"
        "  c:\n    image: nginx:1.27@sha256:" + "0" * 64 + "\n"
        "  d:\n    image: localhost:5000/app\n"
        "  e:\n    build: .\n    image: acme/app\n"
    )
    found = check_text(dc_style.MutableImageTag, text, tmp_path)
    assert lines(found) == [(3, 12), (5, 12), (9, 12)]


def test_service_keys_order_matches_dclint(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    restart: always\n    image: nginx:1.27\n"
        '    zzz_custom: 1\n    environment: [A=1]\n    ports: ["80:80"]\n'
    )
    found = check_text(dc_style.ServiceKeysOrder, text, tmp_path)
    assert lines(found) == [(4, 5), (6, 5)]


def test_quote_fixes(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n"
        "    volumes:\n      - \"./html:/usr/share/nginx/html:ro\"\n      - '~'\n"
    )
    ports = check_text(dc_style.PortsNotQuoted, text, tmp_path)
    assert ports[0].fix is not None and ports[0].fix.edits[0].text == '"8080:80"'
    volumes = check_text(dc_style.QuotedVolumes, text, tmp_path)
    assert len(volumes) == 2
    assert volumes[0].fix is not None
    assert volumes[0].fix.edits[0].text == "./html:/usr/share/nginx/html:ro"
    assert volumes[1].fix is None  # unquoted ~ would be null


def test_top_level_and_services_order(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: a:1\n  db:\n    image: b:1\n  cache:\n    image: c:1\n"
        "x-common: {}\nname: shop\nvolumes: {}\nnetworks: {}\n"
    )
    assert lines(check_text(dc_style.UnsortedServices, text, tmp_path)) == [(4, 3), (6, 3)]
    assert lines(check_text(dc_style.TopLevelOrder, text, tmp_path)) == [(8, 1), (9, 1), (11, 1)]


def test_moving_tags_in_compose(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:mainline-alpine\n"
        "  db:\n    image: postgres:16-bookworm\n    volumes: [db:/var/lib/postgresql/data]\n"
        "volumes:\n  db: {}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            "shiplint",
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "DC500",
            "compose.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found = json.loads(done.stdout)
    assert [(d["line"], d["code"]) for d in found] == [(3, "DC500")]
