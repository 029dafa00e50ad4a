"""Validation against the official compose-spec JSON schema, with real positions.

The schema is the one check-jsonschema ships (``builtin_schemas/vendor/compose-spec.json``,
draft 2020-12), read at run time, never copied. It is checked by jsonschema-rs, a maintained
validator that imports and builds in a few milliseconds (jsonschema, the reference
implementation, is the oracle of the tests); ``RsError`` adapts its errors to the fields this
module reads (those of jsonschema's ``ValidationError``), with jsonschema's message texts. The
validator is built once per process.

Each file is validated on its own, after interpolation: compose-go validates the merged
model after every file it adds, so each file's content must be valid where it lands, and
validating files one by one points every error into the file that wrote it (an override
file may be partial: the schema requires no key of a service).

The validator's raw errors are turned into one problem per real mistake: the wrong branches
of a ``oneOf`` are dropped, and ``unevaluatedProperties`` (which also lists known keys
whose values failed) is reduced to the keys the schema does not know.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from linter.compose.model import ComposeProblem
from linter.compose.nodes import MappingNode, Node, SequenceNode, to_python
from linter.diagnostics import Span

SCHEMA_PACKAGE = "check_jsonschema"
SCHEMA_RESOURCE = "builtin_schemas/vendor/compose-spec.json"
_BRANCHING = ("oneOf", "anyOf")
_KEY_ERRORS = ("additionalProperties", "unevaluatedProperties")


def _schema_path() -> Path:
    spec = importlib.util.find_spec(SCHEMA_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder, SCHEMA_RESOURCE)
            if candidate.is_file():
                return candidate
    # An unusual installation (a zip, say): let importlib.resources find it.
    from importlib import resources

    with resources.as_file(resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_RESOURCE)) as path:
        return Path(path)


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The compose-spec schema shipped by check-jsonschema.

    The file is found through the package's import spec, without importing the package:
    check-jsonschema's ``__init__`` loads its whole command line (click, requests), about
    300 ms that a linter run must not pay.
    """
    text = _schema_path().read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class SchemaErrorView(Protocol):
    """What this module reads from an error: the fields of jsonschema's ``ValidationError``."""

    @property
    def validator(self) -> str | None: ...
    @property
    def validator_value(self) -> Any: ...
    @property
    def instance(self) -> Any: ...
    @property
    def schema(self) -> Any: ...
    @property
    def message(self) -> str: ...
    @property
    def context(self) -> Sequence[SchemaErrorView] | None: ...
    @property
    def schema_path(self) -> Sequence[str | int]: ...
    @property
    def absolute_path(self) -> Sequence[str | int]: ...


class ValidatorView(Protocol):
    """What this module needs from a validator (jsonschema-rs adapted, or jsonschema's)."""

    def iter_errors(self, instance: Any) -> Iterable[SchemaErrorView]: ...


@functools.lru_cache(maxsize=1)
def validator() -> ValidatorView:
    """One jsonschema-rs validator per process, for the schema as ``_without_unevaluated``
    writes it (the same schema the tests give jsonschema)."""
    return RsValidator(_without_unevaluated(load_schema()))


class RsValidator:
    """jsonschema-rs behind ``iter_errors`` as jsonschema's validators have it."""

    __slots__ = ("_compiled", "schema")

    def __init__(self, schema: dict[str, Any]) -> None:
        import jsonschema_rs

        self.schema = schema
        # jsonschema checks no "format" unless told to; neither do we.
        self._compiled = jsonschema_rs.validator_for(schema, validate_formats=False)

    def iter_errors(self, instance: Any) -> Iterator[RsError]:
        for error in self._compiled.iter_errors(instance):
            yield RsError(error, self.schema, instance, tuple(error.schema_path))


