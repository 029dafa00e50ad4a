"""A small JSON Schema (draft 2020-12) validator for the keywords the compose-spec schema uses.

Importing jsonschema costs ~150 ms (referencing, attrs, rpds, format checkers), more than
linting a compose file. The compose-spec schema needs a dozen keywords, so each subschema
is compiled, on first use, into two closures: a yes/no check (the hot path: most values
are valid) and one that builds errors shaped like jsonschema's ``ValidationError`` (what
``linter.compose.schema`` reads: keyword, value, instance, subschema, paths, context,
message, with jsonschema's message texts). A schema using any keyword this module does not
implement is reported in ``unsupported``, and the caller falls back to jsonschema.

JSON semantics, not Python's: a bool is neither an integer nor a number, 1.0 is an
integer, and ``enum``/``const``/``uniqueItems`` compare as JSON does (``True != 1``,
``1 == 1.0``, deeply for arrays and objects).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from typing import Any, Protocol

Check = Callable[[Any], bool]
Collect = Callable[[Any], "list[SchemaError]"]

# Keywords that only annotate (jsonschema asserts no ``format`` by default either).
ANNOTATIONS = frozenset({
    "description", "title", "default", "deprecated", "$schema", "$id", "$comment",
    "examples", "format", "readOnly", "writeOnly", "contentMediaType", "contentEncoding",
})
_INERT = ANNOTATIONS | {"$defs"}  # nothing to check in a subschema made only of these
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains",
               "propertyNames")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_NUMBERS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_COUNTS = ("minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties")
_TYPE_NAMES = frozenset({"string", "object", "array", "null", "boolean", "number", "integer"})
_NO_SCHEMA_PATH = frozenset({"$ref", "if"})  # jsonschema leaves these out of schema_path


class SchemaErrorView(Protocol):
    """What ``linter.compose.schema`` reads from an error (ours or jsonschema's)."""

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
    """What ``linter.compose.schema`` needs from a validator (ours or jsonschema's)."""

    def iter_errors(self, instance: Any) -> Iterable[SchemaErrorView]: ...


class UnsupportedSchemaError(ValueError):
    """The schema uses keywords this module does not implement (see ``unsupported``)."""


class SchemaError:
    """One failed keyword, with the fields jsonschema's ``ValidationError`` has.

    Paths are kept reversed while the error travels up (appending is cheap) and
    ``path``/``schema_path`` are relative to the parent error, as in jsonschema; the
    message is written only when read.
    """

    __slots__ = (
        "_detail",
        "_rpath",
        "_rschema_path",
        "context",
        "instance",
        "parent",
        "schema",
        "validator",
        "validator_value",
    )

    def __init__(self, validator: str | None, validator_value: Any, instance: Any,
                 schema: Any, detail: Any = None,
                 context: list[SchemaError] | None = None) -> None:
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.context: list[SchemaError] = context if context is not None else []
        self.parent: SchemaError | None = None
        self._rpath: list[str | int] = []
        self._rschema_path: list[str | int] = []
        self._detail = detail
        for child in self.context:
            child.parent = self

    @property
    def path(self) -> deque[str | int]:
        return deque(reversed(self._rpath))

    @property
    def schema_path(self) -> deque[str | int]:
        return deque(reversed(self._rschema_path))

    @property
    def absolute_path(self) -> deque[str | int]:
        return self._from_root("_rpath")

    @property
    def absolute_schema_path(self) -> deque[str | int]:
        return self._from_root("_rschema_path")

    def _from_root(self, reversed_attribute: str) -> deque[str | int]:
        """A path joined with those of the parent errors (each is relative to its parent)."""
        path: deque[str | int] = deque()
        error: SchemaError | None = self
        while error is not None:
            path.extendleft(getattr(error, reversed_attribute))
            error = error.parent
        return path

    @property
    def message(self) -> str:
        if self.validator is None:
            return f"False schema does not allow {self.instance!r}"
        return _MESSAGES[self.validator](self)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"<SchemaError {self.validator}: {self.message!r}>"


def _under(errors: list[SchemaError], path: str | int | None,
           schema_path: str | int | None) -> list[SchemaError]:
    """``errors`` moved one level down: under key/index ``path`` and subschema ``schema_path``."""
    for error in errors:
        if path is not None:
            error._rpath.append(path)
        if schema_path is not None:
            error._rschema_path.append(schema_path)
    return errors


# -- JSON equality -----------------------------------------------------------------------------

_BOOL, _ARRAY, _OBJECT = "b", "a", "o"


def _freeze(value: Any) -> Any:
    """A hashable value equal to another one exactly when the two are equal as JSON."""
    if value is True or value is False:
        return (_BOOL, value)
    if isinstance(value, list):
        return (_ARRAY, tuple(_freeze(item) for item in value))
    if isinstance(value, dict):
        return (_OBJECT, frozenset((key, _freeze(item)) for key, item in value.items()))
    return value


def json_equal(one: Any, two: Any) -> bool:
    """JSON equality: ``True != 1``, ``1 == 1.0``, deep for arrays and objects."""
    return bool(_freeze(one) == _freeze(two))


def _unique(items: list[Any]) -> bool:
    return len({_freeze(item) for item in items}) == len(items)


# -- types -------------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _is_array(value: Any) -> bool:
    return isinstance(value, list)


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


_SIMPLE: dict[str, Check] = {
    "string": _is_string,
    "object": _is_object,
    "array": _is_array,
    "null": lambda value: value is None,
    "boolean": lambda value: value is True or value is False,
    "number": _is_number,
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, float) and value.is_integer()),
}


