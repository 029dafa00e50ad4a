"""Interpolation of a whole node tree, as compose-go does it before merging each file.

Values are interpolated, keys are not. At the paths where compose-go casts interpolated
strings (``loader/interpolate.go``: ``deploy.replicas``, ``privileged`` ...), a string is
turned into the number or boolean compose would use, so schema validation sees what
compose validates. A malformed expression becomes a problem at its own columns when the
scalar is written on one line with every character as itself; else at the scalar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from linter.compose.interpolation import InterpolationIssue, find_variables, interpolate
from linter.compose.model import ComposeProblem
from linter.compose.nodes import MappingNode, Node, Pair, Scalar, ScalarNode, SequenceNode
from linter.compose.scalars import BOOL, FLOAT, INT
from linter.diagnostics import Position, Span

_ANY = "*"


def _to_int(text: str) -> tuple[Scalar, str] | None:
    stripped = text.strip()
    body = stripped[1:] if stripped[:1] in "+-" else stripped
    return (int(stripped), INT) if body.isascii() and body.isdigit() else None


def _to_float(text: str) -> tuple[Scalar, str] | None:
    try:
        return float(text), FLOAT
    except ValueError:
        return None


def _to_bool(text: str) -> tuple[Scalar, str] | None:
    lowered = text.lower()
    if lowered in ("true", "y", "yes", "on"):
        return True, BOOL
    if lowered in ("false", "n", "no", "off"):
        return False, BOOL
    return None


Cast = Callable[[str], "tuple[Scalar, str] | None"]

_SERVICE_CASTS: dict[tuple[str, ...], Cast] = {
    ("cpu_count",): _to_int,
    ("cpu_percent",): _to_float,
    ("cpu_period",): _to_int,
    ("cpu_quota",): _to_int,
    ("cpu_rt_period",): _to_int,
    ("cpu_rt_runtime",): _to_int,
    ("cpus",): _to_float,
    ("cpu_shares",): _to_int,
    ("init",): _to_bool,
    ("depends_on", _ANY, "required"): _to_bool,
    ("depends_on", _ANY, "restart"): _to_bool,
    ("deploy", "replicas"): _to_int,
    ("deploy", "update_config", "parallelism"): _to_int,
    ("deploy", "update_config", "max_failure_ratio"): _to_float,
    ("deploy", "rollback_config", "parallelism"): _to_int,
    ("deploy", "rollback_config", "max_failure_ratio"): _to_float,
    ("deploy", "restart_policy", "max_attempts"): _to_int,
    ("deploy", "placement", "max_replicas_per_node"): _to_int,
    ("healthcheck", "retries"): _to_int,
    ("healthcheck", "disable"): _to_bool,
    ("oom_kill_disable",): _to_bool,
    ("oom_score_adj",): _to_int,
    ("pids_limit",): _to_int,
    ("ports", _ANY, "target"): _to_int,
    ("privileged",): _to_bool,
    ("read_only",): _to_bool,
    ("scale",): _to_int,
    ("stdin_open",): _to_bool,
    ("tty",): _to_bool,
    ("ulimits", _ANY): _to_int,
    ("ulimits", _ANY, "hard"): _to_int,
    ("ulimits", _ANY, "soft"): _to_int,
    ("volumes", _ANY, "read_only"): _to_bool,
    ("volumes", _ANY, "volume", "nocopy"): _to_bool,
}
CASTS: dict[tuple[str, ...], Cast] = {
    **{("services", _ANY, *path): cast for path, cast in _SERVICE_CASTS.items()},
    **{
        (section, _ANY, flag): _to_bool
        for section, flag in [
            ("networks", "external"),
            ("networks", "internal"),
            ("networks", "attachable"),
            ("networks", "enable_ipv4"),
            ("networks", "enable_ipv6"),
            ("volumes", "external"),
            ("secrets", "external"),
            ("configs", "external"),
        ]
    },
}


_CASTS_BY_END: dict[tuple[int, str], list[tuple[tuple[str, ...], Cast]]] = {}
for _pattern, _cast in CASTS.items():
    _CASTS_BY_END.setdefault((len(_pattern), _pattern[-1]), []).append((_pattern, _cast))


@lru_cache(maxsize=4096)
def _cast_for(path: tuple[str, ...]) -> Cast | None:
    """The cast compose applies at ``path``; indexed by length and last key, and memoised:
    a project asks for the same paths again and again (every value of a file is walked)."""
    if not path:
        return None
    for last in (path[-1], _ANY):
        for pattern, cast in _CASTS_BY_END.get((len(path), last), ()):
            if all(want in (_ANY, got) for want, got in zip(pattern, path, strict=True)):
                return cast
    return None


def issue_span(node: ScalarNode, start: int, end: int) -> Span:
    """Where ``node.text[start:end]`` is written, or the scalar's span when unsure."""
    span = node.span
    quote = 1 if node.quoted else 0
    written = span.end.column - span.start.column - 2 * quote
    exact = (
        span.start.line == span.end.line
        and node.style in ("plain", "single", "double")
        and written == len(node.text)
    )
    if not exact:
        return span
    base = span.start.column + quote
    return Span(Position(span.start.line, base + start), Position(span.start.line, base + end))


