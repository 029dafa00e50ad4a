"""Merging compose node trees the way ``docker compose config`` does (override files,
several documents in one file, ``include`` conflicts and ``extends``).

Rules from the compose spec (``13-merge.md``) and compose-go (``override/merge.go``,
``override/uncity.go``): mappings merge key by key; scalars are replaced; most sequences
are concatenated, then made unique by a key (ports, volumes by target, environment and
labels by variable name ...), a later entry replacing an earlier one in place;
``command``, ``entrypoint`` and ``healthcheck.test`` are replaced; ``environment``,
``labels`` and friends merge by key whether written as a list or a mapping;
``depends_on`` and service ``networks`` merge by name; ``build: .`` merges as
``build: {context: .}``; ``logging`` options merge only for the same driver. Compose's
``!reset`` tag removes a value and ``!override`` replaces it without merging.

Nodes keep the file and span where they were written, so a finding in the merged tree
points into the file that set the value; a merged key keeps the span of its first writing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from linter.compose.nodes import MappingNode, Node, Pair, Scalar, ScalarNode, SequenceNode
from linter.compose.scalars import NULL, STR
from linter.diagnostics import Position, Span

RESET = "!reset"
OVERRIDE = "!override"
_ANY = "*"

Path = tuple[str, ...]
Indexer = Callable[[Node], "str | None"]


def _tag(node: Node) -> str:
    if isinstance(node, (ScalarNode, MappingNode, SequenceNode)):
        return node.tag
    return ""


def _text(node: Node | None) -> str | None:
    if not isinstance(node, ScalarNode) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "true" if node.value else "false"
    return node.text if isinstance(node.value, float) else str(node.value)


def _matches(path: Path, pattern: Path) -> bool:
    return len(path) == len(pattern) and all(
        want in (_ANY, got) for want, got in zip(pattern, path, strict=True)
    )


# ---------------------------------------------------------------------------------------------
# Unique keys of sequence entries (compose-go ``override/uncity.go``)


def _key_value_index(node: Node) -> str | None:
    text = _text(node)
    return None if text is None else text.split("=", 1)[0]


def _plain_index(node: Node) -> str | None:
    return _text(node)


def _volume_index(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        return _text(node.get("target"))
    text = _text(node)
    if text is None:
        return None
    parts = text.split(":")
    # SOURCE:TARGET[:MODE], or TARGET alone; a Windows drive letter adds a colon.
    if len(parts) >= 2 and len(parts[0]) == 1 and parts[0].isalpha():
        parts = [parts[0] + ":" + parts[1], *parts[2:]]
    return parts[1] if len(parts) >= 2 else parts[0]


def _device_index(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        return _text(node.get("target"))
    text = _text(node)
    if text is None:
        return None
    parts = text.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _mount_index(default_dir: str) -> Indexer:
    def index(node: Node) -> str | None:
        if isinstance(node, MappingNode):
            target = _text(node.get("target"))
            return target if target is not None else f"{default_dir}/{_text(node.get('source'))}"
        text = _text(node)
        return None if text is None else f"{default_dir}/{text}"

    return index


def _port_index(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        host = _text(node.get("host_ip")) or "0.0.0.0"
        protocol = _text(node.get("protocol")) or "tcp"
        return f"{host}:{_text(node.get('published'))}:{_text(node.get('target'))}/{protocol}"
    return _text(node)


def _env_file_index(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        return _text(node.get("path"))
    return _text(node)


UNIQUE: dict[Path, Indexer] = {
    ("networks", _ANY, "labels"): _key_value_index,
    ("networks", _ANY, "ipam", "options"): _key_value_index,
    **{
        ("services", _ANY, *path): indexer
        for path, indexer in {
            ("annotations",): _key_value_index,
            ("build", "args"): _key_value_index,
            ("build", "additional_contexts"): _key_value_index,
            ("build", "platform"): _key_value_index,
            ("build", "tags"): _key_value_index,
            ("build", "labels"): _key_value_index,
            ("cap_add",): _key_value_index,
            ("cap_drop",): _key_value_index,
            ("configs",): _mount_index(""),
            ("deploy", "labels"): _key_value_index,
            ("devices",): _device_index,
            ("dns",): _key_value_index,
            ("dns_opt",): _key_value_index,
            ("dns_search",): _key_value_index,
            ("environment",): _key_value_index,
            ("env_file",): _env_file_index,
            ("expose",): _plain_index,
            ("labels",): _key_value_index,
            ("links",): _key_value_index,
            ("networks", _ANY, "aliases"): _key_value_index,
            ("networks", _ANY, "link_local_ips"): _key_value_index,
            ("ports",): _port_index,
            ("profiles",): _key_value_index,
            ("secrets",): _mount_index("/run/secrets"),
            ("sysctls",): _key_value_index,
            ("tmpfs",): _key_value_index,
            ("volumes",): _volume_index,
        }.items()
    },
}

# Written as ``KEY=VALUE`` lists or mappings, merged by key (compose-go ``mergeToSequence``).
KEY_VALUE: tuple[Path, ...] = (
    ("networks", _ANY, "labels"),
    ("volumes", _ANY, "labels"),
    *(
        ("services", _ANY, *path)
        for path in [
            ("annotations",),
            ("build", "args"),
            ("build", "additional_contexts"),
            ("build", "labels"),
            ("build", "extra_hosts"),
            ("deploy", "labels"),
            ("environment",),
            ("extra_hosts",),
            ("labels",),
            ("sysctls",),
            ("volumes", _ANY, "volume", "labels"),
        ]
    ),
)
REPLACED: tuple[Path, ...] = (
    ("services", _ANY, "command"),
    ("services", _ANY, "entrypoint"),
    ("services", _ANY, "healthcheck", "test"),
    ("services", _ANY, "ulimits", _ANY),
)
BY_NAME: tuple[Path, ...] = (
    ("services", _ANY, "depends_on"),
    ("services", _ANY, "networks"),
    ("services", _ANY, "models"),
)


def _unique(items: Sequence[Node], indexer: Indexer) -> tuple[Node, ...]:
    """Later entries with the same key replace earlier ones, in the earlier place."""
    result: list[Node] = []
    positions: dict[str, int] = {}
    for item in items:
        key = indexer(item)
        if key is None:
            result.append(item)
        elif key in positions:
            result[positions[key]] = item
        else:
            positions[key] = len(result)
            result.append(item)
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Converting between list and mapping forms, keeping spans


def _synthetic(like: Node, value: Scalar, text: str, span: Span | None = None) -> ScalarNode:
    tag = NULL if value is None else STR
    return ScalarNode(like.path, span or like.span, value, text, "plain", tag)


def _entry_as_pair(item: Node, separators: str) -> Pair | None:
    """``KEY=VALUE`` (or ``KEY``) written in a list, as a mapping pair."""
    text = _text(item)
    if text is None:
        return None
    cut = min((text.find(sep) for sep in separators if sep in text), default=-1)
    name = text if cut < 0 else text[:cut]
    start = item.span.start
    key_span = Span(start, Position(start.line, start.column + len(name)))
    if isinstance(item, ScalarNode) and item.quoted:
        key_span = Span(
            Position(start.line, start.column + 1),
            Position(start.line, start.column + 1 + len(name)),
        )
    key = _synthetic(item, name, name, key_span)
    value = (
        _synthetic(item, None, "")
        if cut < 0
        else _synthetic(item, text[cut + 1 :], text[cut + 1 :])
    )
    return Pair(key, value)


def as_mapping(node: Node, separators: str = "=") -> MappingNode | None:
    """A list of ``KEY=VALUE`` or names as a mapping (names map to null)."""
    if isinstance(node, MappingNode):
        return node
    if not isinstance(node, SequenceNode):
        return None
    pairs = [pair for pair in (_entry_as_pair(item, separators) for item in node.items) if pair]
    return MappingNode(node.path, node.span, tuple(pairs))


def _build_mapping(node: Node) -> MappingNode | None:
    if isinstance(node, MappingNode):
        return node
    if isinstance(node, ScalarNode):
        key = _synthetic(node, "context", "context")
        return MappingNode(node.path, node.span, (Pair(key, node),))
    return None


# ---------------------------------------------------------------------------------------------
# The merge


def merge_nodes(base: Node, other: Node, path: Path = ()) -> Node:
    """``other`` laid over ``base`` at ``path`` (the keys from the root)."""
    if _tag(other) == OVERRIDE or any(_matches(path, p) for p in REPLACED):
        return other
    if any(_matches(path, p) for p in KEY_VALUE):
        return _merge_key_value(base, other, path)
    if any(_matches(path, p) for p in BY_NAME):
        return _merge_by_name(base, other, path)
    if _matches(path, ("services", _ANY, "build")):
        base_map, other_map = _build_mapping(base), _build_mapping(other)
        if base_map is not None and other_map is not None:
            return merge_mappings(base_map, other_map, path)
        return other
    if _matches(path, ("services", _ANY, "logging")):
        return _merge_logging(base, other, path)
    if isinstance(base, MappingNode) and isinstance(other, MappingNode):
        return merge_mappings(base, other, path)
    if isinstance(base, SequenceNode) and isinstance(other, SequenceNode):
        items = base.items + other.items
        indexer = next((ix for pattern, ix in UNIQUE.items() if _matches(path, pattern)), None)
        if _matches(path, ("networks", _ANY, "ipam", "config")):
            items = _merge_ipam(items, path)
        elif indexer is not None:
            items = _unique(items, indexer)
        return SequenceNode(base.path, base.span, items, base.tag)
    return other


def _merge_key_value(base: Node, other: Node, path: Path) -> Node:
    if isinstance(base, SequenceNode) and isinstance(other, SequenceNode):
        return SequenceNode(
            base.path, base.span, _unique(base.items + other.items, _key_value_index), base.tag
        )
    separators = "=:" if path[-1] == "extra_hosts" else "="
    base_map, other_map = as_mapping(base, separators), as_mapping(other, separators)
    if base_map is None or other_map is None:
        return other
    return merge_mappings(base_map, other_map, path)


def _merge_by_name(base: Node, other: Node, path: Path) -> Node:
    if isinstance(base, SequenceNode) and isinstance(other, SequenceNode):
        return SequenceNode(
            base.path, base.span, _unique(base.items + other.items, _plain_index), base.tag
        )
    base_map, other_map = as_mapping(base), as_mapping(other)
    if base_map is None or other_map is None:
        return other
    return merge_mappings(base_map, other_map, path)


def _merge_logging(base: Node, other: Node, path: Path) -> Node:
    if not (isinstance(base, MappingNode) and isinstance(other, MappingNode)):
        return other
    mine, theirs = _text(base.get("driver")), _text(other.get("driver"))
    if mine is None or theirs is None or mine == theirs:
        return merge_mappings(base, other, path)
    return other


def _merge_ipam(items: tuple[Node, ...], path: Path) -> tuple[Node, ...]:
    result: list[Node] = []
    for item in items:
        subnet = _text(item.get("subnet")) if isinstance(item, MappingNode) else None
        index = next(
            (
                i
                for i, seen in enumerate(result)
                if subnet is not None
                and isinstance(seen, MappingNode)
                and _text(seen.get("subnet")) == subnet
            ),
            None,
        )
        if index is None:
            result.append(item)
        else:
            result[index] = merge_nodes(result[index], item, (*path, _ANY))
    return tuple(result)


def merge_mappings(base: MappingNode, other: MappingNode, path: Path = ()) -> MappingNode:
    """Key by key; ``!reset`` removes, ``!override`` replaces, the rest merges."""
    pairs: dict[str, Pair] = {pair.key.text: pair for pair in base.pairs}
    for pair in other.pairs:
        name = pair.key.text
        if _tag(pair.value) == RESET:
            pairs.pop(name, None)
            continue
        known = pairs.get(name)
        if known is None:
            pairs[name] = pair
        else:
            value = merge_nodes(known.value, pair.value, (*path, name))
            pairs[name] = Pair(known.key, value, known.merged and pair.merged)
    return MappingNode(base.path, base.span, tuple(pairs.values()), base.tag)


def strip_resets(node: Node) -> Node:
    """Drop values tagged ``!reset`` left in a tree that had nothing to reset.

    One pass; unchanged subtrees are returned as they are.
    """
    memo: dict[int, Node] = {}

    def strip(current: Node) -> Node:
        known = memo.get(id(current))
        if known is not None:
            return known
        result = current
        if isinstance(current, MappingNode):
            pairs = [
                Pair(pair.key, strip(pair.value), pair.merged)
                for pair in current.pairs
                if _tag(pair.value) != RESET
            ]
            if len(pairs) != len(current.pairs) or any(
                new.value is not old.value for new, old in zip(pairs, current.pairs, strict=False)
            ):
                result = MappingNode(current.path, current.span, tuple(pairs), current.tag)
        elif isinstance(current, SequenceNode):
            items = [strip(item) for item in current.items if _tag(item) != RESET]
            if len(items) != len(current.items) or any(
                new is not old for new, old in zip(items, current.items, strict=False)
            ):
                result = SequenceNode(current.path, current.span, tuple(items), current.tag)
        memo[id(current)] = result
        return result

    return strip(node)


def merge_roots(roots: Sequence[MappingNode]) -> MappingNode:
    """Several top-level mappings merged in order, the later ones winning."""
    merged = roots[0]
    for root in roots[1:]:
        merged = merge_mappings(merged, root)
    return merged
