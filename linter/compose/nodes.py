"""The YAML node tree of compose files, with the file and span of every key and value.

Built from the YAML composer (anchors and merges already resolved, with limits), so a
rule can always say where in which file a value was written, even in a merged project.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.diagnostics import Span
from linter.records import record

Scalar = str | int | float | bool | None


@record
class Node:
    path: str  # the file this node was written in
    span: Span


@record(compiled=True)
class ScalarNode(Node):
    value: Scalar  # the compose (YAML 1.2 core schema) reading of the scalar
    text: str  # the scalar's text as written, without quotes
    style: str  # "plain", "single", "double", "literal" or "folded"
    tag: str  # resolved YAML tag, e.g. "tag:yaml.org,2002:str"
    # The value uses a variable that has no value (not in .env, no default): compose reads
    # "" there, the real value is known only where the stack runs. Format checks skip it.
    unknown: bool = False

    @property
    def quoted(self) -> bool:
        return self.style in ("single", "double")


@record(compiled=True)
class Pair:
    key: ScalarNode
    value: Node
    merged: bool = False  # came from a ``<<`` merge key or an anchor, not written here


@record(compiled=True)
class MappingNode(Node):
    pairs: tuple[Pair, ...]
    tag: str = ""  # explicit tag only, e.g. compose's "!override"; "" when none

    def get(self, key: str) -> Node | None:
        for pair in reversed(self.pairs):
            if pair.key.value == key or pair.key.text == key:
                return pair.value
        return None

    def pair(self, key: str) -> Pair | None:
        for pair in reversed(self.pairs):
            if pair.key.value == key or pair.key.text == key:
                return pair
        return None

    def keys(self) -> list[str]:
        return [str(pair.key.value) for pair in self.pairs]

    def __iter__(self) -> Iterator[Pair]:
        return iter(self.pairs)


@record(compiled=True)
class SequenceNode(Node):
    items: tuple[Node, ...]
    tag: str = ""  # explicit tag only, e.g. compose's "!override" or "!reset"; "" when none

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)


def to_python(node: Node) -> object:
    """Plain Python data for a node (for schema validation and simple reads)."""
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        return [to_python(item) for item in node.items]
    if isinstance(node, MappingNode):
        return {str(pair.key.value): to_python(pair.value) for pair in node.pairs}
    raise TypeError(f"unexpected node {type(node).__name__}")