class TreeInterpolator:
    """Interpolates every value of a tree with one environment, collecting problems."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[ComposeProblem] = []
        # yes/no/on/off written plainly where compose casts to a boolean: compose and YAML 1.1
        # readers agree on them, so they are no YAML 1.1 trap (file, span of each).
        self.agreed: set[tuple[str, Span]] = set()
        self.unknown: set[tuple[str, Span]] = set()  # values that use an unset variable
        self.required: list[tuple[ScalarNode, InterpolationIssue]] = []

    def node(self, node: Node, path: tuple[str, ...] = ()) -> Node:
        if isinstance(node, MappingNode):
            pairs = tuple(
                Pair(pair.key, self.node(pair.value, (*path, pair.key.text)), pair.merged)
                for pair in node.pairs
            )
            return MappingNode(node.path, node.span, pairs, node.tag)
        if isinstance(node, SequenceNode):
            items = tuple(self.node(item, (*path, _ANY)) for item in node.items)
            return SequenceNode(node.path, node.span, items, node.tag)
        assert isinstance(node, ScalarNode)
        return self.scalar(node, path)

    def scalar(self, node: ScalarNode, path: tuple[str, ...]) -> ScalarNode:
        if not isinstance(node.value, str):
            return node
        value, issues = interpolate(node.value, self.env)
        unknown = "$" in node.value and _uses_unset(node.value, self.env)
        if unknown:
            self.unknown.add((node.path, node.span))
        for issue in issues:
            if issue.kind == "syntax":
                # Offsets are in the value; they match the text when nothing was unescaped.
                where = (
                    issue_span(node, issue.start, issue.end)
                    if node.value == node.text
                    else node.span
                )
                problem = ComposeProblem("interpolation", issue.message, node.path, where)
                if problem not in self.problems:  # an aliased scalar is walked once per use
                    self.problems.append(problem)
            else:
                self.required.append((node, issue))
        cast = _cast_for(path)
        if cast is not None:
            converted = cast(value)
            if (
                converted is not None
                and cast is _to_bool
                and node.style == "plain"
                and node.text == value
            ):
                self.agreed.add((node.path, node.span))
            if converted is not None:
                return ScalarNode(
                    node.path, node.span, converted[0], node.text, node.style, converted[1]
                )
        if value == node.value and not unknown:
            return node
        return ScalarNode(node.path, node.span, value, node.text, node.style, node.tag, unknown)


def _uses_unset(text: str, env: Mapping[str, str]) -> bool:
    """Whether ``text`` uses a variable that has no value and no default or alternative
    (``${VAR}``, ``$VAR``; ``${VAR:?err}`` is the required-variable finding's business)."""
    return any(
        variable.operator is None and variable.name not in env for variable in find_variables(text)
    )


def interpolate_tree(
    root: MappingNode,
    env: Mapping[str, str],
    agreed: set[tuple[str, Span]] | None = None,
    unknown: set[tuple[str, Span]] | None = None,
) -> tuple[MappingNode, list[ComposeProblem]]:
    """``root`` with every value interpolated, and the malformed expressions found.

    ``agreed`` collects the plain yes/no/on/off values compose casts to booleans,
    ``unknown`` the values that use an unset variable.
    """
    walker = TreeInterpolator(env)
    result = walker.node(root)
    assert isinstance(result, MappingNode)
    if agreed is not None:
        agreed |= walker.agreed
    if unknown is not None:
        unknown |= walker.unknown
    return result, walker.problems
