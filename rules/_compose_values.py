"""Shared readings of compose values: fields, ports, image references, volumes, host paths,
networks and who is on them, environment entries, datastores.

Compose packs several values into one string (``127.0.0.1:8080:80/udp``,
``./data:/var/lib/mysql:ro``). Every compose rule needs the same reading of them, so it lives
here once; the grammars follow compose-go, the reference implementation.

Rule modules import it relatively (``from ._compose_values import parse_port``): the folder
is installed as ``linter.rules``, and a relative import resolves both at run time and for
``mypy rules``.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterator

from linter import Position, Span
from linter.compose.model import ComposeProject, Service
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.records import record

from ._image_roles import STATEFUL_ROLES, Datastore, role_for_repository

# ---------------------------------------------------------------------------------------------
# Scalars and spans


def scalar_text(node: Node | None) -> str | None:
    """The compose value of a scalar as text (``80`` and ``"80"`` both give ``"80"``)."""
    if not isinstance(node, ScalarNode) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "true" if node.value else "false"
    if isinstance(node.value, str):
        return node.value
    return node.text if isinstance(node.value, float) else str(node.value)


def is_unknown(node: Node | None) -> bool:
    """A value that uses a variable with no value (not in .env, no default): format checks
    must not call it malformed, its real value is known only where the stack runs."""
    return isinstance(node, ScalarNode) and node.unknown


def sub_span(node: ScalarNode, start: int, end: int) -> Span:
    """The span of ``node.text[start:end]``, or the whole node when it cannot be exact.

    Exact only for single-line plain or quoted scalars without escapes, where every
    character of the value is one character of the source.
    """
    span = node.span
    quote = 1 if node.quoted else 0
    single_line = span.start.line == span.end.line
    written = span.end.column - span.start.column - 2 * quote
    if not single_line or node.style not in ("plain", "single", "double"):
        return span
    if written != len(node.text) or not 0 <= start <= end <= len(node.text):
        return span
    line = span.start.line
    base = span.start.column + quote
    return Span(Position(line, base + start), Position(line, base + end))


def int_value(node: Node | None) -> int | None:
    """An integer written as a number or a numeric string (``replicas: "2"``)."""
    if not isinstance(node, ScalarNode) or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int):
        return node.value
    if isinstance(node.value, str) and node.value.strip().isdigit():
        return int(node.value.strip())
    return None


def key_span(service: Service, key: str) -> Span:
    """The span of a service's ``key:`` (falls back to the service name)."""
    pair = service.node.pair(key)
    return pair.key.span if pair is not None else service.key.span


def key_path(service: Service, key: str) -> str:
    pair = service.node.pair(key)
    return pair.key.path if pair is not None else service.path


def scalar_items(node: Node | None) -> list[ScalarNode]:
    """The scalar items of a list field; a lone scalar counts as a one-item list."""
    if isinstance(node, SequenceNode):
        return [item for item in node.items if isinstance(item, ScalarNode)]
    if isinstance(node, ScalarNode) and node.value is not None:
        return [node]
    return []


def is_true(node: Node | None) -> bool:
    """Compose booleans: ``true`` or the strings ``"true"``/``"yes"``/``"1"``."""
    if not isinstance(node, ScalarNode):
        return False
    if isinstance(node.value, bool):
        return node.value
    return str(node.value).strip().lower() in ("true", "yes", "1", "on")


# ---------------------------------------------------------------------------------------------
# Ports


ALL_INTERFACES = frozenset({"", "0.0.0.0", "::", "[::]"})