class RsError:
    """A jsonschema-rs error with the fields of jsonschema's ``ValidationError``.

    jsonschema-rs gives each error the location of its keyword in the schema (references
    resolved), so the keyword's value and the object it stands in are read from the schema
    there. ``schema_path`` is relative to the parent error, as in jsonschema: a ``oneOf``
    child's starts with the index of its branch.
    """

    __slots__ = ("_document", "_error", "_location", "_root", "schema_path")

    def __init__(
        self, error: Any, root: dict[str, Any], document: Any, schema_path: tuple[str | int, ...]
    ) -> None:
        self._error = error
        self._root = root
        self._document = document
        self._location = tuple(error.schema_path)
        self.schema_path = schema_path

    @property
    def validator(self) -> str | None:
        last = self._location[-1] if self._location else None
        if self._kind == "FalseSchema" or not isinstance(last, str):
            return None
        return last

    @property
    def validator_value(self) -> Any:
        return _pointer(self._root, self._location)

    @property
    def schema(self) -> Any:
        return _pointer(self._root, self._location[:-1])

    @property
    def instance(self) -> Any:
        return self._error.instance

    @property
    def absolute_path(self) -> tuple[str | int, ...]:
        """The path in the document; a mapping key that looks like a number ("9") is a
        string, which jsonschema-rs's path does not tell apart from a list index."""
        path: list[str | int] = []
        node = self._document
        for part in self._error.instance_path:
            if isinstance(node, dict):
                key: str | int = str(part)
                node = node.get(key)
            else:
                key = int(part)
                node = node[key] if isinstance(node, list) and key < len(node) else None
            path.append(key)
        return tuple(path)

    @property
    def _kind(self) -> str:
        return type(self._error.kind).__name__

    @property
    def context(self) -> list[RsError] | None:
        """The errors of each branch of a ``oneOf``/``anyOf`` that no branch passes (a
        ``oneOf`` that several pass has none, as in jsonschema)."""
        branches = getattr(self._error.kind, "context", None)
        if not branches or self._kind == "OneOfMultipleValid":
            return None
        depth = len(self._location)
        children = []
        for index, branch in enumerate(branches):
            for child in branch:
                rest = tuple(child.schema_path)[depth + 1 :]
                children.append(RsError(child, self._root, self._document, (index, *rest)))
        return children

    @property
    def message(self) -> str:
        keyword = self.validator
        if keyword is None:
            return f"False schema does not allow {self.instance!r}"
        write = _MESSAGES.get(keyword)
        return write(self) if write else str(self._error.message)

    def detail(self) -> dict[str, Any]:
        details: dict[str, Any] = self._error.kind.as_dict()
        return details


def _pointer(root: Any, location: Sequence[str | int]) -> Any:
    node = root
    for part in location:
        node = node[part]
    return node


def _sized(empty: str, short: str, one: int) -> Callable[[RsError], str]:
    def message(error: RsError) -> str:
        return f"{error.instance!r} {empty if error.validator_value == one else short}"

    return message


def _text(template: str) -> Callable[[RsError], str]:
    return lambda error: template.format(i=error.instance, v=error.validator_value)


def _additional_message(error: RsError) -> str:
    extras = sorted(error.detail().get("unexpected", ()), key=str)
    if "patternProperties" in error.schema:
        verb = "does" if len(extras) == 1 else "do"
        patterns = ", ".join(repr(each) for each in sorted(error.schema["patternProperties"]))
        return (
            f"{', '.join(repr(each) for each in extras)} {verb} not match any of the "
            f"regexes: {patterns}"
        )
    verb = "was" if len(extras) == 1 else "were"
    return (
        f"Additional properties are not allowed ({', '.join(map(repr, extras))} {verb} unexpected)"
    )


def _items_message(error: RsError) -> str:
    prefix = len(error.schema.get("prefixItems", ()))
    extra = len(error.instance) - prefix
    rest = error.instance[prefix:] if extra != 1 else error.instance[prefix]
    item = "items" if prefix != 1 else "item"
    return f"Expected at most {prefix} {item} but found {extra} extra: {rest!r}"


def _branching_message(error: RsError) -> str:
    if error._kind != "OneOfMultipleValid":
        return f"{error.instance!r} is not valid under any of the given schemas"
    # jsonschema names the branches after the first that passes, then that first one.
    branches = error._error.kind.context
    passing = [error.validator_value[index] for index, found in enumerate(branches) if not found]
    reprs = ", ".join(repr(schema) for schema in [*passing[1:], *passing[:1]])
    return f"{error.instance!r} is valid under each of {reprs}"


