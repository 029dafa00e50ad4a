"""Pinning, best-practice and style rules for compose files (dclint parity).

The ordering and quoting rules are opinions: they are off by default and carry dclint's
rule names as aliases, so a dclint configuration maps onto them one to one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise

from linter import Applicability, ComposeContext, Diagnostic, Edit, Fix, Fixable, Severity, Span
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, Node, Pair, ScalarNode, SequenceNode
from linter.targets import ComposeRule, ServiceRule

from ._compose_values import parse_port, scalar_text, service_image
from ._image_tags import moving_tag
from ._official_images import OFFICIAL_IMAGES
from ._yaml_edits import reorder_fix, sorted_order

# ---------------------------------------------------------------------------------------------
# Pinning

MUTABLE_TAGS = frozenset(
    {
        "latest",
        "stable",
        "edge",
        "test",
        "nightly",
        "dev",
        "beta",
        "canary",
        "lts",
        "main",
        "master",
    }
)


class MutableImageTag(ServiceRule):
    code = "DC500"
    name = "mutable-image-tag"
    tags = ("pinning", "reliability")
    severity = Severity.WARNING
    summary = "An image without a tag, or with a moving tag such as `latest`"
    description = (
        "`image: postgres` means `postgres:latest`, and `latest`, `stable`, `edge`, `nightly` "
        "and friends move: the next `docker compose pull` on another machine runs different "
        "software, maybe a new major version that cannot read the old data. Pin a version tag "
        "(or a digest). Services that also `build:` are not reported: there `image:` names the "
        "image being built. The moving tags are dclint's list (`latest`, `stable`, `edge`, "
        "`test`, `nightly`, `dev`, `beta`, `canary`, `lts`) plus the branch names `main` and "
        "`master`, and any tag that names no version: channels and flavours alone or "
        "combined (`alpine`, `slim`, `mainline`, `rolling`, `stable-slim`, `lts-alpine`); a "
        "distribution codename is a version of `debian`/`ubuntu` only (`python:bookworm` "
        "moves with Python). The image is read after interpolation, so `app:${TAG:-latest}` "
        "is reported."
    )
    bad = "services:\n  db:\n    image: postgres\n"
    good = "services:\n  db:\n    image: postgres:16.4-bookworm\n"
    aliases = ("service-image-require-explicit-tag", "CL-0004")

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        found = service_image(service)
        if found is None or service.get("build") is not None:
            return
        node, image = found
        if image.has_variables or image.digest:
            return
        if image.tag is None:
            yield self.report(
                node.path,
                node.span,
                f"image {image.text!r} has no tag, so it means `latest`: pin a version",
            )
        elif image.tag.lower() in MUTABLE_TAGS or moving_tag(image.tag, image.repository):
            yield self.report(
                node.path,
                node.span,
                f"image tag {image.tag!r} names no version and moves over time: pin a version",
            )


class ImageWithoutDigest(ServiceRule):
    code = "DC501"
    name = "image-without-digest"
    tags = ("pinning", "security")
    severity = Severity.INFO
    summary = "An image pinned by tag only, not by digest"
    description = (
        "Tags can be re-pushed: `nginx:1.27` today and next month may be different images. "
        "Only a digest (`nginx:1.27@sha256:...`) names exactly one image, which makes "
        "deployments reproducible and protects against a compromised registry tag. Images "
        "without a tag or with a moving tag are left to DC500. Off by default: digests need a "
        "bot (Renovate, Dependabot) to stay current."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n"
    good = (
        "services:\n  web:\n    image: nginx:1.27@sha256:"
        "0000000000000000000000000000000000000000000000000000000000000000\n"
    )
    aliases = ("CL-0019",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        found = service_image(service)
        if found is None or service.get("build") is not None:
            return
        node, image = found
        if image.tag is None or image.tag.lower() in MUTABLE_TAGS:
            return  # DC500 already says so (compose-lint reports CL-0004 alone too)
        if not image.digest and not image.has_variables:
            yield self.report(node.path, node.span, f"image {image.text!r} is not pinned by digest")


# ---------------------------------------------------------------------------------------------
# Best practice


def _pullable(service: Service) -> bool:
    """Could ``image:`` name an image a registry serves? A one-component name only when it
    is an official image; a name with a registry, a namespace or a variable always."""
    found = service_image(service)
    if found is None:
        return True
    image = found[1]
    if not image.is_docker_hub or "$" in image.repository:
        return True
    repository = image.canonical_repository
    return "/" in repository or repository.lower() in OFFICIAL_IMAGES


class BuildAndImageWithoutPullPolicy(ServiceRule):
    code = "DC502"
    name = "build-and-image-without-pull-policy"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "A service has both `build` and `image` but no `pull_policy`"
    description = (
        "With both keys, `docker compose up` first tries to pull `image:` from the registry "
        "and only builds when that fails, so a stale or foreign image with the same name can "
        "silently replace the local build. Say which one wins with `pull_policy: build` "
        "(always build) or `missing`/`always`, or drop one of the keys. A one-component "
        "name (`image: demo-api`) is only reported when it is a Docker Official Image: any "
        "other such name is `docker.io/library/<name>`, which nobody else can publish, so "
        "the pull fails and compose builds, as intended."
    )
    bad = "services:\n  app:\n    build: .\n    image: registry.example.com/app:1.0\n"
    good = (
        "services:\n  app:\n    build: .\n    image: registry.example.com/app:1.0\n"
        "    pull_policy: build\n"
    )
    aliases = ("no-build-and-image",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        build = service.node.pair("build")
        if build is None or service.get("image") is None:
            return
        if service.get("pull_policy") is not None or not _pullable(service):
            return
        yield self.report(
            build.key.path,
            build.key.span,
            f"service {service.name!r} has both `build` and `image`; set "
            "`pull_policy` to say which one is used",
        )


class MissingProjectName(ComposeRule):
    code = "DC503"
    name = "missing-project-name"
    tags = ("best-practice", "style")
    severity = Severity.INFO
    summary = "The compose file does not set the project `name`"
    description = (
        "Without `name:`, the project is named after the folder, so the same file started "
        "from two checkouts (or a renamed folder) creates different containers, networks "
        "and volumes, and existing volumes seem to vanish. Off by default."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n"
    good = "name: shop\nservices:\n  web:\n    image: nginx:1.27\n"
    aliases = ("require-project-name-field",)
    enabled_by_default = False

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        project = context.project
        if project.root is None or project.root.get("name") is not None or not project.files:
            return
        yield self.report(
            project.path,
            Span.of(1, 1, 1, 1),
            "the project has no `name`: it is named after its folder",
        )


# ---------------------------------------------------------------------------------------------
# Quoting


def _service_items(service: Service, key: str) -> Iterator[Node]:
    """The items of a list the service writes itself (not one merged in)."""
    pair = service.node.pair(key)
    if pair is not None and not pair.merged and isinstance(pair.value, SequenceNode):
        yield from pair.value.items


def _quote_fix(node: ScalarNode) -> Fix | None:
    span = node.span
    if span.start.line != span.end.line or span.end.column - span.start.column != len(node.text):
        return None
    return Fix("quote the port", (Edit(span, f'"{node.text}"'),), Applicability.SAFE)


class PortsNotQuoted(ServiceRule):
    code = "DC504"
    name = "ports-not-quoted"
    tags = ("style", "syntax")
    severity = Severity.INFO
    summary = "A port mapping is not quoted"
    description = (
        "Unquoted `22:22` is a string for Compose (YAML 1.2) but the number 1342 for YAML 1.1 "
        'tools, and `80` is a number where `"80:80"` is a string. Quoting every entry of '
        "`ports:` and `expose:` keeps all tools in agreement. Single and double quotes both "
        'count (dclint asks for single quotes by default and reports `"80:80"`). Off by '
        "default; the fix adds double quotes."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n"
    good = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n'
    fixable = Fixable.ALWAYS
    aliases = ("require-quotes-in-ports",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for key in ("ports", "expose"):
            for item in _service_items(service, key):
                if isinstance(item, ScalarNode) and item.style == "plain":
                    yield self.report(
                        item.path,
                        item.span,
                        f"{key} entry {item.text} of {service.name!r} is not quoted",
                        _quote_fix(item),
                    )


# Plain YAML scalars that read back as the same string: no indicator at the start, no
# ": " or " #", not a number, boolean or null.
_SAFE_PLAIN = re.compile(r"^[A-Za-z0-9./~_$][A-Za-z0-9./~_${}@=,+:-]*$")


def _unquote_fix(node: ScalarNode) -> Fix | None:
    text = node.text
    span = node.span
    if span.start.line != span.end.line or span.end.column - span.start.column != len(text) + 2:
        return None
    if not _SAFE_PLAIN.match(text) or text == "~" or text.endswith(":"):
        return None
    return Fix("remove the quotes", (Edit(span, text),), Applicability.SAFE)


class QuotedVolumes(ServiceRule):
    code = "DC505"
    name = "quoted-volumes"
    tags = ("style",)
    severity = Severity.INFO
    summary = "A volume entry is quoted"
    description = (
        "Volume entries are paths and names that never need quotes; dclint's style keeps "
        "them plain. Off by default; the fix removes the quotes when the value reads back "
        "as the same string."
    )
    bad = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        '      - "./pg:/var/lib/postgresql/data"\n'
    )
    good = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - ./pg:/var/lib/postgresql/data\n"
    )
    fixable = Fixable.SOMETIMES
    aliases = ("no-quotes-in-volumes",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for item in _service_items(service, "volumes"):
            if isinstance(item, ScalarNode) and item.quoted:
                yield self.report(
                    item.path,
                    item.span,
                    f"volume entry of {service.name!r} does not need quotes",
                    _unquote_fix(item),
                )


# ---------------------------------------------------------------------------------------------
# Ordering


def _natural_key(text: str) -> list[tuple[int, int | str]]:
    """Sort key that orders ``8080`` after ``443`` and is case-insensitive."""
    parts = re.split(r"(\d+)", text.lower())
    return [(0, int(part)) if part.isdigit() else (1, part) for part in parts if part]


def _is_sorted(names: Sequence[str]) -> bool:
    keys = [_natural_key(name) for name in names]
    return all(a <= b for a, b in pairwise(keys))


def _written_pair(mapping: MappingNode, key: str) -> Pair | None:
    pair = mapping.pair(key)
    return None if pair is None or pair.merged else pair


class UnsortedDependencies(ServiceRule):
    code = "DC506"
    name = "unsorted-dependencies"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "`depends_on` entries are not in alphabetical order"
    description = (
        "Sorted lists are easier to scan and produce smaller diffs. Off by default (dclint parity)."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [redis, db]\n"
        "  db:\n    image: postgres:16\n  redis:\n    image: redis:7\n"
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [db, redis]\n"
        "  db:\n    image: postgres:16\n  redis:\n    image: redis:7\n"
    )
    fixable = Fixable.SOMETIMES
    aliases = ("service-dependencies-alphabetical-order",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        pair = _written_pair(service.node, "depends_on")
        if pair is None:
            return
        value = pair.value
        if isinstance(value, SequenceNode):
            names = [scalar_text(item) or "" for item in value.items]
        elif isinstance(value, MappingNode):
            names = value.keys()
        else:
            return
        if not _is_sorted(names):
            order = sorted_order([_natural_key(name) for name in names])
            fix = reorder_fix(context.project, value, order, "sort depends_on")
            yield self.report(
                pair.key.path,
                pair.key.span,
                f"depends_on of {service.name!r} is not sorted: "
                f"{', '.join(sorted(names, key=_natural_key))}",
                fix,
            )


SERVICE_KEY_GROUPS: tuple[tuple[str, ...], ...] = (
    ("image", "build", "container_name"),
    ("depends_on",),
    ("volumes", "volumes_from", "configs", "secrets"),
    ("environment", "env_file"),
    ("ports", "networks", "network_mode", "extra_hosts"),
    ("command", "entrypoint", "working_dir", "restart", "healthcheck"),
    ("logging", "labels"),
    ("user", "isolation"),
)
_KEY_RANK = {key: rank for rank, key in enumerate(k for group in SERVICE_KEY_GROUPS for k in group)}


def expected_key_order(keys: Sequence[str]) -> list[str]:
    """dclint's order: the known keys by group, then the others alphabetically."""
    known = sorted((key for key in keys if key in _KEY_RANK), key=_KEY_RANK.__getitem__)
    return known + sorted(key for key in keys if key not in _KEY_RANK)