@record(compiled=True)
class PortMapping:
    """One ``ports:`` entry: ``[HOST_IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]``.

    ``host_start``/``host_end`` are None when no host port is written: compose then
    publishes the container port on an ephemeral host port (or, for ``expose``-like
    entries, the port is only reachable inside the network).
    """

    node: Node  # the whole entry: a scalar (short form) or a mapping (long form)
    container_start: int
    container_end: int
    host_start: int | None = None
    host_end: int | None = None
    host_ip: str | None = None
    protocol: str = "tcp"
    mode: str = "ingress"  # long form only: "ingress" or "host"
    long_form: bool = False

    @property
    def path(self) -> str:
        return self.node.path

    @property
    def has_host_port(self) -> bool:
        """A fixed host port is written (so two replicas or services can collide on it)."""
        return self.host_start is not None

    @property
    def binds_all_interfaces(self) -> bool:
        """Published on every interface of the host (no host IP, 0.0.0.0 or ::)."""
        return self.host_ip is None or self.host_ip in ALL_INTERFACES

    @property
    def host_ports(self) -> range:
        if self.host_start is None:
            return range(0)
        return range(self.host_start, (self.host_end or self.host_start) + 1)

    @property
    def container_ports(self) -> range:
        return range(self.container_start, self.container_end + 1)

    @property
    def host_ip_normalized(self) -> str:
        """The host IP with brackets stripped; ``""`` for every interface."""
        ip = (self.host_ip or "").strip("[]")
        return "" if ip in ("0.0.0.0", "::") else ip

    def overlaps(self, other: PortMapping) -> bool:
        """Would publishing both on one host collide (same protocol, overlapping IP and port)?

        A host-port range mapped to one container port lets the engine pick any free port
        of the range, so such entries do not collide unless the ranges are exhausted; only
        fixed ports and range-to-range mappings are compared.
        """
        if not (self.has_host_port and other.has_host_port):
            return False
        if self.protocol != other.protocol:
            return False
        if self.picks_from_range or other.picks_from_range:
            return False
        ip_a, ip_b = self.host_ip_normalized, other.host_ip_normalized
        if ip_a and ip_b and ip_a != ip_b:
            return False
        a, b = self.host_ports, other.host_ports
        return a.start < b.stop and b.start < a.stop

    @property
    def picks_from_range(self) -> bool:
        """``8000-8010:80``: one container port on any free host port of a range."""
        return (
            self.host_start is not None
            and self.host_end is not None
            and self.host_end != self.host_start
            and self.container_end == self.container_start
        )


_PORT_RANGE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")


def _port_range(text: str) -> tuple[int, int] | None:
    match = _PORT_RANGE.match(text.strip())
    if match is None:
        return None
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else start
    if end < start or end > 65535:
        return None
    return start, end


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_port_text(text: str, node: Node) -> PortMapping | None:
    """Read a short-form port; None when it is not valid compose syntax."""
    text = text.strip()
    protocol = "tcp"
    if "/" in text:
        text, protocol = text.rsplit("/", 1)
        protocol = protocol.lower()
    host_ip: str | None = None
    if text.startswith("["):  # [::1]:8080:80
        close = text.find("]")
        if close < 0 or text[close + 1 : close + 2] != ":":
            return None
        host_ip, text = text[: close + 1], text[close + 2 :]
        parts = text.split(":")
        if len(parts) == 1:
            parts = ["", parts[0]]
    else:
        parts = text.rsplit(":", 2)
        if len(parts) == 3:
            host_ip = parts[0]
            parts = parts[1:]
    if host_ip and not _is_ip(host_ip.strip("[]")):
        return None
    container = _port_range(parts[-1])
    if container is None:
        return None
    host: tuple[int, int] | None = None
    if len(parts) == 2 and parts[0] != "":
        host = _port_range(parts[0])
        if host is None:
            return None
    return PortMapping(
        node=node,
        container_start=container[0],
        container_end=container[1],
        host_start=host[0] if host else None,
        host_end=host[1] if host else None,
        host_ip=host_ip,
        protocol=protocol,
    )


def parse_port(node: Node) -> PortMapping | None:
    """Read one ``ports:`` item, short or long form; None when unreadable."""
    if isinstance(node, ScalarNode):
        text = scalar_text(node)
        return parse_port_text(text, node) if text else None
    if not isinstance(node, MappingNode):
        return None
    target = _port_range(scalar_text(node.get("target")) or "")
    if target is None:
        return None
    published = scalar_text(node.get("published"))
    host = _port_range(published) if published else None
    host_ip = scalar_text(node.get("host_ip"))
    return PortMapping(
        node=node,
        container_start=target[0],
        container_end=target[1],
        host_start=host[0] if host else None,
        host_end=host[1] if host else None,
        host_ip=host_ip,
        protocol=(scalar_text(node.get("protocol")) or "tcp").lower(),
        mode=scalar_text(node.get("mode")) or "ingress",
        long_form=True,
    )


def service_ports(service: Service) -> list[PortMapping]:
    """Every readable ``ports:`` entry of a service (``expose`` is not publishing)."""
    node = service.get("ports")
    if not isinstance(node, SequenceNode):
        return []
    return [port for item in node.items if (port := parse_port(item)) is not None]


# ---------------------------------------------------------------------------------------------
# Image references


