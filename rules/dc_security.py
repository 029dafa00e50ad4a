"""Compose security rules (DC3xx): what a service is allowed to do to its host.

Each rule names the compose-lint check it matches (CL-xxxx aliases), so compose-lint users
can select, ignore and suppress with the ids they know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import ComposeContext, Diagnostic, Fix, Fixable, Rule, Severity, Target
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.records import replace

from ._command_secrets import Found, command_lines, command_urls, text_span
from ._compose_helpers import (
    VolumeMount,
    key_value_entries,
    scalar_text,
    service_volumes,
    sub_span,
)
from ._compose_security_helpers import (
    consumed_key_sentinel,
    is_true,
    is_under,
    key_path,
    key_span,
    literal_secret_value,
    normalize_host_path,
    scalar_items,
    secret_key,
    url_credential,
)
from ._host_agents import NETWORK, PATHS, PID, opens_tun_device, service_host_agent
from ._reorder import add_key_fix, append_item_fix
from ._secrets import token_format, url_password


class _ServiceRule(Rule):
    """A compose rule that looks at one service at a time."""

    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for service in context.project.services.values():
            yield from self.check_service(service)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        raise NotImplementedError


def _bind_mounts(service: Service) -> Iterator[tuple[VolumeMount, str]]:
    """Bind mounts of a service with their normalised host path."""
    for mount in service_volumes(service):
        if mount.is_bind and mount.source:
            yield mount, normalize_host_path(mount.source)


# ---------------------------------------------------------------------------------------------
# Host mounts

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
        if is_under(location, host_path):
            return location
    return None


class SocketMounted(_ServiceRule):
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

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
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
    return any(is_under(host_path, tree) for tree in ROOT_EQUIVALENT_TREES)


class WritableRootEquivalentMount(_ServiceRule):
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

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
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
        if is_under(host_path, tree):
            return f"part of the host's {tree}"
    parts = host_path.split("/")
    if host_path.startswith("/home/") and len(parts) == 3:
        return "a user's home folder"
    home_rest = ""
    if host_path.startswith("~/"):
        home_rest = host_path[2:]
    elif host_path.startswith("/home/") and len(parts) > 3:
        home_rest = "/".join(parts[3:])
    if home_rest and any(is_under(home_rest, cred) for cred in HOME_CREDENTIALS):
        return "a folder of credentials"
    if is_under(host_path, "/run") or is_under(host_path, "/var/run"):
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
    if is_under(host_path, "/run/udev") or is_under(host_path, "/var/run/udev"):
        return read_only  # udev's device database: device properties, no secrets
    if host_path.startswith("/dev/") and not _DANGEROUS_DEVICES.match(host_path):
        return True  # DC304's policy; a bind mount does not grant the device cgroup access
    return bool(_SERVER_SOCKET.search(host_path))


class SensitiveHostPathMounted(_ServiceRule):
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

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
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
                and not is_under(host_path, "/root")
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
            if any(is_under(host_path, bus) for bus in _SYSTEM_BUS):
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


class HostDeviceExposed(_ServiceRule):
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

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
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


class SharedMountPropagation(_ServiceRule):
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

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
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


# ---------------------------------------------------------------------------------------------
# Privileges


class PrivilegedService(_ServiceRule):
    code = "DC310"
    name = "privileged-service"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "The service runs privileged"
    description = (
        "`privileged: true` gives the container every capability, every host device and no "
        "seccomp or AppArmor confinement: escaping to the host is trivial. Grant the one "
        "capability or device the service needs instead."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    privileged: true\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    cap_add: [NET_BIND_SERVICE]\n"
    aliases = ("CL-0002",)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        node = service.get("privileged")
        if is_true(node) and node is not None:
            yield self.report(
                node.path,
                node.span,
                f"service '{service.name}' is privileged: it has every capability and device of "
                "the host; grant only the capability it needs",
            )


def _capabilities(service: Service, key: str) -> Iterator[tuple[str, ScalarNode]]:
    for item in scalar_items(service.get(key)):
        text = (scalar_text(item) or "").strip().upper()
        if text:
            yield text, item


def _cap_name(written: str) -> str:
    return "ALL" if written == "ALL" else written.removeprefix("CAP_")


class _CapabilityRule(_ServiceRule):
    members: dict[str, str]

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        for written, node in _capabilities(service, "cap_add"):
            why = self.members.get(_cap_name(written))
            if why is None:
                continue
            yield self.report(
                node.path,
                node.span,
                f"service '{service.name}' adds {written}: {why}",
            )


class HostControlCapability(_CapabilityRule):
    code = "DC311"
    name = "host-control-capability"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "A capability that amounts to root on the host is added"
    description = (
        "`ALL`, `SYS_ADMIN`, `SYS_MODULE` and `SYS_RAWIO` let a container mount file systems, "
        "load kernel modules or write raw memory and I/O ports: each is a known way out to "
        "the host. Find the narrow capability the service really needs."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    cap_add:\n      - SYS_ADMIN\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    cap_add:\n      - CHOWN\n"
    aliases = ("CL-0024",)
    members = {
        "ALL": "every capability, as good as privileged",
        "SYS_ADMIN": "mount, namespaces and many kernel interfaces, a common container escape",
        "SYS_MODULE": "loading kernel modules runs code in the host kernel",
        "SYS_RAWIO": "raw I/O ports and /dev/mem give access to host memory",
    }


def _host_network_service(project_services: dict[str, Service], service: Service) -> bool:
    """The service runs in the host's network namespace, itself or through the container
    whose namespace it joins (``network_mode: service:x`` / ``container:x``)."""
    seen: set[str] = set()
    current: Service | None = service
    while current is not None and current.name not in seen:
        seen.add(current.name)
        mode = (scalar_text(current.get("network_mode")) or "").strip()
        if mode == "host":
            return True
        kind, _, name = mode.partition(":")
        if kind == "service":
            current = project_services.get(name)
        elif kind == "container":
            current = next(
                (
                    s
                    for s in project_services.values()
                    if scalar_text(s.get("container_name")) == name
                ),
                None,
            )
        else:
            return False
    return False


def _pid_or_seccomp_open(service: Service) -> bool:
    """``pid: host`` or seccomp turned off: what lets SYS_BOOT reach the host."""
    if scalar_text(service.get("pid")) == "host":
        return True
    return any(
        name == "seccomp" and value.lower() == "unconfined"
        for name, value, _ in _security_options(service)
    )


class HostAffectingCapability(_CapabilityRule):
    code = "DC312"
    name = "host-affecting-capability"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A capability that reaches beyond the container is added"
    description = (
        "These capabilities act on the host rather than the container: eBPF (`BPF`, "
        "`PERFMON`), the host clock (`SYS_TIME`: the clock is not namespaced), the kernel "
        "log (`SYSLOG`), real-time scheduling (`SYS_NICE`: SCHED_FIFO threads are not "
        "bounded by the CPU quota) and file leases (`LEASE`). `IPC_LOCK` is info: locked "
        "memory is charged to the container's memory limit, and Vault and Elasticsearch ask "
        "for it; give such a service a memory limit. `NET_ADMIN` is reported only when the "
        "service shares the host's network (`network_mode: host`, or the namespace of a "
        "container that does): otherwise it reconfigures the container's own network "
        "namespace, which is what VPN servers need. `SYS_BOOT` is reported only with "
        "`pid: host` or seccomp off: in its own pid namespace `reboot()` only stops the "
        "container, and Docker's seccomp profile blocks `kexec_load`. For the host agents of "
        "`rules/_host_agents.py` (firewalls, VPN clients for the host, packet capture) "
        "`NET_ADMIN` on the host's network is info, and so is a service given `/dev/net/tun` "
        "(a VPN or tunnel on the host: its interface and routes are its job)."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    cap_add: [SYS_TIME]\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    cap_add: [NET_BIND_SERVICE]\n"
    aliases = ("CL-0011", "CL-0028", "CL-0029", "CL-0030")
    members = {
        "NET_ADMIN": "on the host's network it can reconfigure the host's interfaces, routes "
        "and firewall rules",
        "BPF": "eBPF programs can observe and change the host kernel's behaviour",
        "SYS_BOOT": "with the host's pid namespace (or seccomp off) it can reboot the host or "
        "load a new kernel",
        "PERFMON": "performance monitoring reads other processes' activity through the kernel",
        "SYS_TIME": "it sets the host's clock for every container and the host itself",
        "SYSLOG": "it reads the kernel log, which leaks kernel addresses",
        "SYS_NICE": "real-time scheduling lets its threads take CPUs from the host's other "
        "processes",
        "IPC_LOCK": "memory it locks cannot be swapped out; only a memory limit bounds it",
        "LEASE": "leases on files it did not create can stall other processes that open them",
    }

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        services = context.project.services
        for service in services.values():
            for written, node in _capabilities(service, "cap_add"):
                cap = _cap_name(written)
                why = self.members.get(cap)
                if why is None:
                    continue
                severity = None
                if cap == "NET_ADMIN":
                    if not _host_network_service(services, service):
                        continue
                    agent = service_host_agent(service, NETWORK)
                    if agent is not None:
                        severity = Severity.INFO
                        why = f"{why}; expected for {agent.role} ({agent.reason})"
                    elif opens_tun_device(service):
                        severity = Severity.INFO
                        why = (
                            f"{why}; expected for a VPN or tunnel on the host (it opens "
                            "/dev/net/tun)"
                        )
                elif cap == "SYS_BOOT" and not _pid_or_seccomp_open(service):
                    continue
                elif cap == "IPC_LOCK":
                    severity = Severity.INFO
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{service.name}' adds {written}: {why}",
                    severity=severity,
                )


class DebugCapability(_CapabilityRule):
    code = "DC313"
    name = "debug-capability"
    tags = ("security",)
    severity = Severity.INFO
    summary = "A capability that bypasses process or file isolation is added"
    description = (
        "`SYS_PTRACE` lets the container attach to and read the memory of other processes it "
        "can see, and `DAC_READ_SEARCH` bypasses file read permissions (and enables the "
        "`open_by_handle_at` escape). Keep them for debugging sessions, not for services."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    cap_add: [SYS_PTRACE]\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    cap_drop: [ALL]\n"
    aliases = ("CL-0027",)
    members = {
        "SYS_PTRACE": "it can trace and read the memory of processes it can see",
        "DAC_READ_SEARCH": "it bypasses read permissions on files and directories",
    }


def _security_options(service: Service) -> list[tuple[str, str, ScalarNode]]:
    """``(name, value, node)`` for each ``security_opt`` entry (``:`` or ``=`` separated)."""
    found = []
    for item in scalar_items(service.get("security_opt")):
        text = (scalar_text(item) or "").strip()
        match = re.match(r"^([^:=]*)[:=]?(.*)$", text)
        name, value = (match.group(1), match.group(2)) if match else (text, "")
        found.append((name.strip().lower(), value.strip(), item))
    return found


class ConfinementDisabled(_ServiceRule):
    code = "DC314"
    name = "confinement-disabled"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "seccomp, AppArmor or SELinux confinement is turned off"
    description = (
        "`seccomp:unconfined` lets the container call every system call (the kernel attack "
        "surface the default profile removes), `apparmor:unconfined` and `label:disable` drop "
        "the mandatory access control that stops many escapes, and `systempaths=unconfined` "
        "unmasks `/proc` and `/sys`. Write a custom profile that allows what is needed. The "
        "last entry for each kind wins, as in Docker."
    )
    bad = (
        "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n      - seccomp:unconfined\n"
    )
    good = (
        "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n"
        "      - no-new-privileges:true\n"
    )
    aliases = ("CL-0009",)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        last: dict[str, tuple[str, ScalarNode]] = {}
        for name, value, node in _security_options(service):
            last[name] = (value, node)
        for name in ("seccomp", "apparmor", "label", "systempaths"):
            if name not in last:
                continue
            value, node = last[name]
            lowered = value.lower()
            if (name == "label" and lowered == "disable") or (
                name != "label" and lowered == "unconfined"
            ):
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{service.name}' turns off {name} confinement ({name}:{value}); "
                    "use a profile that allows only what it needs",
                )


class HostNamespace(_ServiceRule):
    code = "DC315"
    name = "host-namespace-shared"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "The service shares the host's process or IPC namespace"
    description = (
        "`pid: host` lets the container see, signal and (with ptrace) inspect every process "
        "of the host, and `ipc: host` gives it the host's shared memory. Monitoring agents "
        "sometimes need `pid: host`; application services never do. For the host monitoring "
        "and security agents of `rules/_host_agents.py` (node-exporter, netdata, telegraf, "
        "collectd, glances, monit, falco, ...) `pid: host` is info: their job is the host's "
        "processes."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    pid: host\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    init: true\n"
    aliases = ("CL-0010",)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        for key, what in (("pid", "processes"), ("ipc", "shared memory")):
            node = service.get(key)
            if scalar_text(node) == "host" and node is not None:
                agent = service_host_agent(service, PID) if key == "pid" else None
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{service.name}' uses the host's {key} namespace: it reaches the "
                    f"host's {what}"
                    + (f"; expected for {agent.role} ({agent.reason})" if agent else "")
                    + (
                        "; if it only needs a bigger /dev/shm (a browser), set shm_size instead"
                        if key == "ipc"
                        else ""
                    ),
                    severity=Severity.INFO if agent else None,
                )


class NamespaceJoinsContainer(_ServiceRule):
    code = "DC316"
    name = "namespace-joins-container"
    tags = ("security", "network-isolation")
    severity = Severity.INFO
    summary = "The service joins another container's network, process or IPC namespace"
    description = (
        "`network_mode: service:x` (or `container:x`, and the same for `pid` and `ipc`) puts "
        "the service inside another container's namespace: it shares its interfaces and "
        "ports, sees its processes or its shared memory, and restarts with it. That is right "
        "for a VPN or debugging sidecar; elsewhere, use a network."
    )
    bad = (
        "services:\n  vpn:\n    image: qmcgaw/gluetun:v3.39\n  app:\n    image: alpine:3.20\n"
        "    network_mode: service:vpn\n"
    )
    good = (
        "services:\n  vpn:\n    image: qmcgaw/gluetun:v3.39\n  app:\n    image: alpine:3.20\n"
        "    networks: [default]\n"
    )

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        for key in ("network_mode", "pid", "ipc"):
            node = service.get(key)
            text = scalar_text(node) or ""
            kind, _, other = text.partition(":")
            if kind in ("service", "container") and other and node is not None:
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{service.name}' joins the {key} namespace of {kind} '{other}'",
                )


_ROOT_USER = re.compile(r"^(root|0+)$")


class ExplicitRootUser(_ServiceRule):
    code = "DC317"
    name = "explicit-root-user"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "The service is set to run as root"
    description = (
        "`user: root` (or `0`, `0:0`) overrides an image that was built to run as an "
        "unprivileged user. Root in a container is root on the host's kernel: one bug away "
        "from the host. Run as the image's user, or give a numeric non-root UID."
    )
    bad = "services:\n  app:\n    image: node:22-alpine\n    user: root\n"
    good = 'services:\n  app:\n    image: node:22-alpine\n    user: "1000:1000"\n'
    aliases = ("CL-0018",)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        node = service.get("user")
        text = scalar_text(node)
        if text is None or node is None:
            return
        user = text.strip().split(":", 1)[0]
        if _ROOT_USER.match(user):
            yield self.report(
                node.path, node.span, f"service '{service.name}' runs as root (user: {text})"
            )


class NoNewPrivilegesMissing(_ServiceRule):
    code = "DC318"
    name = "no-new-privileges-missing"
    tags = ("security",)
    severity = Severity.INFO
    summary = "The service does not set no-new-privileges"
    description = (
        "Without `security_opt: [no-new-privileges:true]`, a process in the container can gain "
        "privileges through setuid binaries (`su`, `sudo`, `ping` on older images). Setting it "
        "costs nothing for most services. Off by default: it fires on nearly every file."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n"
    good = (
        "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n"
        "      - no-new-privileges:true\n"
    )
    fixable = Fixable.SOMETIMES
    aliases = ("CL-0003",)
    enabled_by_default = False

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for service in context.project.services.values():
            for diagnostic in self.check_service(service):
                yield replace(diagnostic, fix=_no_new_privileges_fix(context, service))

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        for name, value, _node in _security_options(service):
            if name == "no-new-privileges" and value.lower() in ("", "true"):
                return
        yield self.report(
            service.path,
            service.key.span,
            f"service '{service.name}' does not set security_opt no-new-privileges:true",
        )


_NO_NEW_PRIVILEGES = "no-new-privileges:true"


def _no_new_privileges_fix(context: ComposeContext, service: Service) -> Fix | None:
    """Add the option to the service's own block list, or a new `security_opt` key.

    Unsafe: a program that relies on setuid (sudo, su, some entrypoints) stops working.
    No fix when the service already names no-new-privileges (set to false: a choice), or
    when the layout is not plain block YAML written in one file.
    """
    if any(name == "no-new-privileges" for name, _, _ in _security_options(service)):
        return None
    title = f"add `{_NO_NEW_PRIVILEGES}` to security_opt"
    pair = service.node.pair("security_opt")
    if pair is None:
        return add_key_fix(
            context.project,
            service.node,
            service.key,
            ["security_opt:", f"  - {_NO_NEW_PRIVILEGES}"],
            title,
        )
    if pair.merged or not isinstance(pair.value, SequenceNode):
        return None
    return append_item_fix(context.project, pair.value, _NO_NEW_PRIVILEGES, title)


class CapDropAllMissing(_ServiceRule):
    code = "DC319"
    name = "cap-drop-all-missing"
    tags = ("security",)
    severity = Severity.INFO
    summary = "The service keeps Docker's default capabilities"
    description = (
        "Docker grants about fourteen capabilities by default (`CHOWN`, `SETUID`, `NET_RAW`, "
        "...). Most services need none of them: `cap_drop: [ALL]` plus a short `cap_add` list "
        "shrinks what an attacker can do. Off by default: it fires on nearly every file. "
        "Privileged services are left to DC310: Docker gives them every capability and "
        "ignores `cap_drop`."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    cap_drop:\n      - ALL\n"
    aliases = ("CL-0006",)
    enabled_by_default = False

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        if any(_cap_name(written) == "ALL" for written, _ in _capabilities(service, "cap_drop")):
            return
        if is_true(service.get("privileged")):
            return  # DC310 says more
        yield self.report(
            service.path,
            key_span(service, "cap_drop"),
            f"service '{service.name}' does not drop all capabilities (cap_drop: [ALL])",
        )


class ReadOnlyRootMissing(_ServiceRule):
    code = "DC320"
    name = "read-only-root-missing"
    tags = ("security",)
    severity = Severity.INFO
    summary = "The container's root file system is writable"
    description = (
        "With `read_only: true` the container cannot change its own binaries or drop tools "
        "into its file system; writable paths are given explicitly as volumes or `tmpfs`. "
        "Many images need some adjusting first, so this rule is off by default."
    )
    bad = "services:\n  app:\n    image: nginx:1.27\n"
    good = (
        "services:\n  app:\n    image: nginx:1.27\n    read_only: true\n    tmpfs:\n"
        "      - /var/cache/nginx\n      - /run\n"
    )
    aliases = ("CL-0007",)
    enabled_by_default = False

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        node = service.get("read_only")
        if is_true(node):
            return
        yield self.report(
            key_path(service, "read_only"),
            key_span(service, "read_only"),
            f"service '{service.name}' does not set read_only: true",
        )


class LoggingDisabled(_ServiceRule):
    code = "DC321"
    name = "logging-disabled"
    tags = ("security", "reliability")
    severity = Severity.INFO
    summary = "The service's logs are thrown away"
    description = (
        "`logging: {driver: none}` discards everything the service writes: there is nothing "
        "to investigate after an incident or a crash, and `docker compose logs` shows "
        "nothing. Keep a driver with rotation (`json-file` or `local` with `max-size`)."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    logging:\n      driver: none\n"
    good = (
        "services:\n  app:\n    image: alpine:3.20\n    logging:\n      driver: local\n"
        "      options:\n        max-size: 10m\n"
    )
    aliases = ("CL-0014",)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        logging = service.get("logging")
        if not isinstance(logging, MappingNode):
            return
        driver = logging.get("driver")
        if scalar_text(driver) == "none" and driver is not None:
            yield self.report(
                driver.path,
                driver.span,
                f"service '{service.name}' discards its logs (logging driver none)",
            )


class TmpfsExecutable(_ServiceRule):
    code = "DC322"
    name = "tmpfs-exec-or-suid"
    tags = ("security",)
    severity = Severity.INFO
    summary = "A tmpfs mount allows executing files or setuid"
    description = (
        "Docker mounts `tmpfs` with `noexec` and `nosuid` by default. Adding `exec` or `suid` "
        "gives an attacker a writable place to drop and run a payload, or a setuid binary. "
        "Remove the option unless the service really executes from that path."
    )
    bad = "services:\n  app:\n    image: alpine:3.20\n    tmpfs:\n      - /tmp:exec,mode=1777\n"
    good = "services:\n  app:\n    image: alpine:3.20\n    tmpfs:\n      - /tmp:mode=1777\n"
    aliases = ("CL-0022",)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        for item in scalar_items(service.get("tmpfs")):
            text = scalar_text(item) or ""
            target, _, options = text.partition(":")
            enabled = [opt for opt in options.split(",") if opt.strip() in ("exec", "suid")]
            if enabled:
                yield self.report(
                    item.path,
                    item.span,
                    f"service '{service.name}' mounts tmpfs {target} with "
                    f"{' and '.join(o.strip() for o in enabled)}",
                )


# ---------------------------------------------------------------------------------------------
# Secrets


class SecretInEnvironment(_ServiceRule):
    code = "DC330"
    name = "secret-in-environment"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A credential is written literally in the service's environment or command line"
    description = (
        "A password, token or key written in the compose file ends up in version control, in "
        "`docker inspect` and in every log that dumps the environment; on a command line it "
        "is also in `ps` and `/proc/<pid>/cmdline`, readable by every user in the container. "
        "In `environment` it is recognised by name (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, "
        "`*_API_KEY`, ...) and by value format (AWS, GitHub, GitLab, npm, Slack, Stripe tokens, "
        "private keys, JWTs). In `command`, `entrypoint`, `healthcheck.test` and the "
        "`post_start`/`pre_stop` hooks' `command` (and in the scripts they pass to `sh -c`, "
        "`CMD-SHELL` or `su -c`) it is recognised by option "
        "(`--password=x`, `--token x`, `--api-key x`, redis `--requirepass x` and "
        "`--masterauth x`, `redis-cli -a x`, mysql `-px`), by `PGPASSWORD=x`-style "
        "assignments using the same names, and by value format. Values taken from "
        "`${VARIABLES}` or the container's shell (`$${VAR}`, `$$(cat /run/secrets/x)`), "
        "`*_FILE` keys and `--*-file` options pointing at compose `secrets` are fine, and so "
        "are names that say who logs in or how (`*_USER`, `*_USERNAME`, `*_KEY_ID`, "
        "`*_CREDENTIALS_SOURCE`), etcd's cluster identifier (`ETCD_INITIAL_CLUSTER_TOKEN`, "
        "`--initial-cluster-token`), and values that only mark where a secret goes: empty, "
        "`<your-token>`, `{{ token }}`, `xxx`, `***`, all zeros. Words such as `changeme`, "
        "`dummy` or `change-me-in-production` are still reported: deployed as written they "
        "are working credentials that everybody who reads the file knows. The exception is "
        "an API key the stack hands to an outside service (`*_API_KEY`, `*_API_SECRET`) set "
        "to a word that marks it absent: `dummy`, `invalid`, `disabled`, `none`, `unset` "
        "(a telemetry exporter's `API_KEY: dummy`; mailcow's `${API_KEY:-invalid}`, which "
        "its entrypoint skips, installing no key): no service accepts such a key, so nothing "
        "is disclosed, whereas `POSTGRES_PASSWORD: changeme` sets the password a server of "
        "the stack then accepts. Known token "
        "formats are reported whatever the name. A password inside a "
        "`scheme://user:password@host` URL is DC331's; `host:port@port` forms such as "
        "mitmproxy's `reverse:https://host:443@8443` are not URLs with a password."
    )
    bad = (
        "services:\n  db:\n    image: postgres:17\n    environment:\n"
        "      POSTGRES_PASSWORD: hunter2\n"
    )
    good = (
        "services:\n  db:\n    image: postgres:17\n    environment:\n"
        "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\n"
        "secrets:\n  db_password:\n    file: ./db_password.txt\n"
    )
    aliases = ("CL-0020",)

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        sources = {file.path: file.source for file in context.project.files}
        for service in context.project.services.values():
            yield from self.check_service(service)
            yield from self.check_command_line(service, sources)

    def check_command_line(self, service: Service, sources: dict[str, str]) -> Iterator[Diagnostic]:
        for field, found in command_lines(service):
            for item in found:
                span = text_span(item.node, item.start, item.end, sources.get(item.node.path))
                yield self.report(item.node.path, span, _command_message(service.name, field, item))

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        node = service.get("environment")
        for entry in key_value_entries(node):
            if entry.value is None:
                continue
            written = _written(entry.node)
            if "$" in written:
                default = _literal_default(written)
                if (
                    default is not None
                    and secret_key(entry.key)
                    and literal_secret_value(default)
                    and not consumed_key_sentinel(entry.key, default)
                ):
                    yield self.report(
                        entry.node.path,
                        entry.value_span,
                        f"service '{service.name}' gives {entry.key} a default credential "
                        "written in the file, used whenever the variable is unset; drop the "
                        "default (`${VAR:?set VAR}`) or use a compose secret",
                    )
                continue
            fmt = token_format(entry.value)
            if fmt is None and not (secret_key(entry.key) and literal_secret_value(entry.value)):
                continue
            if fmt is None and consumed_key_sentinel(entry.key, entry.value):
                continue
            if fmt is None and url_password(entry.value):
                continue  # DC331 reports the password inside the URL
            what = fmt or "a credential"
            yield self.report(
                entry.node.path,
                entry.value_span,
                f"service '{service.name}' sets {entry.key} to {what} written in the file; "
                f"use a compose secret ({entry.key}_FILE) or a ${{VARIABLE}} from the environment",
            )


def _command_message(service: str, field: str, found: Found) -> str:
    where = f"in `{field}` of service '{service}'"
    if found.kind == "default":
        return (
            f"{found.option} {where} has a default credential written in the file, used "
            "whenever the variable is unset; drop the default (`${VAR:?set VAR}`) or use a "
            "compose secret"
        )
    fix = (
        "read it from a compose secret (a `--*-file` option or "
        "`$$(cat /run/secrets/NAME)`) or from a variable set in `.env`"
    )
    if found.kind == "literal":
        return f"{found.option} is given a literal credential {where}; {fix}"
    after = f" after {found.option}" if found.option else ""
    return f"{found.kind} is written{after} {where}; {fix}"


_DEFAULTED = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]+)\}")


def _literal_default(written: str) -> str | None:
    """The literal default of a ``${VAR:-default}`` (or ``${VAR-default}``), if any."""
    match = _DEFAULTED.search(written)
    return match.group(1) if match else None


def _written(node: Node) -> str:
    return node.text if isinstance(node, ScalarNode) else ""


class CredentialsInUrl(_ServiceRule):
    code = "DC331"
    name = "credentials-in-url"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A connection string in the environment or on a command line has a literal password"
    description = (
        "`postgres://user:password@db/app`, `redis://:password@cache` and friends put the "
        "password in the compose file, in `docker inspect` and in logs that print the URL; on "
        "a command line (`command`, `entrypoint`, `healthcheck.test`, lifecycle hooks, and the "
        "scripts they run through `sh -c`, `CMD-SHELL` or `su -c`) it is also in `ps` and "
        "`/proc/<pid>/cmdline`. Build the URL from `${VARIABLES}` (or `$${VAR}` from the "
        "container's environment), or let the application read the password from a compose "
        "secret. A default such as `${DB_PASS:-app}` is a password written in the file too "
        "(the value is read as written: a password that `.env` supplies is not reported)."
    )
    bad = (
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4\n    environment:\n"
        "      DATABASE_URL: postgres://app:s3cret@db:5432/app\n"
    )
    good = (
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4\n    environment:\n"
        "      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n"
    )
    aliases = ("CL-0021",)

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        sources = {file.path: file.source for file in context.project.files}
        for service in context.project.services.values():
            yield from self.check_service(service)
            yield from self.check_command_line(service, sources)

    def check_command_line(self, service: Service, sources: dict[str, str]) -> Iterator[Diagnostic]:
        for field, found in command_urls(service):
            for item in found:
                span = text_span(item.node, item.start, item.end, sources.get(item.node.path))
                where = f"in `{field}` of service '{service.name}'"
                if item.kind == "default":
                    message = (
                        f"the {item.option}:// URL {where} has a default password written "
                        "in the file, used whenever the variable is unset; drop the "
                        "default (`${VAR:?set VAR}`) or use a compose secret"
                    )
                else:
                    message = (
                        f"the {item.option}:// URL {where} has a literal password; "
                        "build it from a ${VARIABLE}, `$${VAR}` or a secret"
                    )
                yield self.report(item.node.path, span, message)

    def check_service(self, service: Service) -> Iterator[Diagnostic]:
        for entry in key_value_entries(service.get("environment")):
            node = entry.node
            if entry.value is None or not isinstance(node, ScalarNode):
                continue
            # Read the text as written: a password that came from ${VAR} is not in the file,
            # but the default of ${VAR:-default} is.
            prefix = len(entry.key) + 1 if scalar_text(node) != entry.value else 0
            found = url_credential(node.text[prefix:])
            if found is None:
                continue
            span = sub_span(node, prefix + found.start, prefix + found.end)
            if found.kind == "literal":
                yield self.report(
                    node.path,
                    span,
                    f"service '{service.name}' has a literal password in the {found.scheme}:// "
                    f"URL of {entry.key}; build it from a ${{VARIABLE}} or a secret",
                )
                continue
            yield self.report(
                node.path,
                span,
                f"service '{service.name}' gives the {found.scheme}:// URL of {entry.key} a "
                "default password written in the file, used whenever the variable is unset; "
                "drop the default (`${VAR:?set VAR}`) or use a compose secret",
            )


class SecretBuildArg(Rule):
    code = "DC332"
    name = "secret-in-build-args"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A credential is passed to the build as a build argument"
    description = (
        "Build arguments are recorded in the image's history and metadata (`docker history`, "
        "provenance attestations): anyone who can pull the image can read them, even when "
        "the value comes from a variable. Pass credentials as build secrets "
        "(`build.secrets` and `RUN --mount=type=secret`)."
    )
    bad = (
        "services:\n  app:\n    build:\n      context: .\n      args:\n"
        "        NPM_TOKEN: ${NPM_TOKEN}\n"
    )
    good = (
        "services:\n  app:\n    build:\n      context: .\n      secrets: [npm_token]\n"
        "secrets:\n  npm_token:\n    environment: NPM_TOKEN\n"
    )
    target = Target.COMPOSE

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for service in context.project.services.values():
            build = service.get("build")
            if not isinstance(build, MappingNode):
                continue
            for entry in key_value_entries(build.get("args")):
                if not secret_key(entry.key) and not (entry.value and token_format(entry.value)):
                    continue
                if (
                    entry.value is not None
                    and "$" not in _written(entry.node)
                    and (not literal_secret_value(entry.value))
                ):
                    continue
                yield self.report(
                    entry.node.path,
                    entry.key_span,
                    f"service '{service.name}' passes {entry.key} as a build argument: it is "
                    "stored in the image's history; use a build secret",
                )


RULES = (
    SocketMounted,
    WritableRootEquivalentMount,
    SensitiveHostPathMounted,
    HostDeviceExposed,
    SharedMountPropagation,
    PrivilegedService,
    HostControlCapability,
    HostAffectingCapability,
    DebugCapability,
    ConfinementDisabled,
    HostNamespace,
    NamespaceJoinsContainer,
    ExplicitRootUser,
    NoNewPrivilegesMissing,
    CapDropAllMissing,
    ReadOnlyRootMissing,
    LoggingDisabled,
    TmpfsExecutable,
    SecretInEnvironment,
    CredentialsInUrl,
    SecretBuildArg,
)