# jsonschema's message texts, which the problems and the tests are written in.
_MESSAGES: dict[str, Callable[[RsError], str]] = {
    "type": lambda error: (
        f"{error.instance!r} is not of type "
        + ", ".join(
            repr(name)
            for name in (
                [error.validator_value]
                if isinstance(error.validator_value, str)
                else error.validator_value
            )
        )
    ),
    "additionalProperties": _additional_message,
    "items": _items_message,
    "oneOf": _branching_message,
    "anyOf": _branching_message,
    "required": lambda error: f"{error.detail()['property']!r} is a required property",
    "uniqueItems": _text("{i!r} has non-unique elements"),
    "enum": _text("{i!r} is not one of {v!r}"),
    "const": _text("{v!r} was expected"),
    "pattern": _text("{i!r} does not match {v!r}"),
    "minimum": _text("{i!r} is less than the minimum of {v!r}"),
    "maximum": _text("{i!r} is greater than the maximum of {v!r}"),
    "exclusiveMinimum": _text("{i!r} is less than or equal to the minimum of {v!r}"),
    "exclusiveMaximum": _text("{i!r} is greater than or equal to the maximum of {v!r}"),
    "multipleOf": _text("{i!r} is not a multiple of {v}"),
    "minItems": _sized("should be non-empty", "is too short", 1),
    "minLength": _sized("should be non-empty", "is too short", 1),
    "maxItems": _sized("is expected to be empty", "is too long", 0),
    "maxLength": _sized("is expected to be empty", "is too long", 0),
    "minProperties": _sized("should be non-empty", "does not have enough properties", 1),
    "maxProperties": _sized("is expected to be empty", "has too many properties", 0),
    "not": _text("{i!r} should not be valid under {v!r}"),
}


def _without_unevaluated(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with ``unevaluatedProperties: false`` written as ``additionalProperties``.

    jsonschema evaluates ``unevaluatedProperties`` by validating every ``allOf`` branch
    again, which made a 300-line file cost ~90 ms instead of ~5. The service, job and hook
    objects only combine ``allOf`` of plain ``$ref`` objects, so listing the names those
    accept as sibling ``properties`` is the same check.
    """
    copied: dict[str, Any] = json.loads(json.dumps(schema))

    def rewrite(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                rewrite(item)
            return
        if not isinstance(node, dict):
            return
        for value in node.values():
            rewrite(value)
        if node.get("unevaluatedProperties") is False and not _conditional(node, copied):
            names, patterns = known_keys(node, copied)
            properties = node.setdefault("properties", {})
            for name in names:
                properties.setdefault(name, True)
            node.setdefault("patternProperties", {})
            for pattern in patterns:
                node["patternProperties"].setdefault(pattern, True)
            del node["unevaluatedProperties"]
            node["additionalProperties"] = False

    rewrite(copied)
    return copied


def _conditional(node: dict[str, Any], root: dict[str, Any]) -> bool:
    """Whether properties could come from a branch that ``known_keys`` does not follow."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = _resolve(stack.pop(), root)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if any(key in current for key in ("if", "oneOf", "anyOf", "dependentSchemas")):
            return True
        stack.extend(item for item in current.get("allOf", []) if isinstance(item, dict))
        if "$ref" in current:
            stack.append(_resolve(current, root))
    return False


def dotted(path: Iterable[str | int]) -> str:
    """``services.web.ports[0]`` for a JSON path."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target if isinstance(target, dict) else {}
    return schema


def known_keys(schema: dict[str, Any], root: dict[str, Any]) -> tuple[set[str], list[str]]:
    """Property names and patterns a schema object accepts, through ``allOf`` and ``$ref``."""
    names: set[str] = set()
    patterns: list[str] = []
    pending = [schema]
    seen: set[int] = set()
    while pending:
        current = _resolve(pending.pop(), root)
        if id(current) in seen:
            continue
        seen.add(id(current))
        names.update(current.get("properties", {}))
        patterns.extend(current.get("patternProperties", {}))
        for keyword in ("allOf", "$ref"):
            if keyword == "$ref" and "$ref" in current:
                pending.append(_resolve(current, root))
            elif keyword == "allOf":
                pending.extend(item for item in current.get("allOf", []) if isinstance(item, dict))
    return names, patterns


def _unknown_keys(error: SchemaErrorView) -> list[str]:
    instance = error.instance
    if not isinstance(instance, dict) or not isinstance(error.schema, dict):
        return []
    names, patterns = known_keys(error.schema, load_schema())
    return [
        str(key)
        for key in instance
        if key not in names and not any(re.search(pattern, str(key)) for pattern in patterns)
    ]


def _nearest_key(error: SchemaErrorView, name: str) -> str:
    """The "; did you mean 'ports'?" hint for a misspelt key (``port``), from the keys allowed."""
    if not isinstance(error.schema, dict):
        return ""
    from linter.suggest import did_you_mean

    names, _ = known_keys(error.schema, load_schema())
    return did_you_mean(name, names)


def _leaf_errors(error: SchemaErrorView) -> Iterator[SchemaErrorView]:
    """The errors worth reporting under ``error``: for ``oneOf``/``anyOf``, those of the
    branches that fit the value's type; the branch error itself when none fits."""
    if error.validator not in _BRANCHING or not error.context:
        yield error
        return
    depth = len(error.absolute_path)
    wrong_type = {
        child.schema_path[0]
        for child in error.context
        if child.validator == "type" and len(child.absolute_path) == depth
    }
    fitting = [child for child in error.context if child.schema_path[0] not in wrong_type]
    if not fitting:
        yield error
        return
    for child in fitting:
        yield from _leaf_errors(child)


def _locate(root: Node, path: Iterable[str | int], *, key: bool) -> Node:
    """The node at a JSON path (the key node when ``key``), or the deepest one found."""
    node = root
    parts = list(path)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, MappingNode):
            pair = node.pair(str(part))
            if pair is None:
                return node
            node = pair.key if (last and key) else pair.value
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
        else:
            return node
    return node