@record(compiled=True)
class ImageName:
    """An image reference split like Docker does: ``[registry/]repository[:tag][@digest]``."""

    text: str
    registry: str | None  # None when not written (Docker Hub)
    repository: str  # as written without registry: ``postgres``, ``bitnami/redis``
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The last path component: ``elasticsearch`` for ``docker.elastic.co/x/elasticsearch``."""
        return self.repository.rsplit("/", 1)[-1]

    @property
    def canonical_repository(self) -> str:
        """The repository without Docker Hub's implicit ``library/`` prefix."""
        repo = self.repository
        if self.registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
            repo = repo.removeprefix("library/")
        return repo

    @property
    def is_docker_hub(self) -> bool:
        return self.registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io")

    @property
    def has_variables(self) -> bool:
        """Left with ``$`` after interpolation (an unset variable or ``$$``)."""
        return "$" in self.text


def parse_image(text: str) -> ImageName:
    """Split an image reference; never fails (odd text gives odd but total parts)."""
    rest = text.strip()
    digest: str | None = None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
    tag: str | None = None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    registry: str | None = None
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry, rest = first, remainder
    return ImageName(text=text, registry=registry, repository=rest, tag=tag, digest=digest)


def service_image(service: Service) -> tuple[ScalarNode, ImageName] | None:
    """The service's ``image:`` node and its parsed reference, when it is a non-empty string."""
    node = service.get("image")
    text = scalar_text(node)
    if not isinstance(node, ScalarNode) or not text:
        return None
    return node, parse_image(text)


# ---------------------------------------------------------------------------------------------
# Volumes


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_BIND_OPTIONS = frozenset({"shared", "rshared", "slave", "rslave", "private", "rprivate", "z", "Z"})


@record(compiled=True)
class VolumeMount:
    """One ``volumes:`` entry of a service.

    ``kind`` is "bind" (a host path), "volume" (named when ``source`` is set, anonymous
    otherwise), "tmpfs", "npipe", "image" or "cluster".
    """

    node: Node
    kind: str
    target: str
    source: str | None = None
    read_only: bool = False
    propagation: str | None = None
    selinux: str | None = None  # "z" or "Z"
    long_form: bool = False

    @property
    def path(self) -> str:
        return self.node.path

    @property
    def is_bind(self) -> bool:
        return self.kind == "bind"

    @property
    def is_named_volume(self) -> bool:
        return self.kind == "volume" and bool(self.source)

    @property
    def persists(self) -> bool:
        """Data written at ``target`` outlives the container (``down`` without ``-v``)."""
        return self.kind in ("bind", "volume", "cluster")

    @property
    def source_node(self) -> Node:
        """Where the source is written (the whole entry for the short form)."""
        if isinstance(self.node, MappingNode):
            return self.node.get("source") or self.node
        return self.node

    @property
    def normalized_target(self) -> str:
        return normalize_container_path(self.target)


def is_host_path(source: str) -> bool:
    """Compose reads a short-form source as a host path when it looks like one."""
    return source.startswith((".", "/", "~", "\\")) or bool(_WINDOWS_DRIVE.match(source))


def _split_short_volume(spec: str) -> list[str] | None:
    """Split on ``:`` but keep a Windows drive (``C:\\x``) in the source part."""
    drive = ""
    if _WINDOWS_DRIVE.match(spec):
        drive, spec = spec[:2], spec[2:]
    parts = spec.split(":")
    parts[0] = drive + parts[0]
    if len(parts) > 3 or any(part == "" for part in parts):
        return None
    return parts


def parse_volume_text(spec: str, node: Node) -> VolumeMount | None:
    """Read ``[SOURCE:]TARGET[:MODE]``; None when it is not valid compose syntax."""
    spec = spec.strip()
    parts = _split_short_volume(spec)
    if not parts:
        return None
    if len(parts) == 1:
        return VolumeMount(node=node, kind="volume", target=parts[0])
    source, target = parts[0], parts[1]
    read_only = False
    propagation: str | None = None
    selinux: str | None = None
    if len(parts) == 3:
        for option in parts[2].split(","):
            if option == "ro":
                read_only = True
            elif option in ("z", "Z"):
                selinux = option
            elif option in _BIND_OPTIONS:
                propagation = option
    kind = "bind" if is_host_path(source) else "volume"
    return VolumeMount(
        node=node,
        kind=kind,
        target=target,
        source=source,
        read_only=read_only,
        propagation=propagation,
        selinux=selinux,
    )


