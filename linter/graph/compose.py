"""A compose project's topology as graph elements.

The project is the one ``check`` lints: main file, override files, ``include`` and
``extends`` merged by ``linter.compose.project``. Values are read here as compose-go reads
them (ports ``[IP:][HOST:]CONTAINER[/PROTO]``, volumes ``[SOURCE:]TARGET[:MODE]``, short and
long forms). The rules keep their own readings in ``linter.rules``; the engine side may not
import rules, so the few lines of grammar the picture needs live here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Sequence

from linter.compose.model import ComposeProject, Service
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.context import BuildLink
from linter.diagnostics import Span
from linter.graph.labels import short_image, shorten
from linter.graph.model import Graph, Group, Where
from linter.patterns import lazy_compile
from linter.records import record

# Host paths whose bind mount gives a container the host (or its secrets): marked in red.
SENSITIVE_EXACT = frozenset({"/", "/home", "/run", "/var/run", "/var", "/usr", "~"})
SENSITIVE_PREFIXES = (
    "/etc",
    "/root",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/lib/modules",
    "/var/lib/docker",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd",
    "/run/containerd",
    "/var/lib/kubelet",
    "/bin",
    "/sbin",
    "/lib",
    "/usr/bin",
    "/usr/lib",
    "~/.ssh",
    "~/.aws",
    "~/.docker",
    "~/.kube",
    "~/.gnupg",
    "/home/",
)
_PORT_RANGE = lazy_compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_WINDOWS_DRIVE = lazy_compile(r"^[A-Za-z]:[\\/]")


def text_of(node: Node | None) -> str | None:
    """A scalar as compose reads it, as text (``80`` and ``"80"`` give ``"80"``)."""
    if not isinstance(node, ScalarNode) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "true" if node.value else "false"
    return node.text if isinstance(node.value, float) else str(node.value)


def is_true(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and (
        node.value is True or str(node.value).lower() == "true"
    )


def where(node: Node) -> Where:
    return Where(node.path, node.span)


def where_pair(key: Node, value: Node) -> Where:
    """A mapping entry from its key to the end of its value."""
    return Where(key.path, Span(key.span.start, max(key.span.end, value.span.end)))


def items(node: Node | None) -> tuple[Node, ...]:
    return node.items if isinstance(node, SequenceNode) else ()


# ---------------------------------------------------------------------------- ports


@record
class Port:
    node: Node
    host_ip: str  # "" when none is written: every interface
    published: str  # "8080", "8000-8010", or "" for an ephemeral host port
    target: str
    protocol: str

    @property
    def all_interfaces(self) -> bool:
        return self.host_ip.strip("[]") in ("", "0.0.0.0", "::")


def _range(text: str) -> str | None:
    match = _PORT_RANGE.match(text.strip())
    return match.group(0) if match else None


def read_port(node: Node) -> Port | None:
    """One ``ports:`` item, short or long form; None when compose would reject it."""
    if isinstance(node, MappingNode):
        target = _range(text_of(node.get("target")) or "")
        if target is None:
            return None
        return Port(
            node,
            text_of(node.get("host_ip")) or "",
            _range(text_of(node.get("published")) or "") or "",
            target,
            (text_of(node.get("protocol")) or "tcp").lower(),
        )
    text = (text_of(node) or "").strip()
    if not text:
        return None
    protocol = "tcp"
    if "/" in text:
        text, protocol = text.rsplit("/", 1)
    host_ip = ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1 : close + 2] != ":":
            return None
        host_ip, text = text[: close + 1], text[close + 2 :]
        parts = text.split(":") if ":" in text else ["", text]
    else:
        parts = text.rsplit(":", 2)
        if len(parts) == 3:
            host_ip, parts = parts[0], parts[1:]
    target = _range(parts[-1])
    published = _range(parts[0]) if len(parts) == 2 and parts[0] else ""
    if target is None or published is None:
        return None
    return Port(node, host_ip, published, target, protocol.lower())


# ---------------------------------------------------------------------------- volumes


@record
class Mount:
    node: Node
    kind: str  # "bind", "volume", "tmpfs", ...
    source: str  # "" for anonymous volumes and tmpfs
    target: str
    read_only: bool


def read_mount(node: Node) -> Mount | None:
    """One service ``volumes:`` item, short or long form."""
    if isinstance(node, MappingNode):
        target = text_of(node.get("target"))
        if not target:
            return None
        return Mount(
            node,
            text_of(node.get("type")) or "volume",
            text_of(node.get("source")) or "",
            target,
            is_true(node.get("read_only")),
        )
    spec = (text_of(node) or "").strip()
    drive = ""
    if _WINDOWS_DRIVE.match(spec):
        drive, spec = spec[:2], spec[2:]
    parts = spec.split(":")
    parts[0] = drive + parts[0]
    if not spec or len(parts) > 3 or "" in parts:
        return None
    if len(parts) == 1:
        return Mount(node, "volume", "", parts[0], False)
    source = parts[0]
    host = source.startswith((".", "/", "~", "\\")) or bool(_WINDOWS_DRIVE.match(source))
    read_only = len(parts) == 3 and "ro" in parts[2].split(",")
    return Mount(node, "bind" if host else "volume", source, parts[1], read_only)


def sensitive(path: str) -> bool:
    """Whether a bind of this host path hands the container the host or its credentials."""
    clean = path.rstrip("/") or "/"
    if clean.startswith("/"):
        clean = posixpath.normpath(clean)
    if clean in SENSITIVE_EXACT:
        return True
    return any(
        clean == prefix.rstrip("/") or clean.startswith(prefix.rstrip("/") + "/")
        for prefix in SENSITIVE_PREFIXES
    )


# ---------------------------------------------------------------------------- helpers


def _names_with_nodes(node: Node | None) -> list[tuple[str, Node, Node | None]]:
    """A list-or-mapping field (networks, depends_on, secrets as names): name, where, value."""
    if isinstance(node, MappingNode):
        return [(str(pair.key.value), pair.key, pair.value) for pair in node.pairs]
    return [(text, item, None) for item in items(node) if (text := text_of(item))]


def _declared(project: ComposeProject, section: str) -> dict[str, tuple[Node, Node]]:
    node = project.section(section)
    if node is None:
        return {}
    return {str(pair.key.value): (pair.key, pair.value) for pair in node.pairs}


def _file_sections(project: ComposeProject, section: str) -> Iterator[tuple[str, Where]]:
    """Every definition of ``section.NAME`` in every file of the project (overrides too)."""
    for compose_file in project.files:
        root = compose_file.root
        mapping = root.get(section) if root is not None else None
        if isinstance(mapping, MappingNode):
            for pair in mapping.pairs:
                yield str(pair.key.value), where_pair(pair.key, pair.value)


# ---------------------------------------------------------------------------- the builder


StageLinker = Callable[[BuildLink, str | None], str | None]


def add_project(
    graph: Graph, project: ComposeProject, links: Sequence[BuildLink], link_stage: StageLinker
) -> Group:
    """Draw one compose project; ``link_stage(link, target)`` gives the node id of the stage a
    service builds (drawing the Dockerfile the first time it is asked)."""
    group = graph.add_group(
        "project",
        project.path,
        project.path,
        path=project.path,
        files=[f.path for f in project.files],
    )
    for compose_file in project.files:  # a finding outside every element falls back here
        group.places.append(
            Where(
                compose_file.path,
                compose_file.root.span if compose_file.root is not None else Span.of(1, 1, 1, 1),
            )
        )
    host_box: list[Group] = []  # made when the first port or host network needs it

    def host() -> str:
        if not host_box:
            host_box.append(graph.add_group("host", "host", project.path, group.id))
        return host_box[0].id

    services = project.services
    service_ids: dict[str, str] = {}
    mounts: dict[str, list[tuple[Node, Mount | None]]] = {}
    for name, service in services.items():
        mounts[name] = [(item, read_mount(item)) for item in items(service.get("volumes"))]
        node = graph.add_node(
            "service", name, name, group.id, **_service_attributes(service, mounts[name])
        )
        node.places.append(where(service.key))  # a tie with the default membership edge
        service_ids[name] = node.id
    for name, place in _file_sections(project, "services"):
        if name in service_ids:
            graph_node = graph.node(service_ids[name])
            assert graph_node is not None
            graph_node.places.append(place)

    networks = _add_networks(graph, project, group.id)
    volumes = _add_named(graph, project, "volumes", "volume", group.id)
    secrets = _add_named(graph, project, "secrets", "secret", group.id)
    configs = _add_named(graph, project, "configs", "config", group.id)
    binds: dict[str, str] = {}
    host_network: str | None = None
    build_of = {link.service.name: link for link in links}

    for name, service in services.items():
        sid = service_ids[name]
        _add_service_label(graph, sid, service)
        # published ports: host group -> service
        for item in items(service.get("ports")):
            port = read_port(item)
            if port is None:
                continue
            shown_ip = port.host_ip or "0.0.0.0"
            published = port.published or "ephemeral"
            suffix = "/udp" if port.protocol == "udp" else ""
            label = f"{shown_ip}:{published}{suffix}"
            port_node = graph.add_node(
                "port",
                label,
                f"{name}_{published}_{port.protocol}",
                host(),
                host_ip=shown_ip,
                published=port.published or None,
                target=port.target,
                protocol=port.protocol,
                all_interfaces=port.all_interfaces,
                service=name,
            )
            edge_label = port.target if port.target != port.published else ""
            graph.add_edge(
                "publishes", port_node.id, sid, edge_label, all_interfaces=port.all_interfaces
            ).places.append(where(item))
        # networks
        mode = text_of(service.get("network_mode"))
        if mode is not None:
            mode_node = service.get("network_mode")
            assert mode_node is not None
            if mode == "host":
                if host_network is None:
                    host_network = graph.add_node(
                        "host-network", "host network", project.path, host()
                    ).id
                edge = graph.add_edge(
                    "network-mode", sid, host_network, "network_mode: host", mode=mode
                )
                edge.places.append(where(mode_node))
            elif mode.startswith(("service:", "container:")):
                other = mode.partition(":")[2]
                if mode.startswith("service:") and other in service_ids:
                    edge = graph.add_edge(
                        "network-mode", sid, service_ids[other], "shares network", mode=mode
                    )
                    edge.places.append(where(mode_node))
        else:
            joined = _names_with_nodes(service.get("networks"))
            if service.get("networks") is None:
                joined = [("default", service.key, None)]
            for index, (network, key, _value) in enumerate(joined):
                target = networks.get(network)
                if target is None:
                    continue
                edge = graph.add_edge("network", sid, target, "", primary=index == 0)
                # the implicit ``default`` membership is written nowhere: it stands at the
                # service's key, where the isolation rules report it
                edge.places.append(where(key) if _value is None else where_pair(key, _value))
        # volumes and bind mounts
        for item, mount in mounts[name]:
            if mount is None or not mount.source:
                continue
            if mount.kind == "bind":
                bind_id = binds.get(mount.source)
                if bind_id is None:
                    marked = sensitive(mount.source)
                    label = ("⚠ " if marked else "") + shorten(mount.source)
                    bind_id = graph.add_node(
                        "bind", label, mount.source, group.id, path=mount.source, sensitive=marked
                    ).id
                    binds[mount.source] = bind_id
                target_id = bind_id
            elif mount.kind == "volume":
                if mount.source not in volumes:
                    volumes[mount.source] = graph.add_node(
                        "volume", mount.source, mount.source, group.id, declared=False
                    ).id
                target_id = volumes[mount.source]
            else:
                continue
            edge = graph.add_edge(
                "mounts",
                sid,
                target_id,
                shorten(mount.target, 20),
                target=mount.target,
                read_only=mount.read_only,
            )
            edge.places.append(where(item))
        # secrets and configs
        for section, table, kind in (
            ("secrets", secrets, "secret"),
            ("configs", configs, "config"),
        ):
            for item in items(service.get(section)):
                ref = (
                    text_of(item)
                    if isinstance(item, ScalarNode)
                    else (text_of(item.get("source")) if isinstance(item, MappingNode) else None)
                )
                if not ref:
                    continue
                if ref not in table:
                    table[ref] = graph.add_node(kind, ref, ref, group.id, declared=False).id
                graph.add_edge("uses", sid, table[ref], "").places.append(where(item))
        # depends_on
        for other, key, value in _names_with_nodes(service.get("depends_on")):
            if other not in service_ids:
                continue
            condition = "service_started"
            if isinstance(value, MappingNode):
                condition = text_of(value.get("condition")) or condition
            short = {
                "service_healthy": "healthy",
                "service_completed_successfully": "completed",
            }.get(condition, "")
            edge = graph.add_edge("depends-on", sid, service_ids[other], short, condition=condition)
            edge.places.append(where(key) if value is None else where_pair(key, value))
        # build
        link = build_of.get(name)
        build = service.get("build")
        if build is not None:
            target = text_of(build.get("target")) if isinstance(build, MappingNode) else None
            stage_id = link_stage(link, target) if link is not None else None
            if stage_id is not None:
                edge = graph.add_edge(
                    "builds",
                    sid,
                    stage_id,
                    "build" + (f" --target {target}" if target else ""),
                    target=target,
                )
                edge.places.append(where_pair(_key_of(service, "build"), build))
    return group


def _key_of(service: Service, key: str) -> Node:
    pair = service.node.pair(key)
    assert pair is not None
    return pair.key


def _service_attributes(
    service: Service, mounts: list[tuple[Node, Mount | None]]
) -> dict[str, object]:
    attributes: dict[str, object] = {"path": service.path, "line": service.key.span.start.line}
    image = text_of(service.get("image"))
    if image:
        attributes["image"] = image
    build = service.get("build")
    if build is not None:
        context = (
            text_of(build) if not isinstance(build, MappingNode) else text_of(build.get("context"))
        )
        attributes["build"] = context or "."
        if isinstance(build, MappingNode):
            for key in ("dockerfile", "target"):
                value = text_of(build.get(key))
                if value:
                    attributes[f"build_{key}"] = value
    profiles = [text for item in items(service.get("profiles")) if (text := text_of(item))]
    if profiles:
        attributes["profiles"] = profiles
    mode = text_of(service.get("network_mode"))
    if mode:
        attributes["network_mode"] = mode
    anonymous = [m.target for _, m in mounts if m is not None and not m.source]
    tmpfs = [
        text
        for item in (items(service.get("tmpfs")) or (service.get("tmpfs"),))
        if (text := text_of(item))
    ]
    if anonymous or tmpfs:
        attributes["ephemeral_mounts"] = anonymous + tmpfs
    for flag in ("privileged", "read_only"):
        if is_true(service.get(flag)):
            attributes[flag] = True
    return attributes


def _add_service_label(graph: Graph, node_id: str, service: Service) -> None:
    node = graph.node(node_id)
    assert node is not None
    lines = [service.name]
    image = node.attributes.get("image")
    if isinstance(image, str):
        lines.append(short_image(image))
    elif "build" in node.attributes:
        lines.append(f"build {shorten(str(node.attributes['build']), 20)}")
    profiles = node.attributes.get("profiles")
    if isinstance(profiles, list):
        lines.append("profile: " + ", ".join(str(p) for p in profiles))
    node.label = "\n".join(lines)


def _add_networks(graph: Graph, project: ComposeProject, group: str) -> dict[str, str]:
    """Network nodes: declared ones, and ``default`` (or any undeclared one) when joined."""
    declared = _declared(project, "networks")
    used: list[str] = []
    for service in project.services.values():
        if service.get("network_mode") is not None:
            continue
        joined = _names_with_nodes(service.get("networks"))
        names = (
            [name for name, _, _ in joined] if service.get("networks") is not None else ["default"]
        )
        used.extend(name for name in names if name not in used)
    ids: dict[str, str] = {}
    for name in [*declared, *(n for n in used if n not in declared)]:
        config = declared.get(name, (None, None))[1]
        attributes: dict[str, object] = {"declared": name in declared}
        flags: list[str] = []
        if isinstance(config, MappingNode):
            if is_true(config.get("internal")):
                attributes["internal"] = True
                flags.append("internal")
            external = config.get("external")
            if is_true(external) or isinstance(external, MappingNode):
                attributes["external"] = True
                flags.append("external")
            driver = text_of(config.get("driver"))
            if driver:
                attributes["driver"] = driver
                if driver != "bridge":
                    flags.append(driver)
            real = text_of(config.get("name"))
            if real:
                attributes["name"] = real
        label = name + (f" ({', '.join(flags)})" if flags else "")
        node = graph.add_node("network", label, name, group, **attributes)
        ids[name] = node.id
    for name, place in _file_sections(project, "networks"):
        if name in ids:
            found = graph.node(ids[name])
            assert found is not None
            found.places.append(place)
    return ids


def _add_named(
    graph: Graph, project: ComposeProject, section: str, kind: str, group: str
) -> dict[str, str]:
    ids: dict[str, str] = {}
    for name, (_key, config) in _declared(project, section).items():
        attributes: dict[str, object] = {"declared": True}
        flags: list[str] = []
        if isinstance(config, MappingNode):
            if is_true(config.get("external")) or isinstance(config.get("external"), MappingNode):
                attributes["external"] = True
                flags.append("external")
            for key in ("driver", "file", "environment", "name"):
                value = text_of(config.get(key))
                if value:
                    attributes[key] = value
        label = name + (f" ({', '.join(flags)})" if flags else "")
        ids[name] = graph.add_node(kind, label, name, group, **attributes).id
    for name, place in _file_sections(project, section):
        if name in ids:
            found = graph.node(ids[name])
            assert found is not None
            found.places.append(place)
    return ids
