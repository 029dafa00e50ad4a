"""Reference rules: names a service uses must be defined, and definitions should be used.

Compose resolves networks, volumes, secrets, configs and other services by name when the
project starts; a typo only shows up then. These rules check every name statically, over
the merged project, and report where the name is written (override files included).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Sequence
from typing import ClassVar

from linter import (
    Applicability,
    ComposeContext,
    Diagnostic,
    Edit,
    Fix,
    Fixable,
    Position,
    Severity,
    Span,
)
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.records import record
from linter.targets import ComposeRule, ServiceRule

from ._compose_values import (
    PortMapping,
    is_unknown,
    scalar_text,
    service_network_names,
    service_ports,
    service_volumes,
    sub_span,
)

# ---------------------------------------------------------------------------------------------
# Who uses what


@record
class Use:
    """A service naming a top-level resource."""

    service: str
    name: str
    path: str
    span: Span


def _named_items(node: Node | None, key: str = "source") -> Iterator[tuple[str, Node, Span]]:
    """Names in ``[name, {source: name}]`` lists (secrets, configs)."""
    if not isinstance(node, SequenceNode):
        return
    for item in node.items:
        if isinstance(item, MappingNode):
            source = item.get(key)
            text = scalar_text(source)
            if text and source is not None:
                yield text, source, source.span
        elif (text := scalar_text(item)) is not None:
            yield text, item, item.span


def network_uses(service: Service) -> Iterator[Use]:
    for name, node in service_network_names(service):
        yield Use(service.name, name, node.path, node.span)


def volume_uses(service: Service) -> Iterator[Use]:
    for mount in service_volumes(service):
        if not mount.is_named_volume or mount.source is None:
            continue
        node = mount.source_node
        span = node.span
        if isinstance(node, ScalarNode) and not mount.long_form:
            start = node.text.find(mount.source)
            if start >= 0:
                span = sub_span(node, start, start + len(mount.source))
        yield Use(service.name, mount.source, node.path, span)


def secret_uses(service: Service) -> Iterator[Use]:
    sources = [service.get("secrets")]
    build = service.get("build")
    if isinstance(build, MappingNode):
        sources.append(build.get("secrets"))
    for node in sources:
        for name, item, span in _named_items(node):
            yield Use(service.name, name, item.path, span)


def config_uses(service: Service) -> Iterator[Use]:
    for name, item, span in _named_items(service.get("configs")):
        yield Use(service.name, name, item.path, span)


_USES = {
    "networks": network_uses,
    "volumes": volume_uses,
    "secrets": secret_uses,
    "configs": config_uses,
}


# ---------------------------------------------------------------------------------------------
# Undefined and unused resources


class _UndefinedResource(ServiceRule):
    section: ClassVar[str]
    noun: ClassVar[str]
    tags = ("reference",)
    severity = Severity.ERROR

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        project = context.project
        defined = project.section(self.section)
        names = set(defined.keys()) if defined else set()
        if self.section == "networks":
            names.add("default")
        for use in _USES[self.section](service):
            if use.name not in names:
                yield self.report(
                    use.path,
                    use.span,
                    f"service {use.service!r} uses {self.noun} {use.name!r}, which is not "
                    f"defined under top-level `{self.section}:`",
                )


class UndefinedNetwork(_UndefinedResource):
    code = "DC100"
    name = "undefined-network"
    section = "networks"
    noun = "network"
    summary = "A service joins a network that is not defined"
    description = (
        "Every network a service lists must be declared under the top-level `networks:` key "
        '(only `default` is implicit). `docker compose up` fails with "service refers to '
        'undefined network".'
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n    networks: [frontend]\n"
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [frontend]\n"
        "networks:\n  frontend:\n"
    )


class UndefinedVolume(_UndefinedResource):
    code = "DC101"
    name = "undefined-volume"
    section = "volumes"
    noun = "named volume"
    summary = "A service mounts a named volume that is not defined"
    description = (
        "A volume source that is not a path (`db-data:/var/lib/postgresql/data`) names a "
        "volume, which must be declared under the top-level `volumes:` key; `docker compose` "
        'fails with "service refers to undefined volume". If a host folder was meant, write '
        "it as a path (`./db-data`)."
    )
    bad = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - db-data:/var/lib/postgresql/data\n"
    )
    good = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\n"
    )


class UndefinedSecret(_UndefinedResource):
    code = "DC102"
    name = "undefined-secret"
    section = "secrets"
    noun = "secret"
    summary = "A service or build uses a secret that is not defined"
    description = (
        "Secrets listed by a service (or by its `build.secrets`) must be declared under the "
        "top-level `secrets:` key with a `file:` or `environment:` source; otherwise "
        '`docker compose` stops with "refers to undefined secret".'
    )
    bad = "services:\n  app:\n    image: nginx:1.27\n    secrets: [db_password]\n"
    good = (
        "services:\n  app:\n    image: nginx:1.27\n    secrets: [db_password]\n"
        "secrets:\n  db_password:\n    file: ./db_password.txt\n"
    )


class UndefinedConfig(_UndefinedResource):
    code = "DC103"
    name = "undefined-config"
    section = "configs"
    noun = "config"
    summary = "A service uses a config that is not defined"
    description = (
        "Configs listed by a service must be declared under the top-level `configs:` key; "
        'otherwise `docker compose` stops with "refers to undefined config".'
    )
    bad = "services:\n  proxy:\n    image: nginx:1.27\n    configs: [nginx_conf]\n"
    good = (
        "services:\n  proxy:\n    image: nginx:1.27\n    configs:\n      - source: nginx_conf\n"
        "        target: /etc/nginx/nginx.conf\nconfigs:\n  nginx_conf:\n    file: ./nginx.conf\n"
    )


class _UnusedResource(ComposeRule):
    section: ClassVar[str]
    noun: ClassVar[str]
    tags = ("reference",)
    severity = Severity.INFO

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        project = context.project
        defined = project.section(self.section)
        if defined is None:
            return
        used = {
            use.name
            for service in project.services.values()
            for use in _USES[self.section](service)
        }
        for pair in defined.pairs:
            name = str(pair.key.value)
            if name in used or (self.section == "networks" and name == "default"):
                continue
            yield self.report(
                pair.key.path,
                pair.key.span,
                f"{self.noun} {name!r} is defined but no service uses it",
            )


class UnusedNetwork(_UnusedResource):
    code = "DC104"
    name = "unused-network"
    section = "networks"
    noun = "network"
    summary = "A top-level network no service joins"
    description = (
        "A network that no service joins is created for nothing, and is often the sign of a "
        "typo in a service's `networks:` list (the service then silently stays on `default`)."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\nnetworks:\n  backend:\n"
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [backend]\nnetworks:\n  backend:\n"
    )


class UnusedVolume(_UnusedResource):
    code = "DC105"
    name = "unused-volume"
    section = "volumes"
    noun = "volume"
    summary = "A top-level volume no service mounts"
    description = (
        "A declared volume that no service mounts is dead configuration, or the sign that a "
        "service mounts a host path or a misspelt name instead of the intended volume."
    )
    bad = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - ./pg:/var/lib/postgresql/data\nvolumes:\n  pg-data:\n"
    )
    good = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - pg-data:/var/lib/postgresql/data\nvolumes:\n  pg-data:\n"
    )


class UnusedSecret(_UnusedResource):
    code = "DC106"
    name = "unused-secret"
    section = "secrets"
    noun = "secret"
    summary = "A top-level secret no service or build uses"
    description = (
        "A secret that is declared but given to no service (nor to any `build.secrets`) is "
        "dead configuration; the service that needs it probably reads the value from its "
        "environment instead."
    )
    bad = (
        "services:\n  app:\n    image: nginx:1.27\nsecrets:\n  api_key:\n    file: ./api_key.txt\n"
    )
    good = (
        "services:\n  app:\n    image: nginx:1.27\n    secrets: [api_key]\n"
        "secrets:\n  api_key:\n    file: ./api_key.txt\n"
    )


class UnusedConfig(_UnusedResource):
    code = "DC107"
    name = "unused-config"
    section = "configs"
    noun = "config"
    summary = "A top-level config no service uses"
    description = "A config that no service lists is dead configuration, or a forgotten mount."
    bad = (
        "services:\n  proxy:\n    image: nginx:1.27\nconfigs:\n  nginx_conf:\n"
        "    file: ./nginx.conf\n"
    )
    good = (
        "services:\n  proxy:\n    image: nginx:1.27\n    configs: [nginx_conf]\n"
        "configs:\n  nginx_conf:\n    file: ./nginx.conf\n"
    )


# ---------------------------------------------------------------------------------------------
# Service references


@record
class ServiceRef:
    """A service naming another service (depends_on, links, volumes_from, network_mode)."""

    service: str
    other: str
    via: str
    node: Node
    span: Span
    required: bool = True


def depends_on(service: Service) -> Iterator[ServiceRef]:
    node = service.get("depends_on")
    if isinstance(node, SequenceNode):
        for item in node.items:
            if isinstance(item, ScalarNode) and (text := scalar_text(item)):
                yield ServiceRef(service.name, text, "depends_on", item, item.span)
    elif isinstance(node, MappingNode):
        for pair in node.pairs:
            required = True
            if isinstance(pair.value, MappingNode):
                flag = pair.value.get("required")
                required = not (isinstance(flag, ScalarNode) and flag.value is False)
            yield ServiceRef(
                service.name, str(pair.key.value), "depends_on", pair.key, pair.key.span, required
            )


def other_service_refs(service: Service) -> Iterator[ServiceRef]:
    """links, volumes_from and ``network_mode: service:x`` references."""
    links = service.get("links")
    if isinstance(links, SequenceNode):
        for item in links.items:
            if isinstance(item, ScalarNode) and (text := scalar_text(item)):
                name = text.split(":", 1)[0]
                yield ServiceRef(service.name, name, "links", item, sub_span(item, 0, len(name)))
    volumes_from = service.get("volumes_from")
    if isinstance(volumes_from, SequenceNode):
        for item in volumes_from.items:
            if isinstance(item, ScalarNode) and (text := scalar_text(item)):
                if text.startswith("container:"):
                    continue
                name = text.split(":", 1)[0]
                yield ServiceRef(
                    service.name, name, "volumes_from", item, sub_span(item, 0, len(name))
                )
    mode = service.get("network_mode")
    text = scalar_text(mode)
    if isinstance(mode, ScalarNode) and text and text.startswith("service:"):
        name = text.removeprefix("service:")
        yield ServiceRef(
            service.name, name, "network_mode", mode, sub_span(mode, len("service:"), len(text))
        )


class UndefinedService(ServiceRule):
    code = "DC108"
    name = "undefined-service"
    tags = ("reference",)
    severity = Severity.ERROR
    summary = "depends_on, links, volumes_from or network_mode names an unknown service"
    description = (
        "A service can only depend on, link to, share volumes or the network stack of another "
        "service of the same project. A misspelt name makes `docker compose` fail with "
        '"depends on undefined service". `depends_on` entries with `required: false` are '
        "allowed to be absent and are not reported."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [databse]\n  database:\n"
        "    image: postgres:16\n"
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [database]\n  database:\n"
        "    image: postgres:16\n"
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        services = context.project.services
        for ref in (*depends_on(service), *other_service_refs(service)):
            if ref.other in services or not ref.required:
                continue
            yield self.report(
                ref.node.path,
                ref.span,
                f"service {ref.service!r} names unknown service {ref.other!r} in `{ref.via}`",
            )


def dependency_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every strongly connected component that is a cycle, members in discovery order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(root: str) -> None:
        # Iterative Tarjan: a deep chain of services must not hit the recursion limit.
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = graph.get(node, [])
            if child < len(successors):
                work.append((node, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, []):
                    cycles.append(component[::-1])
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    for name in graph:
        if name not in index:
            visit(name)
    return cycles


class DependencyCycle(ComposeRule):
    code = "DC109"
    name = "depends-on-cycle"
    tags = ("reference",)
    severity = Severity.ERROR
    summary = "Services depend on each other in a cycle"
    description = (
        "`depends_on` decides the start order; when services depend on each other in a loop "
        'there is no order, and `docker compose up` fails with "dependency cycle detected". '
        "Each cycle is reported once, at a `depends_on` entry that closes it."
    )
    bad = (
        "services:\n  api:\n    image: nginx:1.27\n    depends_on: [worker]\n"
        "  worker:\n    image: nginx:1.27\n    depends_on: [api]\n"
    )
    good = (
        "services:\n  api:\n    image: nginx:1.27\n    depends_on: [db]\n"
        "  worker:\n    image: nginx:1.27\n    depends_on: [db]\n  db:\n    image: postgres:16\n"
    )

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        services = context.project.services
        refs = {
            name: [ref for ref in depends_on(service) if ref.other in services]
            for name, service in services.items()
        }
        graph = {name: [ref.other for ref in items] for name, items in refs.items()}
        order = {name: index for index, name in enumerate(services)}
        for cycle in dependency_cycles(graph):
            first = min(cycle, key=order.__getitem__)
            chain = _shortest_cycle(first, refs, set(cycle))
            if not chain:
                continue
            names = [*(ref.service for ref in chain), first]
            if len(names) > 9:  # a long loop: its ends say enough, the count says the rest
                names = [*names[:4], "...", *names[-3:]]
                shown = " -> ".join(names) + f" ({len(chain)} services)"
            else:
                shown = " -> ".join(names)
            closing = chain[-1]
            yield self.report(closing.node.path, closing.span, f"dependency cycle: {shown}")


def _shortest_cycle(
    first: str, refs: dict[str, list[ServiceRef]], members: set[str]
) -> list[ServiceRef]:
    """The depends_on entries of a shortest cycle through ``first`` (breadth-first)."""
    parents: dict[str, ServiceRef] = {}
    queue = deque([first])
    while queue:
        current = queue.popleft()
        for ref in refs[current]:
            if ref.other not in members:
                continue
            if ref.other == first:
                chain = [ref]
                node = current
                while node != first:
                    chain.append(parents[node])
                    node = parents[node].service
                return chain[::-1]
            if ref.other not in parents:
                parents[ref.other] = ref
                queue.append(ref.other)
    return []


class DuplicateContainerName(ComposeRule):
    code = "DC110"
    name = "duplicate-container-name"
    tags = ("reference", "reliability")
    severity = Severity.ERROR
    summary = "Two services set the same container_name"
    description = (
        "Container names are unique per Docker host: the second service with the same "
        '`container_name` fails to start with "the container name is already in use".'
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    container_name: app\n"
        "  api:\n    image: nginx:1.27\n    container_name: app\n"
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    container_name: app-web\n"
        "  api:\n    image: nginx:1.27\n    container_name: app-api\n"
    )
    aliases = ("no-duplicate-container-names",)

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        first: dict[str, str] = {}
        for service in context.project.services.values():
            node = service.get("container_name")
            name = scalar_text(node)
            if node is None or not name:
                continue
            if name in first:
                yield self.report(
                    node.path,
                    node.span,
                    f"container name {name!r} is already used by service {first[name]!r}",
                )
            else:
                first[name] = service.name


def _describe_port(port: PortMapping) -> str:
    ip = f"{port.host_ip}:" if port.host_ip else ""
    ports = port.host_ports
    number = str(ports.start) if len(ports) == 1 else f"{ports.start}-{ports.stop - 1}"
    return f"{ip}{number}/{port.protocol}"


class DuplicateHostPort(ComposeRule):
    code = "DC111"
    name = "duplicate-host-port"
    tags = ("reference", "reliability")
    severity = Severity.ERROR
    summary = "The same host port is published twice"
    description = (
        "A host port (on one address and protocol) can be bound by one container only; the "
        'second service fails with "port is already allocated". Ranges are expanded, and '
        "ports bound to different host IPs or protocols do not collide (`0.0.0.0` collides "
        "with every address). A host range mapped to a single container port lets Docker pick "
        'a free port and is not reported, nor is a container port alone (`"80"`), which '
        "is published on a random host port."
    )
    bad = (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n'
        '  admin:\n    image: nginx:1.27\n    ports: ["8080:8080"]\n'
    )
    good = (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n'
        '  dns:\n    image: coredns/coredns:1.11.1\n    ports: ["127.0.0.1:8080:53/udp"]\n'
    )
    aliases = ("no-duplicate-exported-ports",)

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        # Earlier mappings indexed by host port, so a stack with thousands of ports is not
        # compared pair by pair; wide ranges (rare) are kept aside and always compared.
        seen: list[tuple[str, PortMapping]] = []
        by_port: dict[int, list[int]] = {}
        wide: list[int] = []
        for service in context.project.services.values():
            for port in service_ports(service):
                if not port.has_host_port:
                    continue
                ports = port.host_ports
                candidates: Sequence[int]
                if len(ports) > _WIDE_RANGE:
                    candidates = range(len(seen))
                else:
                    found = {index for number in ports for index in by_port.get(number, ())}
                    candidates = sorted(found.union(wide))
                clash = next(
                    (seen[index][0] for index in candidates if port.overlaps(seen[index][1])), None
                )
                if clash is not None:
                    where = "this service" if clash == service.name else f"service {clash!r}"
                    yield self.report(
                        port.path,
                        port.node.span,
                        f"host port {_describe_port(port)} is already published by {where}",
                    )
                index = len(seen)
                seen.append((service.name, port))
                if len(ports) > _WIDE_RANGE:
                    wide.append(index)
                else:
                    for number in ports:
                        by_port.setdefault(number, []).append(index)


_WIDE_RANGE = 256


class LegacyLinks(ServiceRule):
    code = "DC112"
    name = "legacy-links"
    tags = ("best-practice",)
    severity = Severity.INFO
    summary = "`links` is a legacy feature"
    description = (
        "Services on a shared network already reach each other by service name, so `links` "
        "adds nothing but a start-order dependency, which `depends_on` expresses explicitly. "
        "Docker documents links as legacy; use networks (and aliases) instead."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    links: [db]\n  db:\n    image: postgres:16\n"
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n  db:\n"
        "    image: postgres:16\n"
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        pair = service.node.pair("links")
        if pair is not None and not pair.merged:
            yield self.report(
                pair.key.path,
                pair.key.span,
                f"service {service.name!r} uses legacy `links`; services on "
                "the same network reach each other by name",
            )


class ObsoleteVersion(ComposeRule):
    code = "DC113"
    name = "obsolete-version-field"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "The top-level `version` field is obsolete"
    description = (
        "The compose specification ignores `version`; Docker Compose v2 warns that it is "
        "obsolete, and its value says nothing about which features work. Delete the line "
        "(the fix does, keeping every other byte)."
    )
    bad = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n'
    good = "services:\n  web:\n    image: nginx:1.27\n"
    fixable = Fixable.SOMETIMES
    aliases = ("no-version-field",)

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for compose_file in context.project.files:
            if compose_file.root is None:
                continue
            pair = compose_file.root.pair("version")
            if pair is None:
                continue
            fix = _delete_lines_fix(compose_file.source, pair.key, pair.value)
            yield self.report(
                pair.key.path,
                pair.key.span,
                "the `version` field is obsolete and ignored by Compose",
                fix,
            )


def _delete_lines_fix(source: str, key: ScalarNode, value: Node) -> Fix | None:
    """Delete a top-level ``key: scalar`` line when nothing else shares the line."""
    lines = source.splitlines(keepends=True)
    line = key.span.start.line
    if key.span.start.column != 1 or not isinstance(value, ScalarNode):
        return None
    if value.span.end.line != line or line > len(lines):
        return None
    rest = lines[line - 1][value.span.end.column - 1 :].strip()
    if rest and not rest.startswith("#"):
        return None
    end = Position(line + 1, 1) if line < len(lines) or lines[-1].endswith("\n") else None
    if end is None:
        end = Position(line, len(lines[line - 1]) + 1)
    elif line == 1 or not lines[line - 2].strip():
        # The blank lines that set the line apart would be left at the top of the file, or
        # doubled: they go with it.
        following = line
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following < len(lines):
            end = Position(following + 1, 1)
    return Fix(
        "delete the obsolete `version` line",
        (Edit(Span(Position(line, 1), end), ""),),
        Applicability.SAFE,
    )


_CONTAINER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")


class InvalidContainerName(ServiceRule):
    code = "DC114"
    name = "invalid-container-name"
    tags = ("reference",)
    severity = Severity.ERROR
    summary = "container_name is not a valid Docker container name"
    description = (
        "Docker accepts container names matching `[a-zA-Z0-9][a-zA-Z0-9_.-]+`: at least two "
        "characters, starting with a letter or digit, then letters, digits, `_`, `.` or `-`. "
        "Any other name makes the container creation fail. The name is checked after "
        "interpolation, so `${DB_NAME}` is judged by the value `.env` gives it; a variable with "
        "no value anywhere is unknown, not malformed."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n    container_name: my web\n"
    good = "services:\n  web:\n    image: nginx:1.27\n    container_name: my-web\n"
    aliases = ("service-container-name-regex",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        node = service.get("container_name")
        name = scalar_text(node)
        if node is None or name is None or _CONTAINER_NAME.match(name) or is_unknown(node):
            return
        yield self.report(
            node.path,
            node.span,
            f"container name {name!r} does not match [a-zA-Z0-9][a-zA-Z0-9_.-]+",
        )


RULES = (
    UndefinedNetwork,
    UndefinedVolume,
    UndefinedSecret,
    UndefinedConfig,
    UnusedNetwork,
    UnusedVolume,
    UnusedSecret,
    UnusedConfig,
    UndefinedService,
    DependencyCycle,
    DuplicateContainerName,
    DuplicateHostPort,
    LegacyLinks,
    ObsoleteVersion,
    InvalidContainerName,
)