def parse_volume(node: Node) -> VolumeMount | None:
    """Read one service ``volumes:`` item, short or long form; None when unreadable."""
    if isinstance(node, ScalarNode):
        text = scalar_text(node)
        return parse_volume_text(text, node) if text else None
    if not isinstance(node, MappingNode):
        return None
    target = scalar_text(node.get("target"))
    if not target:
        return None
    kind = scalar_text(node.get("type")) or "volume"
    read_only = isinstance(ro := node.get("read_only"), ScalarNode) and ro.value is True
    bind = node.get("bind")
    propagation = selinux = None
    if isinstance(bind, MappingNode):
        propagation = scalar_text(bind.get("propagation"))
        selinux = scalar_text(bind.get("selinux"))
    return VolumeMount(
        node=node,
        kind=kind,
        target=target,
        source=scalar_text(node.get("source")) or None,
        read_only=read_only,
        propagation=propagation,
        selinux=selinux,
        long_form=True,
    )


def service_volumes(service: Service) -> list[VolumeMount]:
    """Every readable ``volumes:`` entry of a service (``tmpfs:`` is read separately)."""
    node = service.get("volumes")
    if not isinstance(node, SequenceNode):
        return []
    return [mount for item in node.items if (mount := parse_volume(item)) is not None]


def normalize_container_path(path: str) -> str:
    """``/var/lib/mysql/`` and ``/var/lib//mysql`` are the same directory."""
    if not path.startswith("/"):
        return path
    return posixpath.normpath(path)


def normalize_host_path(source: str) -> str:
    """``/var/run/../run/docker.sock/`` -> ``/run/docker.sock``; ``~`` kept as written."""
    source = source.strip().replace("\\", "/")
    if source.startswith("~"):
        head, _, rest = source.partition("/")
        rest = posixpath.normpath(rest) if rest else ""
        return head if rest in ("", ".") else f"{head}/{rest}"
    if not source.startswith("/"):
        return source
    normalized = posixpath.normpath(source)
    return "/" + normalized.lstrip("/")


# ---------------------------------------------------------------------------------------------
# Networks, environment


def service_network_names(service: Service) -> list[tuple[str, Node]]:
    """The networks a service joins, with where each is named.

    A service with no ``networks:`` (and no ``network_mode``) joins the project's
    ``default`` network: it is returned with the service key as its node.
    """
    if service.get("network_mode") is not None:
        return []
    node = service.get("networks")
    if isinstance(node, SequenceNode):
        return [(text, item) for item in node.items if (text := scalar_text(item))]
    if isinstance(node, MappingNode):
        return [(str(pair.key.value), pair.key) for pair in node.pairs]
    return [("default", service.key)]


@record
class Membership:
    """Who is on one network, and which of them publish ports to the host."""

    name: str
    services: tuple[Service, ...]

    @property
    def publishers(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if service_ports(s))


def networks_of(project: ComposeProject) -> dict[str, Membership]:
    """Every network that some service joins (``default`` included), with its members."""
    members: dict[str, list[Service]] = {}
    for service in project.services.values():
        for name, _node in service_network_names(service):
            members.setdefault(name, []).append(service)
    return {name: Membership(name, tuple(found)) for name, found in members.items()}


def service_mentions(service: Service, other: str) -> bool:
    """Does ``service`` name ``other`` (depends_on, links, or as a host in its settings)?"""
    depends = service.get("depends_on")
    if isinstance(depends, MappingNode) and other in depends.keys():  # noqa: SIM118
        return True
    if any(scalar_text(item) == other for item in scalar_items(depends)):
        return True
    for item in scalar_items(service.get("links")):
        if (scalar_text(item) or "").split(":")[0] == other:
            return True
    word = re.compile(rf"(^|[^A-Za-z0-9_.-]){re.escape(other)}($|[^A-Za-z0-9_-])")
    for field in ("environment", "command", "entrypoint", "extra_hosts", "healthcheck"):
        for text in scalar_texts(service.get(field)):
            if word.search(text):
                return True
    return False


def scalar_texts(node: Node | None) -> Iterator[str]:
    """Every scalar text below a node (keys of mappings excluded)."""
    if isinstance(node, ScalarNode):
        text = scalar_text(node)
        if text:
            yield text
    elif isinstance(node, SequenceNode):
        for item in node.items:
            yield from scalar_texts(item)
    elif isinstance(node, MappingNode):
        for pair in node.pairs:
            yield from scalar_texts(pair.value)


@record(compiled=True)
class KeyValueEntry:
    """One entry of a list-or-mapping field (environment, labels, build args, ...)."""

    key: str
    value: str | None  # None for ``- KEY`` / ``KEY:`` (taken from the shell environment)
    node: Node  # the list item, or the mapping value (the key when the value is null)
    key_span: Span
    value_span: Span


