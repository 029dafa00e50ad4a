"""Compose YAML text -> node tree with the span of every key and value.

PyYAML's composer (the C one when libyaml is there: about 1 ms for a 300-line file) gives
a graph of nodes with marks. It tolerates duplicate keys and shares aliased nodes, so we
can measure the expanded size of the graph before walking it: an alias bomb is reported,
never expanded. Scalars are then read the way compose reads them (see ``scalars``), and
``<<`` merge keys are resolved by us so that merged pairs keep the span where they were
written.

Duplicate keys: every duplicate is reported at the duplicate, naming the first line; the
tree keeps the last value, as PyYAML does (compose itself refuses such a file).
"""

from __future__ import annotations

import yaml

from linter.compose import layout, scalars
from linter.compose.model import ComposeFile, ComposeProblem
from linter.compose.nodes import MappingNode, Node, Pair, Scalar, ScalarNode, SequenceNode
from linter.diagnostics import Position, Span

MAX_NODES = 100_000  # nodes after alias and merge expansion
MAX_DEPTH = 128  # nesting levels; real compose files stay below 15

_STYLES = {"": "plain", None: "plain", "'": "single", '"': "double", "|": "literal", ">": "folded"}
_IMPLICIT = "?"  # our tag for untagged plain scalars, resolved later with compose's rules

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Composer(_Base):  # type: ignore[misc, valid-type]
    """The safe composer, with plain scalars left untagged for our own resolution."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _IMPLICIT
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


def _position(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(Position(start.line + 1, start.column + 1), Position(end.line + 1, end.column + 1))


def _offset_position(text: str, offset: int) -> Position:
    """1-based line and column of a character offset (ReaderError gives only an offset)."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Position(line, column)


def _explicit_tag(node: yaml.Node) -> str:
    """A collection's tag when one was written (``!override``), else ""."""
    tag: str = node.tag
    return "" if tag.startswith(scalars.TAG_PREFIX) else tag


class _TooDeep(Exception):
    pass


class _Cycle(Exception):
    pass


def measure(root: yaml.Node) -> tuple[int, int, bool]:
    """Expanded node count, depth, and whether an alias refers to its own ancestor.

    Memoised by identity, so it costs the number of distinct nodes even for a document
    that would expand to billions. Depth stops counting past ``MAX_DEPTH`` (the returned
    depth is then ``MAX_DEPTH + 1``), which also bounds the recursion.
    """
    memo: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    scalar = yaml.ScalarNode
    mapping = yaml.MappingNode

    def visit(node: yaml.Node, level: int) -> tuple[int, int]:
        if node.__class__ is scalar:
            return 1, 1
        key = id(node)
        known = memo.get(key)
        if known is not None:
            return known
        if level > MAX_DEPTH:
            raise _TooDeep
        if key in active:
            raise _Cycle
        active.add(key)
        size, depth = 1, 0
        children = (
            [child for pair in node.value for child in pair]
            if node.__class__ is mapping
            else node.value
        )
        for child in children:
            child_size, child_depth = visit(child, level + 1)
            size += child_size
            if child_depth > depth:
                depth = child_depth
        active.discard(key)
        memo[key] = (size, depth + 1)
        return size, depth + 1

    try:
        size, depth = visit(root, 1)
    except _TooDeep:
        return 0, MAX_DEPTH + 1, False
    except _Cycle:
        return 0, 0, True
    return size, depth, False


