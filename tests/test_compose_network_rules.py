"""The compose network-isolation rules (``rules/dc_network.py``): the loopback fix of a
published datastore port, and how the topology message names the groups.
"""

from __future__ import annotations

from pathlib import Path

from compose_rule_run import check_files
from linter.rules import dc_network


def test_datastore_port_fix_edits(tmp_path: Path) -> None:
    compose = (
        'services:\n  db:\n    image: postgres:17\n    ports:\n      - "5432:5432"\n'
        '      - 0.0.0.0:5433:5432\n      - "5434"\n'
    )
    found = check_files(dc_network.DatastorePortPublished, tmp_path, {"compose.yaml": compose})
    edits = [(d.fix.edits[0].span.start.column, d.fix.edits[0].text) for d in found if d.fix]
    assert edits == [(10, "127.0.0.1:"), (9, "127.0.0.1"), (10, "127.0.0.1::")]


def test_topology_names_the_groups(tmp_path: Path) -> None:
    compose = (
        'services:\n  proxy:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
        "    depends_on: [api]\n  api:\n    image: ghcr.io/acme/api:1\n"
        '    command: ["serve", "--db", "postgres://db/app"]\n'
        "  worker:\n    image: ghcr.io/acme/worker:1\n  db:\n    image: postgres:17\n"
    )
    found = check_files(dc_network.DatastoreOnPublicNetwork, tmp_path, {"compose.yaml": compose})
    assert len(found) == 1
    message = found[0].message
    assert "'proxy'" in message and "'api' names it here" in message
    assert "'proxy', 'worker' may use it through their own configuration" in message
    assert "does not use" not in message
