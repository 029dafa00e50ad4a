"""Readings shared by the network, security and cross-file compose rules (PART B).

Port, image and volume grammars live in ``_compose_helpers``; this module adds what only
the security side needs: list-valued fields, booleans, host-path normalisation, secret
recognition and the topology of networks.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from linter.compose.model import ComposeProject, Service
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.diagnostics import Span
from linter.records import record

from ._compose_helpers import (
    scalar_text,
    service_datastore,
    service_network_names,
    service_ports,
)
from ._secrets import is_placeholder, url_password


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


def is_interpolated(node: Node | None) -> bool:
    """Was the value written with a ``$`` variable (so it is not a literal in the file)?"""
    return isinstance(node, ScalarNode) and "$" in node.text


# ---------------------------------------------------------------------------------------------
# Host paths


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


def is_under(path: str, directory: str) -> bool:
    """``path`` is ``directory`` or inside it."""
    if directory == "/":
        return path.startswith("/")
    return path == directory or path.startswith(directory + "/")


# ---------------------------------------------------------------------------------------------
# Secrets

# Key names that hold credentials (compose-lint's list, so CL-0020 users see the same keys).
SECRET_KEY_PARTS = (
    "PASSWORD",
    "PASSPHRASE",
    "TOKEN",
    "SECRET",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "SECRET_KEY",
    "ENCRYPTION_KEY",
    "CREDENTIAL",
)
SECRET_KEY_SUFFIXES = ("_PASS", "_PWD", "PASSWD", "_SALT", "_DSN")
# Names that mention a secret but hold something about it: where it is, how long it lives.
NOT_SECRET_SUFFIXES = (
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_NAME",
    "_TTL",
    "_EXPIRY",
    "_EXPIRE",
    "_EXPIRES",
    "_EXPIRATION",
    "_LIFETIME",
    "_TIMEOUT",
    "_LENGTH",
    "_SIZE",
    "_MIN",
    "_MAX",
    "_MINUTES",
    "_SECONDS",
    "_HOURS",
    "_DAYS",
    "_PORT",
    "_COST",
    "_ROUNDS",
    "_ENABLED",
    "_REQUIRED",
    "_TYPE",
    "_HEADER",
    "_FIELD",
    "_PARAM",
    "_COOKIE",
    # who logs in and how, not with what: ``SINGLE_USER_CREDENTIALS_USERNAME``,
    # ``*_CREDENTIALS_SOURCE: OAUTHBEARER``, an AWS access key's public id
    "_USER",
    "_USERNAME",
    "_USER_NAME",
    "_LOGIN_NAME",
    "_SOURCE",
    "_PROVIDER",
    "_MECHANISM",
    "_KEY_ID",
)
# ``ETCD_INITIAL_CLUSTER_TOKEN`` / ``--initial-cluster-token``: a cluster's identifier that
# keeps two clusters from joining by mistake, not a credential.
NOT_SECRET_PARTS = ("ALLOW_EMPTY_", "RANDOM_", "_POLICY", "_METHOD", "_ALGORITHM", "CLUSTER_TOKEN")
FLAG_VALUES = frozenset({"yes", "no", "true", "false", "0", "1", "on", "off", "none", "null"})
_QUANTITY = re.compile(r"^\d+(\.\d+)?(ms|s|m|h|d|w|k|kb|m|mb|g|gb)?$", re.IGNORECASE)


def secret_key(key: str) -> bool:
    """Does an environment/build-arg name say it holds a credential?"""
    upper = key.strip().upper()
    if upper.endswith(NOT_SECRET_SUFFIXES) or any(part in upper for part in NOT_SECRET_PARTS):
        return False
    return any(part in upper for part in SECRET_KEY_PARTS) or upper.endswith(SECRET_KEY_SUFFIXES)


# Names of credentials a service presents to an outside API (a telemetry exporter's key, a
# mail relay's API key): the issuing service checks them, so a sentinel value matches no key.
_CONSUMED_KEY_PARTS = ("API_KEY", "APIKEY", "API_SECRET")
# Values that say "no key here" rather than being one.
_SENTINELS = frozenset(
    {
        "dummy",
        "invalid",
        "disabled",
        "disable",
        "none",
        "null",
        "nil",
        "unset",
        "undefined",
        "placeholder",
        "notset",
        "not-set",
        "not_set",
        "n/a",
        "unused",
    }
)


def consumed_key_sentinel(key: str, value: str) -> bool:
    """``*_API_KEY: dummy``, ``API_KEY=${API_KEY:-invalid}``: an API key the stack hands to
    another service, set to a word that marks it absent. No service issues the key `dummy`,
    so nothing works and nothing is disclosed; a password the stack's own server is *given*
    (``POSTGRES_PASSWORD: changeme``) is different: the server accepts it as written."""
    text = value.strip().strip("\"'").strip().lower()
    return text in _SENTINELS and any(part in key.strip().upper() for part in _CONSUMED_KEY_PARTS)


def literal_secret_value(value: str) -> bool:
    """A value that could be a credential (not empty, a flag, a number or a file path)."""
    stripped = value.strip()
    if not stripped or stripped.lower() in FLAG_VALUES or _QUANTITY.match(stripped):
        return False
    if is_placeholder(stripped):
        return False  # ``<your-token>``, ``xxx``, ``***``: nothing is disclosed
    return not stripped.startswith(("/run/secrets/", "/var/run/secrets/"))


_BRACED_VARIABLE = re.compile(r"\$\{[^{}]*\}")


def written_url_password(written: str) -> tuple[str, int, int] | None:
    """:func:`url_password` of a value as written, where ``${...}`` may hold ``:`` and ``@``.

    Every ``${...}`` is read as one opaque word, so ``${DB_USER:-app}:${DB_PASS:-x}@db``
    splits at the colon between the two variables, not at the one inside the first.
    """
    masked = _BRACED_VARIABLE.sub(lambda match: "v" * len(match.group(0)), written)
    return url_password(masked)


@record
class UrlCredential:
    """A password written in a connection string: the literal, or a ``${VAR:-x}`` default."""

    scheme: str
    kind: str  # "literal" or "default"
    start: int  # offsets in the text as written
    end: int


_PASSWORD_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]+)\}")


def url_credential(written: str) -> UrlCredential | None:
    """The password of ``scheme://user:password@host`` in a value as written, if the file has it.

    A password from ``${VAR}`` (or from the container's shell: ``$$VAR``) is not in the file;
    the literal default of ``${VAR:-x}`` is, and is returned as a "default".
    """
    found = written_url_password(written)
    if found is None:
        return None
    scheme, start, end = found
    password = written[start:end]
    if "$" not in password:
        if is_placeholder(password):
            return None  # ``user:<password>@host``, ``user:***@host``: a template
        return UrlCredential(scheme, "literal", start, end)
    default = _PASSWORD_DEFAULT.fullmatch(password)
    if default is None or not literal_secret_value(default.group(1)):
        return None
    return UrlCredential(scheme, "default", start + default.start(1), start + default.end(1))


# ---------------------------------------------------------------------------------------------
# Topology


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


def is_datastore(service: Service) -> bool:
    return service_datastore(service) is not None