def _type_check(names: list[str]) -> Check:
    if len(names) == 1:
        return _SIMPLE[names[0]]
    checks = tuple(_SIMPLE[name] for name in names)

    def check(value: Any) -> bool:
        return any(one(value) for one in checks)

    return check


# -- compiled subschemas -----------------------------------------------------------------------

def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _no_errors(value: Any) -> list[SchemaError]:
    return []


class _Node:
    """One subschema; its closures are built the first time it checks a value."""

    __slots__ = ("_built", "_compiler", "errors", "schema", "trivial", "valid")

    def __init__(self, schema: Any, compiler: _Compiler) -> None:
        self.schema = schema
        self._compiler = compiler
        # Nothing to check: ``true``, ``{}`` or only annotations.
        self.trivial = schema is True or (
            isinstance(schema, dict) and all(key in _INERT for key in schema))
        self._built = False
        self.valid: Check = self._first_valid
        self.errors: Collect = self._first_errors

    # A caller may hold these bound methods (``map(node.valid, items)``): build once only.
    def _first_valid(self, value: Any) -> bool:
        self._build()
        return self.valid(value)

    def _first_errors(self, value: Any) -> list[SchemaError]:
        self._build()
        return self.errors(value)

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        schema = self.schema
        if self.trivial:
            self.valid, self.errors = _always, _no_errors
            return
        if schema is False:
            self.valid, self.errors = _never, lambda value: [
                SchemaError(None, None, value, False)]
            return
        parts: list[tuple[str, Check, Collect]] = []
        for keyword, value in schema.items():
            build = _BUILDERS.get(keyword)
            if build is None:
                continue  # an annotation, or then/else (read by "if")
            built = build(self._compiler, value, schema)
            if built is not None:
                parts.append((keyword, *built))
        self.valid = _all_of([check for _, check, _ in sorted(
            parts, key=lambda part: part[0] != "type")])  # a wrong type fails fastest
        self.errors = _collector(parts)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    first, rest = checks[0], _all_of(checks[1:])
    return lambda value: first(value) and rest(value)