class _Builder:
    """Turns one composed document into our node tree, collecting problems on the way."""

    def __init__(self, path: str, problems: list[ComposeProblem], text: str = "") -> None:
        self.path = path
        self.problems = problems
        self.memo: dict[int, Node] = {}
        lines = text.splitlines() or [""]
        # A block collection at the end of the file ends "at line N+1, column 1" for the
        # composer; spans must stay inside the file (editors, SARIF viewers).
        self.end = Position(len(lines), len(lines[-1]) + 1)

    def span(self, raw: yaml.Node) -> Span:
        span = _span(raw)
        if span.end.line > self.end.line:
            start = span.start if span.start.line <= self.end.line else self.end
            return Span(start, self.end)
        return span

    def problem(self, kind: str, message: str, span: Span) -> None:
        self.problems.append(ComposeProblem(kind, message, self.path, span))

    def node(self, raw: yaml.Node) -> Node:
        known = self.memo.get(id(raw))
        if known is not None:
            return known
        built: Node
        if isinstance(raw, yaml.ScalarNode):
            built = self.scalar(raw, key=False)
        elif isinstance(raw, yaml.SequenceNode):
            items = tuple(self.node(item) for item in raw.value)
            built = SequenceNode(self.path, self.span(raw), items, _explicit_tag(raw))
        else:
            assert isinstance(raw, yaml.MappingNode)
            built = self.mapping(raw)
        self.memo[id(raw)] = built
        return built

    def scalar(self, raw: yaml.ScalarNode, *, key: bool) -> ScalarNode:
        style = _STYLES.get(raw.style, "plain")
        text: str = raw.value
        explicit = None if raw.tag == _IMPLICIT else raw.tag
        if key:
            value: Scalar = text  # compose turns every key into a string
            tag = explicit or scalars.STR
        else:
            value, tag = scalars.resolve(text, style, explicit)
            if style == "plain" and explicit is None:
                trap = scalars.yaml11_trap(text)
                if trap is not None:
                    self.problem("yaml11", trap, self.span(raw))
        return ScalarNode(self.path, self.span(raw), value, text, style, tag)

    def mapping(self, raw: yaml.MappingNode) -> MappingNode:
        own: dict[str, Pair] = {}
        sources: list[MappingNode] = []
        merge_key: ScalarNode | None = None
        for raw_key, raw_value in raw.value:
            if not isinstance(raw_key, yaml.ScalarNode):
                self.problem("syntax", "a mapping key must be a plain value", self.span(raw_key))
                continue
            key = self.scalar(raw_key, key=True)
            if raw_key.value == "<<" and raw_key.tag in (_IMPLICIT, scalars.MERGE):
                if merge_key is not None:
                    self.duplicate(key, merge_key)
                merge_key = key
                sources = self.merge_sources(raw_value)
                continue
            first = own.pop(key.text, None)
            if first is not None:
                self.duplicate(key, first.key)
            own[key.text] = Pair(key, self.node(raw_value))
        pairs: list[Pair] = []
        taken = set(own)
        for source in sources:
            for pair in source.pairs:
                if pair.key.text not in taken:
                    taken.add(pair.key.text)
                    pairs.append(Pair(pair.key, pair.value, merged=True))
        pairs.extend(own.values())
        return MappingNode(self.path, self.span(raw), tuple(pairs), _explicit_tag(raw))

    def duplicate(self, key: ScalarNode, first: ScalarNode) -> None:
        self.problem(
            "duplicate-key",
            f"duplicate key '{key.text}' (first defined at line {first.span.start.line}); "
            "the last value is used here, compose refuses the file",
            key.span,
        )

    def merge_sources(self, raw: yaml.Node) -> list[MappingNode]:
        """The mappings a ``<<`` key merges: one mapping or a sequence of mappings."""
        items = raw.value if isinstance(raw, yaml.SequenceNode) else [raw]
        sources: list[MappingNode] = []
        for item in items:
            built = self.node(item)
            if isinstance(built, MappingNode):
                sources.append(built)
            else:
                self.problem(
                    "syntax",
                    "a '<<' merge key takes a mapping or a list of mappings",
                    built.span,
                )
        return sources


def _past_content(text: str, mark: yaml.Mark) -> bool:
    """Whether a mark lies after the last non-blank character (at the end of the stream)."""
    return not text[min(mark.index, len(text)) :].strip() and mark.index >= len(text.rstrip())


def _clamp(text: str, where: Position) -> Position:
    """A position inside the file: the scanner reports the end of the stream one line past
    the last one; editors and SARIF viewers need a line that exists."""
    lines = text.splitlines() or [""]
    if where.line <= len(lines):
        return where
    last = len(lines)
    while last > 1 and not lines[last - 1].strip():
        last -= 1
    return Position(last, len(lines[last - 1]) + 1)


def _syntax_problem(text: str, path: str, exc: yaml.YAMLError) -> ComposeProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        where = _offset_position(text, exc.position)
        message = f"unreadable character: {exc.reason}"
        return ComposeProblem("syntax", message, path, Span(where, where))
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if (
            mark is not None
            and exc.context_mark is not None
            and exc.context
            and _past_content(text, mark)
        ):
            # "end of stream" while inside a quote or a bracket: the real place is where
            # that quote or bracket was opened.
            where = _clamp(text, _position(exc.context_mark))
            problem = (
                f"the file ends before this is closed ({exc.context.removeprefix('while ')}"
                f"): {exc.problem or 'invalid YAML'}"
            )
            return ComposeProblem("syntax", problem, path, Span(where, where))
        where = _clamp(text, _position(mark) if mark is not None else Position(1, 1))
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context}"
            if exc.context_mark is not None:
                problem += f" at line {exc.context_mark.line + 1}"
            problem += ")"
        kind = "alias-limit" if "nesting depth" in problem else "syntax"
        return ComposeProblem(kind, problem, path, Span(where, where))
    return ComposeProblem("syntax", f"invalid YAML: {exc}", path, Span.of(1, 1, 1, 1))


def compose_documents(text: str) -> list[yaml.Node]:
    """Every document of the stream as PyYAML nodes (raises yaml.YAMLError)."""
    loader = _Composer(text)
    try:
        documents: list[yaml.Node] = []
        while loader.check_node():
            documents.append(loader.get_node())
        return documents
    finally:
        loader.dispose()


