"""Text fixes on block mappings and sequences (move whole entries, append one), keeping every
other byte.

The ordering rules and the no-new-privileges fix edit compose files as text, because a YAML
round trip would lose comments, quoting and layout. They only act when the layout is certain:
block style, every entry at one indentation, nothing anchored, aliased or merged, and every
entry written in the file being edited. Anything else gets no fix rather than a guess.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

from linter import Applicability, Edit, Fix, Position, Span
from linter.compose.model import ComposeProject
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.records import record

_DASH_PREFIX = re.compile(r"^( *)- +$")
_KEEP_CHOMPING = re.compile(r"^[|>][0-9]?\+")


def source_of(project: ComposeProject, path: str) -> str | None:
    """The text of the project file written at ``path``, if it is one of the project's files."""
    for compose_file in project.files:
        if compose_file.path == path:
            return compose_file.source
    return None


@functools.lru_cache(maxsize=16)
def _anchor_lines(source: str) -> frozenset[int] | None:
    """Lines holding an anchor, an alias or a ``<<`` merge key; None when the text won't scan."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines: set[int] = set()
    previous: object = None
    try:
        for token in yaml.scan(source, Loader=loader):
            merge_key = (
                isinstance(token, yaml.ScalarToken)
                and token.value == "<<"
                and isinstance(previous, yaml.KeyToken)
            )
            if merge_key or isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                lines.add(token.start_mark.line + 1)
            previous = token
    except yaml.YAMLError:
        return None
    return frozenset(lines)


def _descendants(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, MappingNode):
        for pair in node.pairs:
            yield pair.key
            yield from _descendants(pair.value)
    elif isinstance(node, SequenceNode):
        for item in node.items:
            yield from _descendants(item)


def _is_blank(line: str) -> bool:
    return not line.strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_comment(line: str) -> bool:
    return line.lstrip(" ").startswith("#")


def _last_content_line(node: Node, lines: Sequence[str]) -> int | None:
    """The last line that holds text of ``node`` or its children; None for kept block scalars."""
    last = node.span.start.line
    for child in _descendants(node):
        if isinstance(child, ScalarNode) and child.style in ("literal", "folded"):
            start = child.span.start
            header = lines[start.line - 1][start.column - 1 :] if start.line <= len(lines) else ""
            if _KEEP_CHOMPING.match(header):
                return None  # trailing blank lines belong to the value: do not move them
        if isinstance(child, MappingNode | SequenceNode):
            continue  # a collection's end mark is where the next token starts
        end = child.span.end
        line = end.line - 1 if end.column == 1 and end.line > child.span.start.line else end.line
        while line > child.span.start.line and line <= len(lines) and _is_blank(lines[line - 1]):
            line -= 1
        last = max(last, line)
    return last


@record
class _Layout:
    """Where the entries of one block collection sit, as 1-based inclusive line ranges."""

    lines: list[str]
    blocks: list[tuple[int, int]]  # (first line with leading comments, last body line)
    indent: int  # of the keys, or of the dashes of a sequence


def _head_indent(source_lines: Sequence[str], head: Position, sequence: bool) -> int | None:
    """The indentation of an entry, or None when its line is not plain block layout."""
    if head.line > len(source_lines):
        return None
    prefix = source_lines[head.line - 1][: head.column - 1]
    if sequence:
        match = _DASH_PREFIX.match(prefix)
        return len(match.group(1)) if match else None
    return len(prefix) if prefix.strip(" ") == "" else None


def _layout(
    source: str, container: Node, entries: Sequence[tuple[Node, ...]], top_level: bool
) -> _Layout | None:
    sequence = isinstance(container, SequenceNode)
    lines = source.splitlines(keepends=True)
    start = container.span.start
    if start.line > len(lines) or lines[start.line - 1][start.column - 1 :][:1] in ("{", "["):
        return None  # flow style
    heads = [entry[0].span.start for entry in entries]
    indents = {_head_indent(lines, head, sequence) for head in heads}
    if len(indents) != 1 or None in indents:
        return None
    indent = indents.pop()
    assert indent is not None
    if any(a.line >= b.line for a, b in pairwise(heads)):
        return None  # not written in order, or two entries on one line
    paths = {node.path for entry in entries for part in entry for node in _descendants(part)}
    if paths != {container.path}:
        return None

    starts: list[int] = []
    for index, head in enumerate(heads):
        first = head.line
        while first > 1 and _is_comment(lines[first - 2]) and _indent(lines[first - 2]) == indent:
            first -= 1
        if index == 0 and top_level and first == 1 and first != head.line:
            first = head.line  # a comment block at the top of the file is the file's header
        starts.append(first)

    blocks: list[tuple[int, int]] = []
    for index, entry in enumerate(entries):
        content = [_last_content_line(part, lines) for part in entry]
        if None in content:
            return None
        content_end = max(line for line in content if line is not None)
        if index + 1 < len(entries):
            end = starts[index + 1] - 1
            while end > heads[index].line and _is_blank(lines[end - 1]):
                end -= 1
            if content_end > end:
                return None
        else:
            end = content_end
            while end < len(lines) and _is_comment(lines[end]) and _indent(lines[end]) > indent:
                end += 1
        blocks.append((starts[index], end))

    first_line, last_line = blocks[0][0], blocks[-1][1]
    if not _siblings_only(
        lines[first_line - 1 : last_line], first_line, indent, {head.line for head in heads}
    ):
        return None
    anchors = _anchor_lines(source)
    if anchors is None or any(first_line <= line <= last_line for line in anchors):
        return None
    return _Layout(lines, blocks, indent)


def _siblings_only(region: Sequence[str], first_line: int, indent: int, heads: set[int]) -> bool:
    """True when the only lines at the entries' indentation are the entries' heads and
    nothing in the region is indented less: the entries are one contiguous block."""
    for number, line in enumerate(region, start=first_line):
        if _is_blank(line) or _is_comment(line):
            continue
        depth = _indent(line)
        if depth < indent or (depth == indent and number not in heads):
            return False
    return True


def _entries(container: Node) -> list[tuple[Node, ...]] | None:
    if isinstance(container, MappingNode):
        if any(pair.merged for pair in container.pairs):
            return None
        return [(pair.key, pair.value) for pair in container.pairs]
    if isinstance(container, SequenceNode):
        return [(item,) for item in container.items]
    return None


def reorder_fix(
    project: ComposeProject,
    container: Node,
    order: Sequence[int],
    title: str,
    top_level: bool = False,
) -> Fix | None:
    """A fix that rewrites ``container``'s entries in ``order`` (a permutation of indexes)."""
    entries = _entries(container)
    if entries is None or len(entries) < 2 or sorted(order) != list(range(len(entries))):
        return None
    if list(order) == list(range(len(entries))):
        return None
    source = source_of(project, container.path)
    if source is None:
        return None
    layout = _layout(source, container, entries, top_level)
    if layout is None:
        return None
    lines, blocks = layout.lines, layout.blocks
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    chunks = ["".join(lines[first - 1 : last]) for first, last in blocks]
    final_newline = chunks[-1].endswith("\n")
    if not final_newline:
        chunks[-1] += newline
    gaps = ["".join(lines[blocks[i][1] : blocks[i + 1][0] - 1]) for i in range(len(blocks) - 1)]
    pieces: list[str] = []
    for slot, index in enumerate(order):
        pieces.append(chunks[index])
        if slot < len(gaps):
            pieces.append(gaps[slot])
    text = "".join(pieces)
    if not final_newline:
        text = text[: -len(newline)]
    span = Span(Position(blocks[0][0], 1), Position(blocks[-1][1] + 1, 1))
    return Fix(title, (Edit(span, text),), Applicability.SAFE)