class ServiceKeysOrder(ServiceRule):
    code = "DC507"
    name = "unordered-service-keys"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "A service's keys are not in the conventional order"
    description = (
        "Keys grouped the same way in every service (image and build; depends_on; volumes, "
        "configs and secrets; environment; ports and networks; command, restart and "
        "healthcheck; logging and labels; user; then everything else alphabetically) make "
        "services easy to compare. Each key that comes after a key it should precede is "
        "reported. A YAML merge key (`<<: *defaults`) is not a service key and takes no "
        "place in the order. Off by default (dclint parity)."
    )
    bad = 'services:\n  web:\n    ports: ["8080:80"]\n    image: nginx:1.27\n'
    good = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n'
    fixable = Fixable.SOMETIMES
    aliases = ("service-keys-order",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        pairs = [
            pair
            for pair in service.node.pairs
            if not pair.merged and pair.key.path == service.key.path
        ]
        keys = [str(pair.key.value) for pair in pairs]
        order = expected_key_order(keys)
        rank = {key: index for index, key in enumerate(order)}
        previous = -1
        fix = _service_keys_fix(context, service.node, pairs, keys)
        for pair, key in zip(pairs, keys, strict=True):
            if rank[key] < previous:
                yield self.report(
                    pair.key.path,
                    pair.key.span,
                    f"key {key!r} of service {service.name!r} is out of "
                    f"order; expected: {', '.join(order)}",
                    fix,
                )
                fix = None  # one fix per service, on its first finding
            previous = rank[key]


def _service_keys_fix(
    context: ComposeContext, node: MappingNode, pairs: Sequence[Pair], keys: Sequence[str]
) -> Fix | None:
    """Reorder the service's keys, when every key of the service is written right here."""
    if len(pairs) != len(node.pairs):
        return None  # keys merged from another file, an anchor or `extends`
    order = sorted_order(
        [(0, _KEY_RANK[key], "") if key in _KEY_RANK else (1, 0, key) for key in keys]
    )
    return reorder_fix(context.project, node, order, "put the service's keys in order")


class UnsortedPorts(ServiceRule):
    code = "DC508"
    name = "unsorted-ports"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "A service's ports are not sorted"
    description = (
        "Ports sorted by published port (numerically) are easier to scan and to compare "
        "with a firewall list. Off by default (dclint parity)."
    )
    bad = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8443:443", "8080:80"]\n'
    good = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80", "8443:443"]\n'
    fixable = Fixable.SOMETIMES
    aliases = ("service-ports-alphabetical-order",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        pair = _written_pair(service.node, "ports")
        if pair is None or not isinstance(pair.value, SequenceNode):
            return
        keys = [_port_sort_text(item) for item in pair.value.items]
        if not _is_sorted(keys):
            order = sorted_order([_natural_key(key) for key in keys])
            fix = reorder_fix(context.project, pair.value, order, "sort the ports")
            yield self.report(
                pair.key.path,
                pair.key.span,
                f"ports of {service.name!r} are not sorted by published port",
                fix,
            )


def _port_sort_text(item: Node) -> str:
    """The published port (or the container port when none), as dclint sorts them."""
    port = parse_port(item)
    if port is None:
        return scalar_text(item) or ""
    if port.host_start is not None:
        return str(port.host_start)
    return "" if port.long_form else str(port.container_start)


class UnsortedServices(ComposeRule):
    code = "DC509"
    name = "unsorted-services"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "Services are not in alphabetical order"
    description = (
        "Services sorted by name are easy to find in a long file. Each service written after "
        "one that should follow it is reported. Off by default (dclint parity): many teams "
        "order services by role instead."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n  db:\n    image: postgres:16\n"
    good = "services:\n  db:\n    image: postgres:16\n  web:\n    image: nginx:1.27\n"
    fixable = Fixable.SOMETIMES
    aliases = ("services-alphabetical-order",)
    enabled_by_default = False

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for compose_file in context.project.files:
            services = compose_file.root.get("services") if compose_file.root else None
            if not isinstance(services, MappingNode):
                continue
            seen: list[str] = []
            order = sorted_order([_natural_key(str(pair.key.value)) for pair in services.pairs])
            fix = reorder_fix(context.project, services, order, "sort the services")
            for pair in services.pairs:
                name = str(pair.key.value)
                later = [other for other in seen if _natural_key(other) > _natural_key(name)]
                if later:
                    first = min(later, key=_natural_key)
                    yield self.report(
                        pair.key.path,
                        pair.key.span,
                        f"service {name!r} should come before {first!r}",
                        fix,
                    )
                    fix = None  # one fix for the whole mapping, on its first finding
                seen.append(name)


TOP_LEVEL_ORDER = (
    "version",
    "name",
    "include",
    "services",
    "models",
    "networks",
    "volumes",
    "secrets",
    "configs",
)


class TopLevelOrder(ComposeRule):
    code = "DC510"
    name = "top-level-order"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "Top-level keys are not in the conventional order"
    description = (
        "The conventional order is: extension fields (`x-*`, alphabetically), `version`, "
        "`name`, `include`, `services`, `models`, `networks`, `volumes`, `secrets`, `configs`. "
        "Each key written after one it should precede is reported. Off by default (dclint "
        "parity)."
    )
    bad = "volumes:\n  data:\nservices:\n  web:\n    image: nginx:1.27\n"
    good = "services:\n  web:\n    image: nginx:1.27\nvolumes:\n  data:\n"
    fixable = Fixable.SOMETIMES
    aliases = ("top-level-properties-order",)
    enabled_by_default = False

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for compose_file in context.project.files:
            if compose_file.root is None:
                continue
            pairs = [pair for pair in compose_file.root.pairs if not pair.merged]
            keys = [str(pair.key.value) for pair in pairs]
            extensions = sorted(key for key in keys if key.startswith("x-"))
            order = [*extensions, *TOP_LEVEL_ORDER]
            previous = -1
            fix = _top_level_fix(context, compose_file.root, keys, order)
            for pair, key in zip(pairs, keys, strict=True):
                if key not in order:
                    continue  # unknown keys are the schema rule's business
                rank = order.index(key)
                if rank < previous:
                    yield self.report(
                        pair.key.path,
                        pair.key.span,
                        f"top-level key {key!r} is out of order; expected: "
                        f"{', '.join(k for k in order if k in keys)}",
                        fix,
                    )
                    fix = None  # one fix for the whole file, on its first finding
                else:
                    previous = rank


def _top_level_fix(
    context: ComposeContext, root: MappingNode, keys: Sequence[str], order: Sequence[str]
) -> Fix | None:
    """Reorder the top-level keys; none when a key has no place in the order (unknown)."""
    if len(keys) != len(root.pairs) or any(key not in order for key in keys):
        return None
    permutation = sorted_order([order.index(key) for key in keys])
    return reorder_fix(
        context.project, root, permutation, "put the top-level keys in order", top_level=True
    )


RULES = (
    MutableImageTag,
    ImageWithoutDigest,
    BuildAndImageWithoutPullPolicy,
    MissingProjectName,
    PortsNotQuoted,
    QuotedVolumes,
    UnsortedDependencies,
    ServiceKeysOrder,
    UnsortedPorts,
    UnsortedServices,
    TopLevelOrder,
)
