"""Validation against the official compose-spec JSON schema, with real positions.

The schema is the one check-jsonschema ships (``builtin_schemas/vendor/compose-spec.json``,
draft 2020-12), read at run time, never copied. jsonschema costs ~150 ms to import, more
than linting a file, so the schema is checked by ``schema_validator`` (compiled closures for
the keywords the schema uses, errors shaped like jsonschema's); jsonschema is imported only
if a future schema uses a keyword that module does not implement. The validator is built
once per process.

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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from linter.compose.model import ComposeProblem
from linter.compose.nodes import MappingNode, Node, SequenceNode, to_python
from linter.compose.schema_validator import SchemaErrorView, SchemaValidator, ValidatorView
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


@functools.lru_cache(maxsize=1)
def validator() -> ValidatorView:
    """One validator per process: ours, or jsonschema's if the schema needs a keyword ours
    does not implement."""
    schema = _without_unevaluated(load_schema())
    compiled = SchemaValidator(schema)
    if not compiled.unsupported:
        return compiled
    return jsonschema_validator(schema)


def jsonschema_validator(schema: dict[str, Any]) -> ValidatorView:
    """jsonschema's validator for ``schema``, of the class its ``$schema`` names."""
    from jsonschema import Draft7Validator, Draft202012Validator
    from jsonschema.validators import validator_for

    schema = _inline_references(schema)
    declared = str(schema.get("$schema", ""))
    # validator_for() does not know draft-07 written as https without '#'.
    cls = Draft7Validator if "draft-07" in declared else validator_for(
        schema, default=Draft202012Validator)
    built: ValidatorView = cls(schema)
    return built


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


def _inline_references(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each local ``$ref`` replaced by the object it names.

    Resolving references through ``referencing`` was a third of the validation time.
    Recursive references stay references.
    """
    definitions: dict[str, Any] = schema.get("$defs", {})
    done: dict[str, Any] = {}

    def inline(node: Any, stack: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [inline(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        name = ref[len("#/$defs/"):] if isinstance(ref, str) and ref.startswith("#/$defs/") \
            else None
        if name is None or "/" in name or name not in definitions or name in stack:
            return {key: inline(value, stack) for key, value in node.items()}
        if name not in done:
            done[name] = inline(definitions[name], stack | {name})
        rest = {key: inline(value, stack) for key, value in node.items() if key != "$ref"}
        if not rest:
            return done[name]
        return {**rest, "allOf": [done[name], *rest.get("allOf", [])]}

    inlined: dict[str, Any] = inline(schema, frozenset())
    return inlined


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
        str(key) for key in instance
        if key not in names and not any(re.search(pattern, str(key)) for pattern in patterns)
    ]


def _leaf_errors(error: SchemaErrorView) -> Iterator[SchemaErrorView]:
    """The errors worth reporting under ``error``: for ``oneOf``/``anyOf``, those of the
    branches that fit the value's type; the branch error itself when none fits."""
    if error.validator not in _BRANCHING or not error.context:
        yield error
        return
    depth = len(error.absolute_path)
    wrong_type = {
        child.schema_path[0] for child in error.context
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
    """``validate_tree`` with a given validator (tests compare ours with jsonschema's)."""
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
                patterns = [
                    p for p in (error.schema.get("patternProperties") or {}) if p != "^x-"
                ] if isinstance(error.schema, dict) else []
                for name in unknown:
                    node = _locate(root, [*path, name], key=True)
                    if not path:
                        add(node, f"unknown top-level key '{name}'")
                    elif patterns:
                        add(node, f"{where}: '{name}' is not a valid name "
                                  f"(expected {' or '.join(patterns)})")
                    else:
                        add(node, f"{where}: unknown key '{name}'")
                continue
            if error.validator == "required":
                add(_locate(root, path, key=False), f"{where}: {error.message}")
                continue
            if error.validator == "uniqueItems" and isinstance(error.instance, list):
                for index in _repeated(error.instance):
                    add(_locate(root, [*path, index], key=False),
                        f"{where}: {_short(error.instance[index])} is listed twice")
                continue
            add(_locate(root, path, key=False), f"{where}: {_message(error)}")
    problems.sort(key=lambda problem: (problem.path, problem.span.start))
    return problems