def _collector(parts: list[tuple[str, Check, Collect]]) -> Collect:
    def errors(value: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for keyword, check, collect in parts:
            if check(value):
                continue
            more = collect(value)
            if keyword not in _NO_SCHEMA_PATH:
                for error in more:
                    error._rschema_path.append(keyword)
            found.extend(more)
        return found

    return errors


class _Compiler:
    """Subschemas by identity, ``$ref`` targets and regular expressions, shared per schema."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.nodes: dict[int, _Node] = {}
        self.patterns: dict[str, re.Pattern[str]] = {}

    def node(self, schema: Any) -> _Node:
        found = self.nodes.get(id(schema))
        if found is None:
            found = self.nodes[id(schema)] = _Node(schema, self)
        return found

    def regex(self, pattern: str) -> re.Pattern[str]:
        found = self.patterns.get(pattern)
        if found is None:
            found = self.patterns[pattern] = re.compile(pattern)
        return found

    def resolve(self, ref: str) -> Any:
        return resolve_pointer(self.root, ref)


def resolve_pointer(root: Any, ref: str) -> Any:
    """The subschema a local ``$ref`` (``#`` or ``#/json/pointer``) names; KeyError if none."""
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        raise KeyError(ref)
    target = root
    for raw in ref[2:].split("/"):
        part = _unescape(raw)
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            raise KeyError(ref)
    return target


def _unescape(part: str) -> str:
    if "%" in part:
        from urllib.parse import unquote

        part = unquote(part)
    return part.replace("~1", "/").replace("~0", "~")


# -- keywords ------------------------------------------------------------------------------------
# Each builder returns (check, collect) or None when the keyword can never fail. ``collect``
# is called only for a value ``check`` refused; its errors' schema paths do not yet hold the
# keyword (the subschema's collector adds it).

Built = tuple[Check, Collect] | None


def _error(keyword: str, value: Any, schema: dict[str, Any],
           detail: Any = None) -> Callable[[Any], list[SchemaError]]:
    return lambda instance: [SchemaError(keyword, value, instance, schema, detail)]


def _type(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    names = [value] if isinstance(value, str) else list(value)
    return _type_check(names), _error("type", value, schema)


def _ref(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    target = compiler.node(compiler.resolve(value))
    return (lambda instance: target.valid(instance)), (lambda instance: target.errors(instance))


def _properties(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    nodes = {name: compiler.node(sub) for name, sub in value.items()}
    checked = {name: node for name, node in nodes.items() if not node.trivial}
    if not checked:
        return None

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for key, item in instance.items():
            node = checked.get(key)
            if node is not None and not node.valid(item):
                return False
        return True

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for name, node in checked.items():
            if name in instance and not node.valid(instance[name]):
                found.extend(_under(node.errors(instance[name]), name, name))
        return found

    return check, collect


def _pattern_properties(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    pairs = [(pattern, compiler.node(sub)) for pattern, sub in value.items()]
    checked = [(pattern, compiler.regex(pattern), node) for pattern, node in pairs
               if not node.trivial]
    if not checked:
        return None

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for _, regex, node in checked:
            for key, item in instance.items():
                if regex.search(key) and not node.valid(item):
                    return False
        return True

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for pattern, regex, node in checked:
            for key, item in instance.items():
                if regex.search(key) and not node.valid(item):
                    found.extend(_under(node.errors(item), key, pattern))
        return found

    return check, collect


def _additional_properties(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    node = compiler.node(value)
    if node.trivial:
        return None
    known = schema.get("properties", {})
    joined = "|".join(schema.get("patternProperties", {}))  # as jsonschema matches them
    regex = compiler.regex(joined) if joined else None

    def extras(instance: dict[str, Any]) -> list[str]:
        return [key for key in instance
                if key not in known and not (regex is not None and regex.search(key))]

    if value is False:
        def refuse(instance: Any) -> bool:
            return not isinstance(instance, dict) or not extras(instance)

        def collect_extras(instance: Any) -> list[SchemaError]:
            return [SchemaError("additionalProperties", value, instance, schema,
                                extras(instance))]

        return refuse, collect_extras

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(node.valid(instance[key]) for key in extras(instance))

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for key in extras(instance):
            if not node.valid(instance[key]):
                found.extend(_under(node.errors(instance[key]), key, None))
        return found

    return check, collect


def _items(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    prefix = len(schema.get("prefixItems", []))
    node = compiler.node(value)
    if node.trivial:
        return None
    if value is False:
        return (lambda instance: not isinstance(instance, list) or len(instance) <= prefix,
                _error("items", value, schema, prefix))

    def check(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        return all(map(node.valid, instance[prefix:] if prefix else instance))

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for index in range(prefix, len(instance)):
            if not node.valid(instance[index]):
                found.extend(_under(node.errors(instance[index]), index, None))
        return found

    return check, collect


def _prefix_items(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    nodes = [compiler.node(sub) for sub in value]

    def check(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        return all(node.valid(item) for node, item in zip(nodes, instance, strict=False))

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for index, (node, item) in enumerate(zip(nodes, instance, strict=False)):
            if not node.valid(item):
                found.extend(_under(node.errors(item), index, index))
        return found

    return check, collect


def _required(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    names = list(value)
    if not names:
        return None
    needed = frozenset(names)

    def check(instance: Any) -> bool:
        return not isinstance(instance, dict) or instance.keys() >= needed

    def collect(instance: Any) -> list[SchemaError]:
        return [SchemaError("required", value, instance, schema, name)
                for name in names if name not in instance]

    return check, collect


def _dependent_required(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    def missing(instance: dict[str, Any]) -> list[tuple[str, str]]:
        return [(each, name) for name, needed in value.items() if name in instance
                for each in needed if each not in instance]

    def collect(instance: Any) -> list[SchemaError]:
        return [SchemaError("dependentRequired", value, instance, schema, pair)
                for pair in missing(instance)]

    return (lambda instance: not isinstance(instance, dict) or not missing(instance)), collect


def _property_names(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    node = compiler.node(value)
    if node.trivial:
        return None

    def check(instance: Any) -> bool:
        return not isinstance(instance, dict) or all(node.valid(key) for key in instance)

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for key in instance:
            if not node.valid(key):
                found.extend(node.errors(key))
        return found

    return check, collect


def _unique_items(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    if not value:
        return None
    return (lambda instance: not isinstance(instance, list) or _unique(instance),
            _error("uniqueItems", value, schema))


def _contains(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    node = compiler.node(value)
    return (lambda instance: not isinstance(instance, list)
            or any(node.valid(item) for item in instance)), _error("contains", value, schema)


def _enum(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    allowed = frozenset(_freeze(each) for each in value)
    return (lambda instance: _freeze(instance) in allowed), _error("enum", value, schema)


def _const(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    expected = _freeze(value)
    return (lambda instance: bool(_freeze(instance) == expected)), _error("const", value, schema)


def _pattern(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    regex = compiler.regex(value)
    return (lambda instance: not isinstance(instance, str) or regex.search(instance) is not None,
            _error("pattern", value, schema))


def _bound(keyword: str, holds: Callable[[Any, Any], bool]) -> Callable[..., Built]:
    def build(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
        return (lambda instance: not _is_number(instance) or holds(instance, value),
                _error(keyword, value, schema))
    return build


def _multiple(instance: Any, step: Any) -> bool:
    if isinstance(step, float):
        quotient = instance / step
        try:
            return bool(int(quotient) == quotient)
        except OverflowError:
            from fractions import Fraction

            return (Fraction(instance) / Fraction(step)).denominator == 1
    return not instance % step


def _count(keyword: str, kind: type[Sized], holds: Callable[[int, int], bool]
           ) -> Callable[..., Built]:
    def build(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
        return (lambda instance: not isinstance(instance, kind) or holds(len(instance), value),
                _error(keyword, value, schema))
    return build


def _all_of_keyword(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    nodes = [compiler.node(sub) for sub in value]

    def collect(instance: Any) -> list[SchemaError]:
        found: list[SchemaError] = []
        for index, node in enumerate(nodes):
            if not node.valid(instance):
                found.extend(_under(node.errors(instance), None, index))
        return found

    # Through ``node.valid`` each time: a node replaces its closures when it is built.
    return (lambda instance: all(node.valid(instance) for node in nodes)), collect


def _branch_errors(nodes: list[_Node], instance: Any) -> list[SchemaError]:
    found: list[SchemaError] = []
    for index, node in enumerate(nodes):
        found.extend(_under(node.errors(instance), None, index))
    return found


def _any_of(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    nodes = [compiler.node(sub) for sub in value]

    def collect(instance: Any) -> list[SchemaError]:
        return [SchemaError("anyOf", value, instance, schema,
                            context=_branch_errors(nodes, instance))]

    return (lambda instance: any(node.valid(instance) for node in nodes)), collect


def _one_of(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    nodes = [compiler.node(sub) for sub in value]

    def check(instance: Any) -> bool:
        passed = False
        for node in nodes:
            if node.valid(instance):
                if passed:
                    return False
                passed = True
        return passed

    def collect(instance: Any) -> list[SchemaError]:
        passing = [node.schema for node in nodes if node.valid(instance)]
        if not passing:
            return [SchemaError("oneOf", value, instance, schema,
                                context=_branch_errors(nodes, instance))]
        # jsonschema names the later valid branches, then the first one.
        return [SchemaError("oneOf", value, instance, schema, [*passing[1:], passing[0]])]

    return check, collect


def _not(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    node = compiler.node(value)
    return (lambda instance: not node.valid(instance)), _error("not", value, schema)


def _if(compiler: _Compiler, value: Any, schema: dict[str, Any]) -> Built:
    condition = compiler.node(value)
    then = compiler.node(schema["then"]) if "then" in schema else None
    otherwise = compiler.node(schema["else"]) if "else" in schema else None
    if then is None and otherwise is None:
        return None

    def branch(instance: Any) -> tuple[_Node | None, str]:
        return (then, "then") if condition.valid(instance) else (otherwise, "else")

    def check(instance: Any) -> bool:
        node, _ = branch(instance)
        return node is None or node.valid(instance)

    def collect(instance: Any) -> list[SchemaError]:
        node, name = branch(instance)
        return [] if node is None else _under(node.errors(instance), None, name)

    return check, collect


_BUILDERS: dict[str, Callable[[_Compiler, Any, dict[str, Any]], Built]] = {
    "type": _type,
    "$ref": _ref,
    "properties": _properties,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "items": _items,
    "prefixItems": _prefix_items,
    "required": _required,
    "dependentRequired": _dependent_required,
    "propertyNames": _property_names,
    "uniqueItems": _unique_items,
    "contains": _contains,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minimum": _bound("minimum", lambda number, limit: number >= limit),
    "maximum": _bound("maximum", lambda number, limit: number <= limit),
    "exclusiveMinimum": _bound("exclusiveMinimum", lambda number, limit: number > limit),
    "exclusiveMaximum": _bound("exclusiveMaximum", lambda number, limit: number < limit),
    "multipleOf": _bound("multipleOf", _multiple),
    "minItems": _count("minItems", list, lambda size, limit: size >= limit),
    "maxItems": _count("maxItems", list, lambda size, limit: size <= limit),
    "minLength": _count("minLength", str, lambda size, limit: size >= limit),
    "maxLength": _count("maxLength", str, lambda size, limit: size <= limit),
    "minProperties": _count("minProperties", dict, lambda size, limit: size >= limit),
    "maxProperties": _count("maxProperties", dict, lambda size, limit: size <= limit),
    "allOf": _all_of_keyword,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "not": _not,
    "if": _if,
}
_KNOWN = frozenset(_BUILDERS) | _INERT | {"then", "else"}


# -- messages (jsonschema's texts) ---------------------------------------------------------------

def _types_message(error: SchemaError) -> str:
    names = [error.validator_value] if isinstance(error.validator_value, str) \
        else error.validator_value
    return f"{error.instance!r} is not of type {', '.join(repr(name) for name in names)}"


def _additional_message(error: SchemaError) -> str:
    extras: list[str] = sorted(error._detail, key=str)
    if "patternProperties" in error.schema:
        verb = "does" if len(extras) == 1 else "do"
        patterns = ", ".join(repr(each) for each in sorted(error.schema["patternProperties"]))
        return (f"{', '.join(repr(each) for each in extras)} {verb} not match any of the "
                f"regexes: {patterns}")
    verb = "was" if len(extras) == 1 else "were"
    return f"Additional properties are not allowed ({', '.join(map(repr, extras))} {verb} " \
           "unexpected)"


def _items_message(error: SchemaError) -> str:
    prefix: int = error._detail
    extra = len(error.instance) - prefix
    rest = error.instance[prefix:] if extra != 1 else error.instance[prefix]
    item = "items" if prefix != 1 else "item"
    return f"Expected at most {prefix} {item} but found {extra} extra: {rest!r}"


def _branching_message(error: SchemaError) -> str:
    if error._detail is None:
        return f"{error.instance!r} is not valid under any of the given schemas"
    reprs = ", ".join(repr(schema) for schema in error._detail)
    return f"{error.instance!r} is valid under each of {reprs}"


def _sized(empty: str, short: str, one: int) -> Callable[[SchemaError], str]:
    def message(error: SchemaError) -> str:
        return f"{error.instance!r} {empty if error.validator_value == one else short}"
    return message


def _text(template: str) -> Callable[[SchemaError], str]:
    return lambda error: template.format(i=error.instance, v=error.validator_value,
                                         d=error._detail)


_MESSAGES: dict[str, Callable[[SchemaError], str]] = {
    "type": _types_message,
    "additionalProperties": _additional_message,
    "items": _items_message,
    "oneOf": _branching_message,
    "anyOf": _branching_message,
    "required": _text("{d!r} is a required property"),
    "dependentRequired": lambda error: "{!r} is a dependency of {!r}".format(*error._detail),
    "uniqueItems": _text("{i!r} has non-unique elements"),
    "contains": _text("{i!r} does not contain items matching the given schema"),
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


# -- what the schema uses ------------------------------------------------------------------------

def _bad_value(keyword: str, value: Any, root: Any) -> bool:
    """Whether a keyword's value has a shape this module does not handle."""
    if keyword == "type":
        names = [value] if isinstance(value, str) else value
        return not isinstance(names, list) or not names or any(
            name not in _TYPE_NAMES for name in names)
    if keyword == "$ref":
        try:
            resolve_pointer(root, value)
        except (KeyError, AttributeError):
            return True
        return False
    if keyword == "$schema":
        return not isinstance(value, str) or "2020-12" not in value
    if keyword in _NUMBERS:
        return not _is_number(value) or (keyword == "multipleOf" and value <= 0)
    if keyword in _COUNTS:
        return not isinstance(value, int) or isinstance(value, bool) or value < 0
    if keyword in ("required", "enum"):
        return not isinstance(value, list)
    if keyword == "pattern":
        return not isinstance(value, str)
    if keyword == "uniqueItems":
        return not isinstance(value, bool)
    if keyword == "dependentRequired":
        return not isinstance(value, dict) or not all(
            isinstance(names, list) for names in value.values())
    return False


def unsupported_keywords(root: Any) -> tuple[str, ...]:
    """The keywords (or keyword values) of ``root`` this module cannot validate, sorted."""
    found: set[str] = set()
    pending = [(root, True)]
    seen: set[int] = set()
    while pending:
        schema, at_root = pending.pop()
        if isinstance(schema, bool):
            continue
        if not isinstance(schema, dict):
            found.add("(a schema that is not an object or a boolean)")
            continue
        if id(schema) in seen:
            continue
        seen.add(id(schema))
        for keyword, value in schema.items():
            if keyword not in _KNOWN or (keyword == "$id" and not at_root):
                found.add(keyword)
            elif _bad_value(keyword, value, root):
                found.add(f"{keyword}: {value!r}")
            elif keyword in _SCHEMA_MAPS:
                if isinstance(value, dict):
                    pending.extend((sub, False) for sub in value.values())
                else:
                    found.add(f"{keyword}: {value!r}")
            elif keyword in _SCHEMA_LISTS:
                if isinstance(value, list):
                    pending.extend((sub, False) for sub in value)
                else:
                    found.add(f"{keyword}: {value!r}")
            elif keyword in _SCHEMA_ONE:
                pending.append((value, False))
    return tuple(sorted(found))


class SchemaValidator:
    """A compiled schema; ``iter_errors`` as jsonschema's validators have it."""

    __slots__ = ("_root", "schema", "unsupported")

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.unsupported = unsupported_keywords(schema)
        self._root = _Compiler(schema).node(schema)

    def is_valid(self, instance: Any) -> bool:
        self._refuse_unsupported()
        return self._root.valid(instance)

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        self._refuse_unsupported()
        if not self._root.valid(instance):
            yield from self._root.errors(instance)

    def _refuse_unsupported(self) -> None:
        if self.unsupported:
            raise UnsupportedSchemaError(
                f"unsupported schema keywords: {', '.join(self.unsupported)}")