def key_value_entries(node: Node | None) -> Iterator[KeyValueEntry]:
    """Entries of ``environment``-style fields: ``[KEY=VAL, ...]`` or ``{KEY: VAL}``."""
    if isinstance(node, MappingNode):
        for pair in node.pairs:
            value = scalar_text(pair.value)
            value_node = pair.value if isinstance(pair.value, ScalarNode) else pair.key
            yield KeyValueEntry(
                key=str(pair.key.value),
                value=value,
                node=pair.value,
                key_span=pair.key.span,
                value_span=value_node.span,
            )
    elif isinstance(node, SequenceNode):
        for item in node.items:
            text = scalar_text(item)
            if not isinstance(item, ScalarNode) or text is None:
                continue
            key, sep, value = text.partition("=")
            yield KeyValueEntry(
                key=key,
                value=value if sep else None,
                node=item,
                key_span=sub_span(item, 0, len(key)),
                value_span=sub_span(item, len(key) + 1, len(text)) if sep else item.span,
            )


# ---------------------------------------------------------------------------------------------
# Datastores


def datastore_for(image: ImageName) -> Datastore | None:
    """The datastore an image runs, recognised by repository (registry mirrors included)."""
    found = role_for(image)
    return found if found is not None and found.role in STATEFUL_ROLES else None


def role_for(image: ImageName) -> Datastore | None:
    """What an image is (datastore, broker, coordination service, control plane), if known."""
    if image.has_variables:
        return None
    return role_for_repository(image.canonical_repository)


_SCRIPT_WORD = re.compile(r"[^\s;&|()'\"`]+")


def service_command_words(service: Service) -> list[str]:
    """The words of ``entrypoint`` then ``command`` (scripts split on blanks and operators).

    A rough reading for recognising programs and options (``mongos``, ``--head``,
    ``--web.enable-lifecycle``), not a shell parser: quotes and operators only separate.
    """
    words: list[str] = []
    for field in ("entrypoint", "command"):
        node = service.get(field)
        items = node.items if isinstance(node, SequenceNode) else (node,) if node else ()
        for item in items:
            text = scalar_text(item) if isinstance(item, ScalarNode) else None
            if text:
                words.extend(_SCRIPT_WORD.findall(text))
    return words


def service_role(service: Service) -> Datastore | None:
    """The role of a service's image, with control planes only in their dangerous mode."""
    image = service_image(service)
    found = role_for(image[1]) if image else None
    if found is None or not found.when:
        return found
    words = service_command_words(service)
    options = {word.split("=", 1)[0] for word in words}
    names = {posixpath.basename(word) for word in words}
    if any(flag in options or flag in names for flag in found.when):
        return found
    return None


def stateless_role(service: Service, store: Datastore) -> bool:
    """Whether the command turns a datastore image into a gateway, proxy or client.

    ``mongos`` routes queries to shards, ``redis-server --sentinel`` watches other servers,
    ``redis-cli``/``psql``/``mysqldump`` jobs are clients, an Elasticsearch node with
    ``node.roles`` empty only coordinates: none keeps data of its own. So does any
    ``command``/``entrypoint`` of an image with a known server program that never names
    it (a setup script: ``entrypoint: [bash, /scripts/setup.sh]``); options alone
    (``command: --save 60 1``) go to the server.
    """
    words = service_command_words(service)
    # program names: a word right after an option is the option's value (``-h redis-server``
    # names a host), except after a shell's ``-c``, which is followed by the script
    names = [
        posixpath.basename(word)
        for index, word in enumerate(words)
        if index == 0
        or not words[index - 1].startswith("-")
        or "=" in words[index - 1]
        or words[index - 1] == "-c"
    ]
    if store.kind == "redis" and ("--sentinel" in words or "sentinel.conf" in " ".join(names)):
        return True
    if store.kind in ("elasticsearch", "opensearch"):
        for entry in key_value_entries(service.get("environment")):
            if entry.key == "node.roles" and (entry.value or "").strip() in ("", "[]"):
                return True
    if not store.servers or not words or words[0].startswith("-"):
        return False
    if store.kind == "redis" and words[0].endswith(".conf"):
        return False  # redis' entrypoint runs ``redis-server FILE.conf`` for a config file
    # the image's entrypoint runs any other program instead of the server (official images'
    # docker-entrypoint.sh execs it; Confluent's command is the server launcher itself)
    return not any(name in store.servers for name in names)


def service_datastore(service: Service) -> Datastore | None:
    image = service_image(service)
    return datastore_for(image[1]) if image else None