def _message(error: SchemaErrorView) -> str:
    if error.validator == "type":
        expected = error.validator_value
        names = " or ".join(expected) if isinstance(expected, list) else str(expected)
        return f"{_short(error.instance)} is not of type {names}"
    if error.validator in _BRANCHING:
        return f"{_short(error.instance)} is not valid here"
    return str(error.message)


def _repeated(items: list[object]) -> list[int]:
    """Indexes of the items equal to an earlier one (the repeats, not the first)."""
    seen: list[object] = []
    repeats = []
    for index, item in enumerate(items):
        if item in seen:
            repeats.append(index)
        else:
            seen.append(item)
    return repeats


def _short(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_tree(root: MappingNode) -> list[ComposeProblem]:
    """Schema problems of one file's tree, each at the key or value it is about."""
    return problems_with(validator(), root)


def problems_with(backend: ValidatorView, root: MappingNode) -> list[ComposeProblem]:
    """``validate_tree`` with a given validator (the tests compare jsonschema's)."""
    data = to_python(root)
    problems: list[ComposeProblem] = []
    seen: set[tuple[str, Span, str]] = set()

    def add(node: Node, message: str) -> None:
        signature = (node.path, node.span, message)
        if signature not in seen:
            seen.add(signature)
            problems.append(ComposeProblem("schema", message, node.path, node.span))

    for raw in backend.iter_errors(data):
        for error in _leaf_errors(raw):
            path = list(error.absolute_path)
            where = dotted(path)
            if error.validator in _KEY_ERRORS:
                unknown = _unknown_keys(error)
                patterns = (
                    [p for p in (error.schema.get("patternProperties") or {}) if p != "^x-"]
                    if isinstance(error.schema, dict)
                    else []
                )
                for name in unknown:
                    node = _locate(root, [*path, name], key=True)
                    if not path:
                        add(node, f"unknown top-level key '{name}'{_nearest_key(error, name)}")
                    elif patterns:
                        add(
                            node,
                            f"{where}: '{name}' is not a valid name "
                            f"(expected {' or '.join(patterns)})",
                        )
                    else:
                        add(node, f"{where}: unknown key '{name}'{_nearest_key(error, name)}")
                continue
            if error.validator == "required":
                add(_locate(root, path, key=False), f"{where}: {error.message}")
                continue
            if error.validator == "uniqueItems" and isinstance(error.instance, list):
                for index in _repeated(error.instance):
                    add(
                        _locate(root, [*path, index], key=False),
                        f"{where}: {_short(error.instance[index])} is listed twice",
                    )
                continue
            add(_locate(root, path, key=False), f"{where}: {_message(error)}")
    # The message breaks ties: validators list the errors at one place in different orders.
    problems.sort(key=lambda problem: (problem.path, problem.span.start, problem.message))
    return problems
