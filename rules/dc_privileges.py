"""Compose privilege rules (DC310-DC322): what a service may do to the kernel it shares.

Privileged mode, added capabilities, confinement turned off, the host's namespaces, the root
user, and the hardening options a service leaves out (no-new-privileges, cap_drop, a
read-only root, logging, tmpfs options). Each rule names the compose-lint check it matches
(CL-xxxx aliases), so compose-lint users can select, ignore and suppress with the ids they
know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import ComposeContext, Diagnostic, Fix, Fixable, ServiceRule, Severity
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, ScalarNode, SequenceNode

from ._compose_values import is_true, key_path, key_span, scalar_items, scalar_text
from ._host_agents import NETWORK, PID, opens_tun_device, service_host_agent
from ._yaml_edits import add_key_fix, append_item_fix


class PrivilegedService(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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


class _CapabilityRule(ServiceRule):
    members: dict[str, str]

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for written, node in _capabilities(service, "cap_add"):
            cap = _cap_name(written)
            why = self.members.get(cap)
            if why is None:
                continue
            severity = None
            if cap == "NET_ADMIN":
                if not _host_network_service(context.project.services, service):
                    continue
                agent = service_host_agent(service, NETWORK)
                if agent is not None:
                    severity = Severity.INFO
                    why = f"{why}; expected for {agent.role} ({agent.reason})"
                elif opens_tun_device(service):
                    severity = Severity.INFO
                    why = f"{why}; expected for a VPN or tunnel on the host (it opens /dev/net/tun)"
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


class ConfinementDisabled(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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


class HostNamespace(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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


class NamespaceJoinsContainer(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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


class ExplicitRootUser(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        node = service.get("user")
        text = scalar_text(node)
        if text is None or node is None:
            return
        user = text.strip().split(":", 1)[0]
        if _ROOT_USER.match(user):
            yield self.report(
                node.path, node.span, f"service '{service.name}' runs as root (user: {text})"
            )


class NoNewPrivilegesMissing(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for name, value, _node in _security_options(service):
            if name == "no-new-privileges" and value.lower() in ("", "true"):
                return
        yield self.report(
            service.path,
            service.key.span,
            f"service '{service.name}' does not set security_opt no-new-privileges:true",
            _no_new_privileges_fix(context, service),
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


class CapDropAllMissing(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        if any(_cap_name(written) == "ALL" for written, _ in _capabilities(service, "cap_drop")):
            return
        if is_true(service.get("privileged")):
            return  # DC310 says more
        yield self.report(
            service.path,
            key_span(service, "cap_drop"),
            f"service '{service.name}' does not drop all capabilities (cap_drop: [ALL])",
        )


class ReadOnlyRootMissing(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        node = service.get("read_only")
        if is_true(node):
            return
        yield self.report(
            key_path(service, "read_only"),
            key_span(service, "read_only"),
            f"service '{service.name}' does not set read_only: true",
        )


class LoggingDisabled(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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


class TmpfsExecutable(ServiceRule):
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

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
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


RULES = (
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
)
