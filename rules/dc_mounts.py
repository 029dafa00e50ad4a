"""Compose host-mount rules (DC301-DC305): what a service's volumes and devices hand over.

A bind mount or device gives the container part of the host: a control socket, a tree that
is root when writable, credentials, raw devices, or mounts propagated back to the host.
Each rule names the compose-lint check it matches (CL-xxxx aliases), so compose-lint users
can select, ignore and suppress with the ids they know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import ComposeContext, Diagnostic, ServiceRule, Severity
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, Node, SequenceNode

from ._compose_values import (
    VolumeMount,
    normalize_host_path,
    scalar_text,
    service_volumes,
)
from ._host_agents import PATHS, service_host_agent
from ._paths import path_covers


def _bind_mounts(service: Service) -> Iterator[tuple[VolumeMount, str]]:
    """Bind mounts of a service with their normalised host path."""
    for mount in service_volumes(service):
        if mount.is_bind and mount.source:
            yield mount, normalize_host_path(mount.source)


SOCKET_NAMES = frozenset(
    {
        "docker.sock",
        "docker.sock.raw",
        "containerd.sock",
        "podman.sock",
        "crio.sock",
        "cri-dockerd.sock",
        "buildkitd.sock",
    }
)
# Where a stock host keeps a control socket; mounting one of these or any parent hands it over.
SOCKET_LOCATIONS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/var/run/crio/crio.sock",
    "/run/systemd/private",
    "/var/lib/docker",
)


def socket_exposed(host_path: str) -> str | None:
    """The control socket a host path hands over, if any."""
    name = host_path.rsplit("/", 1)[-1]
    if name in SOCKET_NAMES:
        return host_path
    if not host_path.startswith("/"):
        return None
    for location in SOCKET_LOCATIONS[:-1]:
        if path_covers(host_path, location):
            return location
    return None


class SocketMounted(ServiceRule):
    code = "DC301"
    name = "container-runtime-socket-mounted"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "The Docker (or containerd, podman, CRI-O) control socket is mounted"
    description = (
        "Whoever can talk to the container runtime's socket can start a privileged container "
        "that mounts the host's root: the socket is root on the host, and `:ro` does not "
        "change that (it only stops deleting the socket file). Mounting a parent such as "
        "`/var/run` or `/` hands it over too. Use a socket proxy that allows only the API "
        "calls the tool needs, or rootless Docker."
    )
    bad = (
        "services:\n  traefik:\n    image: traefik:v3.1\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock:ro\n"
    )
    good = (
        "services:\n  traefik:\n    image: traefik:v3.1\n    volumes:\n"
        "      - ./traefik.yml:/etc/traefik/traefik.yml:ro\n"
    )
    aliases = ("CL-0001",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for mount, host_path in _bind_mounts(service):
            socket = socket_exposed(host_path)
            if socket is None:
                continue
            what = host_path if socket == host_path else f"{host_path} (it contains {socket})"
            yield self.report(
                mount.path,
                mount.source_node.span,
                f"service '{service.name}' mounts {what}: the container runtime's socket gives "
                "root on the host; use a socket proxy limited to the calls it needs",
            )


# Host paths that give root on the host when writable: the path or anything below it.
ROOT_EQUIVALENT_TREES = (
    "/root",
    "/boot",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/proc",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/bin",
    "/sbin",
    "/lib/modules",
    "/usr/lib/modules",
    "/etc/cron.d",
    "/etc/crontab",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/shadow",
    "/etc/passwd",
    "/etc/ld.so.preload",
    "/etc/systemd",
    "/etc/ssh",
    "/etc/profile.d",
    "/etc/init.d",
    "/etc/pam.d",
)
# Host folders that contain root-equivalent trees: only the folder itself is matched.
ROOT_EQUIVALENT_FOLDERS = ("/etc", "/var/lib", "/usr", "/usr/lib", "/lib", "/lib64", "/var")
TIMEZONE_FILES = ("/etc/localtime", "/etc/timezone")


def root_equivalent(host_path: str) -> bool:
    if host_path in ROOT_EQUIVALENT_FOLDERS:
        return True
    return any(path_covers(tree, host_path) for tree in ROOT_EQUIVALENT_TREES)


class WritableRootEquivalentMount(ServiceRule):
    code = "DC302"
    name = "writable-host-system-mount"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "A host system path that gives root on the host is mounted writable"
    description = (
        "A container that can write the host's `/etc`, `/root`, `/boot`, binaries, kernel "
        "modules or `/var/lib/docker` can make the host run its code as root (a cron entry, "
        "an `authorized_keys` line, a replaced binary). Mount only the file that is needed, "
        "and mount it `:ro`. Under `/etc` only `/etc` itself and what the host runs as root "
        "(cron, sudoers, shadow, systemd, ssh, PAM, ...) are reported: a bind of an "
        "application's folder such as `/etc/pihole` exposes that folder alone."
    )
    bad = "services:\n  agent:\n    image: alpine:3.20\n    volumes:\n      - /etc:/host/etc\n"
    good = (
        "services:\n  agent:\n    image: alpine:3.20\n    volumes:\n"
        "      - /etc/localtime:/etc/localtime:ro\n"
    )
    aliases = ("CL-0025",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for mount, host_path in _bind_mounts(service):
            if mount.read_only or socket_exposed(host_path) or not root_equivalent(host_path):
                continue
            yield self.report(
                mount.path,
                mount.source_node.span,
                f"service '{service.name}' mounts the host's {host_path} writable: writing "
                "there gives root on the host; mount only what it needs, read-only",
            )


SENSITIVE_TREES = (
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/etc/docker",
    "/etc/ssh",
    "/etc/shadow",
    "/etc/sudoers",
    "/etc/sudoers.d",
)
SENSITIVE_EXACT = (
    "/",
    "/etc",
    "/home",
    "/var",
    "/var/lib",
    "/var/log",
    "/usr",
    "/run",
    "/var/run",
    "~",
)
HOME_CREDENTIALS = (".ssh", ".docker", ".aws", ".kube", ".gnupg", ".config/gcloud", ".azure")
HARMLESS_DEVICES = (
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/shm",
)


def sensitive_path(host_path: str) -> str | None:
    """Why a host path is sensitive to expose, or None."""
    if host_path in TIMEZONE_FILES or host_path in HARMLESS_DEVICES:
        return None
    if host_path in SENSITIVE_EXACT:
        return "a host system folder"
    for tree in SENSITIVE_TREES:
        if host_path == tree:
            return "a host system folder"
        if path_covers(tree, host_path):
            return f"part of the host's {tree}"
    parts = host_path.split("/")
    if host_path.startswith("/home/") and len(parts) == 3:
        return "a user's home folder"
    home_rest = ""
    if host_path.startswith("~/"):
        home_rest = host_path[2:]
    elif host_path.startswith("/home/") and len(parts) > 3:
        home_rest = "/".join(parts[3:])
    if home_rest and any(path_covers(cred, home_rest) for cred in HOME_CREDENTIALS):
        return "a folder of credentials"
    if path_covers("/run", host_path) or path_covers("/var/run", host_path):
        return "part of the host's runtime state"
    return None


# The socket of one database or cache server on the host: the client talks to that server,
# which is what the mount is for (root-giving sockets are DC301's or stay reported).
_SERVER_SOCKET = re.compile(
    r"^/(var/)?run/(mysqld|mysql|mariadb|postgresql|redis|memcached|php|php-fpm|mongodb)/"
    r"[^/]+\.sock$|/\.s\.PGSQL\.\d+$"
)


_SYSTEM_BUS = ("/run/dbus", "/var/run/dbus")


def _holds_no_secret(host_path: str, read_only: bool) -> bool:
    """Sensitive-looking paths that expose nothing a container could misuse."""
    if path_covers("/run/udev", host_path) or path_covers("/var/run/udev", host_path):
        return read_only  # udev's device database: device properties, no secrets
    if host_path.startswith("/dev/") and not _DANGEROUS_DEVICES.match(host_path):
        return True  # DC304's policy; a bind mount does not grant the device cgroup access
    return bool(_SERVER_SOCKET.search(host_path))


class SensitiveHostPathMounted(ServiceRule):
    code = "DC303"
    name = "sensitive-host-path-mounted"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A sensitive host path is mounted into the container"
    description = (
        "Mounting the host's root, `/etc`, `/proc`, `/sys`, `/dev`, home folders or credential "
        "folders such as `~/.ssh` and `~/.aws` lets a compromised container read the host's "
        "secrets and state (even read-only). `/var/log` is included: the host's logs hold "
        "login records and whatever the host's services log. Mount the one file the service "
        "needs, or use compose `secrets`/`configs`. Timezone files are exempt, and so are "
        "paths that hold no secrets: the udev database (`/run/udev`, read-only), device "
        "folders that DC304 would not flag (`/dev/dri`, `/dev/bus/usb`: a bind mount does not "
        "even grant the device), and the socket of one database or cache server on the host "
        "(`/run/mysqld/mysqld.sock`). Read-only mounts by host monitoring, log and security "
        "agents (node-exporter, cadvisor, promtail, telegraf, falco, ...: the table in "
        "`rules/_host_agents.py`) are info: reading the host is their job."
    )
    bad = "services:\n  backup:\n    image: alpine:3.20\n    volumes:\n      - ~/.ssh:/root/.ssh\n"
    good = (
        "services:\n  backup:\n    image: alpine:3.20\n    volumes:\n"
        "      - ./backups:/backups\n      - /etc/localtime:/etc/localtime:ro\n"
    )
    aliases = ("CL-0013",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for mount, host_path in _bind_mounts(service):
            if socket_exposed(host_path):
                continue
            if not mount.read_only and root_equivalent(host_path):
                continue  # DC302 reports it, more severely
            why = sensitive_path(host_path)
            if why is None or _holds_no_secret(host_path, mount.read_only):
                continue
            agent = service_host_agent(service, PATHS)
            if (
                agent is not None
                and mount.read_only
                and not path_covers("/root", host_path)
                and why not in ("a user's home folder", "a folder of credentials")
            ):
                yield self.report(
                    mount.path,
                    mount.source_node.span,
                    f"service '{service.name}' mounts {host_path} read-only, {why}; expected "
                    f"for {agent.role} ({agent.reason})",
                    severity=Severity.INFO,
                )
                continue
            if any(path_covers(bus, host_path) for bus in _SYSTEM_BUS):
                yield self.report(
                    mount.path,
                    mount.source_node.span,
                    f"service '{service.name}' mounts {host_path}, the host's system D-Bus: a "
                    "process that is root in the container can ask systemd and other host "
                    "services to act as root; prefer a D-Bus proxy that allows only the "
                    "interfaces it needs (Bluetooth, Avahi)",
                )
                continue
            yield self.report(
                mount.path,
                mount.source_node.span,
                f"service '{service.name}' mounts {host_path}, {why}: a compromised container "
                "can read the host's secrets there; mount only the file it needs",
            )


_DANGEROUS_DEVICES = re.compile(
    r"^/dev/(sd[a-z]|nvme|vd[a-z]|xvd[a-z]|hd[a-z]|mmcblk|md\d|md/|disk/|block/|loop|dm-|"
    r"mapper/|zfs$|zd\d|zvol/|nbd\d|rbd|mtdblock|kmsg$|mem$|kmem$|port$|cpu/|mei)"
)


def _device_host_path(node: Node) -> tuple[str, Node] | None:
    if isinstance(node, MappingNode):
        source = node.get("source")
        text = scalar_text(source)
        return (text, source) if text and source is not None else None
    text = scalar_text(node)
    if not text:
        return None
    return text.split(":", 1)[0], node


class HostDeviceExposed(ServiceRule):
    code = "DC304"
    name = "dangerous-host-device"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "A host disk, memory or kernel device is passed to the container"
    description = (
        "`devices:` hands a host device node to the container. Block devices (`/dev/sda`, "
        "`/dev/nvme0n1`, loop and device-mapper devices), `/dev/mem`, `/dev/kmsg` or the "
        "whole `/dev` let it read or rewrite the host's disks and memory. GPUs, `/dev/net/tun`, "
        "`/dev/fuse`, sound and serial devices are not flagged."
    )
    bad = "services:\n  tool:\n    image: alpine:3.20\n    devices:\n      - /dev/sda:/dev/sda\n"
    good = (
        "services:\n  vpn:\n    image: qmcgaw/gluetun:v3.39\n    devices:\n"
        "      - /dev/net/tun:/dev/net/tun\n"
    )
    aliases = ("CL-0016",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        devices = service.get("devices")
        if not isinstance(devices, SequenceNode):
            return
        for item in devices.items:
            found = _device_host_path(item)
            if found is None:
                continue
            host_path, node = found
            normalized = normalize_host_path(host_path)
            if normalized == "/dev" or _DANGEROUS_DEVICES.match(normalized):
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{service.name}' gets the host device {normalized}: it can read "
                    "or overwrite the host's disks, memory or kernel log",
                )


class SharedMountPropagation(ServiceRule):
    code = "DC305"
    name = "shared-mount-propagation"
    tags = ("security",)
    severity = Severity.INFO
    summary = "A bind mount uses shared propagation"
    description = (
        "With `shared` or `rshared` propagation, mounts the container makes under the bind "
        "mount appear on the host too, so the container can change what the host sees. Only "
        "storage drivers and similar system tools need this; use the default `rprivate`."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    volumes:\n      - ./data:/data:rshared\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    volumes:\n      - ./data:/data\n"
    aliases = ("CL-0017",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for mount in service_volumes(service):
            if mount.propagation in ("shared", "rshared"):
                node = mount.node
                if isinstance(node, MappingNode):
                    bind = node.get("bind")
                    if isinstance(bind, MappingNode):
                        node = bind.get("propagation") or node
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{service.name}' mounts {mount.target} with {mount.propagation} "
                    "propagation: mounts made inside the container reach the host",
                )


RULES = (
    SocketMounted,
    WritableRootEquivalentMount,
    SensitiveHostPathMounted,
    HostDeviceExposed,
    SharedMountPropagation,
)