def sorted_order(keys: Sequence[Any]) -> list[int]:
    """The stable permutation that sorts ``keys`` (mutually comparable values)."""
    return sorted(range(len(keys)), key=lambda index: keys[index])


def _insert_after(layout: _Layout, lines_to_add: Sequence[str]) -> Edit:
    """An edit that adds whole lines after the collection's last entry."""
    lines = layout.lines
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    last = layout.blocks[-1][1]
    if last == len(lines) and not lines[-1].endswith("\n"):
        text = "".join(newline + line for line in lines_to_add)
        return Edit(
            Span(Position(last, len(lines[-1]) + 1), Position(last, len(lines[-1]) + 1)), text
        )
    at = Position(last + 1, 1)
    return Edit(Span(at, at), "".join(line + newline for line in lines_to_add))


def append_item_fix(project: ComposeProject, sequence: Node, item: str, title: str) -> Fix | None:
    """Append ``- item`` to a block sequence, at the indentation of its other items."""
    entries = _entries(sequence)
    source = source_of(project, sequence.path)
    if not entries or source is None:
        return None
    layout = _layout(source, sequence, entries, top_level=False)
    if layout is None:
        return None
    edit = _insert_after(layout, [f"{' ' * layout.indent}- {item}"])
    return Fix(title, (edit,), Applicability.UNSAFE)


def add_key_fix(
    project: ComposeProject,
    mapping: Node,
    parent: ScalarNode,
    lines_to_add: Sequence[str],
    title: str,
) -> Fix | None:
    """Add a key after a block mapping's last entry, at the indentation of its other keys.

    ``lines_to_add`` are written relative to the mapping: each leading two-space step becomes
    one step of the file's own indentation (the distance from ``parent``'s key to its keys).
    """
    entries = _entries(mapping)
    source = source_of(project, mapping.path)
    if not entries or source is None or parent.path != mapping.path:
        return None
    layout = _layout(source, mapping, entries, top_level=False)
    if layout is None:
        return None
    step = layout.indent - (parent.span.start.column - 1)
    if step <= 0:
        return None
    added = []
    for line in lines_to_add:
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2
        added.append(" " * (layout.indent + depth * step) + stripped)
    return Fix(title, (_insert_after(layout, added),), Applicability.UNSAFE)
