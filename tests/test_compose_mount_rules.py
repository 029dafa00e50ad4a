"""The compose host-mount rules (``rules/dc_mounts.py``): which host paths they read as
control sockets, root-equivalent trees and sensitive paths.
"""

from __future__ import annotations

from linter.rules._compose_values import normalize_host_path
from linter.rules.dc_mounts import root_equivalent, sensitive_path, socket_exposed


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
