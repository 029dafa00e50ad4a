"""Merging compose node trees the way ``docker compose config`` does (override files,
several documents in one file, ``include`` and ``extends``).

Rules from the compose spec (``13-merge.md``) and compose-go ``override/merge.go``:
mappings merge key by key, sequences are concatenated, scalars are replaced. Nodes keep
the file and span where they were written, so a finding in the merged tree points into
the file that set the value.
"""

from __future__ import annotations

from collections.abc import Sequence

from linter.compose.nodes import MappingNode, Node, Pair, SequenceNode


def merge_nodes(base: Node, other: Node) -> Node:
    """``other`` laid over ``base``."""
    if isinstance(base, MappingNode) and isinstance(other, MappingNode):
        return merge_mappings(base, other)
    if isinstance(base, SequenceNode) and isinstance(other, SequenceNode):
        return SequenceNode(base.path, base.span, base.items + other.items)
    return other


def merge_mappings(base: MappingNode, other: MappingNode) -> MappingNode:
    pairs: dict[str, Pair] = {pair.key.text: pair for pair in base.pairs}
    for pair in other.pairs:
        known = pairs.get(pair.key.text)
        if known is None:
            pairs[pair.key.text] = pair
        else:
            value = merge_nodes(known.value, pair.value)
            pairs[pair.key.text] = Pair(known.key, value, known.merged)
    return MappingNode(base.path, base.span, tuple(pairs.values()))


def merge_roots(roots: Sequence[MappingNode]) -> MappingNode:
    """Several top-level mappings merged in order, the later ones winning."""
    merged = roots[0]
    for root in roots[1:]:
        merged = merge_mappings(merged, root)
    return merged