def load_documents(text: str, path: str) -> tuple[list[MappingNode], list[ComposeProblem]]:
    """Each YAML document of ``text`` as a mapping node tree, and what went wrong."""
    problems: list[ComposeProblem] = []
    try:
        documents = compose_documents(text)
    except yaml.YAMLError as exc:
        return [], [_syntax_problem(text, path, exc)]
    except RecursionError:  # the pure-Python composer on very deep nesting
        return [], [ComposeProblem("alias-limit", "nesting is too deep", path, Span.of(1, 1, 1, 1))]
    if not documents:
        return [], [ComposeProblem("syntax", "the file is empty", path, Span.of(1, 1, 1, 1))]
    roots: list[MappingNode] = []
    for document in documents:
        size, depth, cyclic = measure(document)
        where = _span(document)
        if cyclic:
            problems.append(
                ComposeProblem(
                    "alias-limit", "an alias refers to a node that contains it", path, where
                )
            )
            continue
        if size > MAX_NODES:
            problems.append(
                ComposeProblem(
                    "alias-limit",
                    f"the document expands to {size} nodes through aliases and merges, more than "
                    f"the limit of {MAX_NODES} (an alias bomb?)",
                    path,
                    where,
                )
            )
            continue
        if depth > MAX_DEPTH:
            problems.append(
                ComposeProblem(
                    "alias-limit", f"nesting is more than {MAX_DEPTH} levels deep", path, where
                )
            )
            continue
        root = _Builder(path, problems, text).node(document)
        if not isinstance(root, MappingNode):
            problems.append(
                ComposeProblem(
                    "syntax", "the top level of a compose file must be a mapping", path, where
                )
            )
            continue
        roots.append(root)
    return roots, problems


LEGACY_MESSAGE = (
    "this file uses the legacy Compose v1 layout (services at the top level, no "
    "`services:` key), which Docker Compose v2 no longer reads: nest the services under a "
    "top-level `services:` key{extra}; shiplint checks them as if they were"
)


def nest_legacy_services(root: MappingNode, problems: list[ComposeProblem]) -> MappingNode:
    """The root of a legacy-layout file with its services nested under ``services:``.

    The layout is reported once, at line 1 (a "legacy-layout" problem); every service is
    then checked as if it stood under ``services:``, keeping the spans where it is written.
    """
    top = {
        pair.key.text: (pair.value.keys() if isinstance(pair.value, MappingNode) else None)
        for pair in root.pairs
    }
    names = set(layout.legacy_services(top))
    if not names:
        return root
    services = [pair for pair in root.pairs if pair.key.text in names]
    first = services[0].key.span.start
    key = ScalarNode(root.path, Span(first, first), "services", "services", "plain", scalars.STR)
    section = MappingNode(root.path, Span(first, root.span.end), tuple(services))
    kept = tuple(pair for pair in root.pairs if pair.key.text not in names)
    v1_only = sorted(
        {
            inner.key.text
            for pair in services
            if isinstance(pair.value, MappingNode)
            for inner in pair.value.pairs
            if inner.key.text in layout.V1_ONLY_KEYS
        }
    )
    extra = ""
    if v1_only:
        extra = (
            " and replace the v1-only keys ("
            + ", ".join(f"{key} by {layout.V1_ONLY_KEYS[key]}" for key in v1_only)
            + ")"
        )
    problems.append(
        ComposeProblem("legacy-layout", LEGACY_MESSAGE.format(extra=extra), root.path, Span.line(1))
    )
    section = MappingNode(
        root.path, section.span, tuple(_v1_net_as_network_mode(pair) for pair in services)
    )
    return MappingNode(root.path, root.span, (*kept, Pair(key, section)), root.tag)


def _v1_net_as_network_mode(service: Pair) -> Pair:
    """A v1 service with its ``net:`` read as ``network_mode:``, what compose v1 meant by it
    (``net: host``, ``net: none``, ``net: container:x``), so the rules about host networking
    and shared namespaces see it. The key keeps the span where ``net`` is written."""
    node = service.value
    if not isinstance(node, MappingNode) or node.get("network_mode") is not None:
        return service
    pairs = tuple(
        Pair(
            ScalarNode(
                pair.key.path,
                pair.key.span,
                "network_mode",
                "network_mode",
                pair.key.style,
                scalars.STR,
            ),
            pair.value,
            pair.merged,
        )
        if pair.key.text == "net"
        else pair
        for pair in node.pairs
    )
    if pairs == node.pairs:
        return service
    return Pair(service.key, MappingNode(node.path, node.span, pairs, node.tag), service.merged)


def load_compose_text(text: str, path: str) -> ComposeFile:
    """Parse one compose file; never raises: every problem is a ComposeProblem.

    Several YAML documents in one file are merged in order, as compose-go does
    (``loader.loadYamlFile`` decodes and merges every document).
    """
    try:
        roots, problems = load_documents(text, path)
        root: MappingNode | None = roots[0] if roots else None
        if len(roots) > 1:
            from linter.compose.merge import merge_roots

            root = merge_roots(roots)
        if root is not None:
            root = nest_legacy_services(root, problems)
        return ComposeFile(path, text, root, tuple(problems))
    except Exception as exc:  # the contract is "never raises"
        problem = ComposeProblem(
            "syntax",
            f"could not read the file: {type(exc).__name__}: {exc}",
            path,
            Span.of(1, 1, 1, 1),
        )
        return ComposeFile(path, text, None, (problem,))
