"""The compose schema check (jsonschema-rs, adapted) against jsonschema as the oracle.

Keyword by keyword, on the fixtures and examples, and on generated mutations of valid
compose documents: the raw errors (keyword, place, jsonschema's message) and the problems
``validate_tree`` makes of them must be the same with either validator.
"""

from __future__ import annotations

import copy
import functools
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from linter.compose import schema as compose_schema
from linter.compose.loader import load_compose_text
from linter.compose.nodes import MappingNode
from linter.compose.schema import RsValidator
from linter.compose.substitute import interpolate_tree

ROOT = Path(__file__).resolve().parent.parent


# -- helpers ---------------------------------------------------------------------------------


def flat(errors: Iterable[Any], branch: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every error, context children included (with their branch), as comparable tuples,
    sorted: the two validators report the same errors in different orders."""
    rows: list[tuple[Any, ...]] = []
    for error in errors:
        rows.append((branch, error.validator, tuple(error.absolute_path), error.message))
        for child in error.context or ():
            rows.extend(flat([child], (*branch, child.schema_path[0])))
    return sorted(rows, key=repr)


def agree(schema: Any, instance: Any) -> list[tuple[Any, ...]]:
    """The adapter's errors for ``instance``, after checking jsonschema finds the same ones."""
    ours = flat(RsValidator(schema).iter_errors(instance))
    theirs = flat(Draft202012Validator(schema).iter_errors(instance))
    assert ours == theirs
    return ours


# -- keywords ----------------------------------------------------------------------------------

# (schema, instances it accepts, instances it refuses)
KEYWORD_CASES: list[tuple[Any, list[Any], list[Any]]] = [
    ({"type": "integer"}, [1, 1.0, -3, 2**70], [True, False, "1", 1.5, None, [1]]),
    ({"type": "number"}, [1, 1.5, 0.0], [True, "1", None]),
    ({"type": "boolean"}, [True, False], [0, 1, "true", None]),
    ({"type": "null"}, [None], [0, False, "", []]),
    ({"type": "string"}, ["", "x"], [1, None, ["x"]]),
    ({"type": "array"}, [[], [1]], [{}, "[]", (1, 2).__class__.__name__]),
    ({"type": "object"}, [{}, {"a": 1}], [[], "x", None]),
    ({"type": ["string", "integer"]}, ["x", 3, 3.0], [True, 3.5, None]),
    (
        {"enum": [1, "a", [1, 2], {"a": 1}, None]},
        [1, 1.0, "a", [1.0, 2], {"a": 1.0}, None],
        [True, "1", [True, 2], {"a": True}, {}, False],
    ),
    ({"enum": [False, 0.5]}, [False, 0.5], [0, True, "False"]),
    ({"const": True}, [True], [1, 1.0, "true"]),
    ({"const": 0}, [0, 0.0, -0.0], [False, None, "0"]),
    ({"const": {"a": [1, {"b": None}]}}, [{"a": [1.0, {"b": None}]}], [{"a": [True, {"b": None}]}]),
    (
        {"uniqueItems": True},
        [[1, True], [0, False], ["1", 1], [[1], [True]], [{"a": 1}, {"a": True}], [], "x"],
        [[1, 1.0], [[1], [1.0]], [{"a": 1}, {"a": 1.0}], ["x", "y", "x"], [None, None]],
    ),
    ({"uniqueItems": False}, [[1, 1]], []),
    ({"required": ["a", "b"]}, [{"a": 1, "b": 2}, [], "x"], [{}, {"a": 1}, {"b": 1, "c": 2}]),
    (
        {"properties": {"a": {"type": "string"}, "b": True}},
        [{}, {"a": "x", "b": 5}, 5],
        [{"a": 1}, {"a": None, "b": 1}],
    ),
    (
        {"patternProperties": {"^x-": {"type": "integer"}, "y$": {"minimum": 3}}},
        [{"x-a": 1, "ay": 3, "b": "z"}],
        [{"x-a": "1"}, {"ay": 2}, {"x-y": 2}],
    ),
    ({"properties": {"a": {}}, "additionalProperties": False}, [{"a": 1}, {}], [{"b": 1}]),
    (
        {"properties": {"a": {}}, "patternProperties": {"^x-": {}}, "additionalProperties": False},
        [{"a": 1, "x-b": 2}],
        [{"b": 1}, {"b": 1, "a": 1}],
    ),
    (
        {"properties": {"a": {}}, "additionalProperties": {"type": "string"}},
        [{"a": 1, "b": "x"}],
        [{"b": 1}],
    ),
    ({"items": {"type": "string"}}, [[], ["a", "b"], "no"], [["a", 1], [None]]),
    (
        {"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False},
        [[], ["a"], ["a", 1]],
        [[1], ["a", "b"], ["a", 1, 2], ["a", 1, 2, 3]],
    ),
    (
        {"prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
        [["a", 1, 2]],
        [["a", "b"], [1]],
    ),
    ({"contains": {"type": "integer"}}, [[1], ["a", 2], {}], [[], ["a"], [True]]),
    ({"minItems": 1}, [[1]], [[]]),
    ({"minItems": 2, "maxItems": 3}, [[1, 2]], [[1], [1, 2, 3, 4]]),
    ({"maxItems": 0}, [[]], [[1]]),
    ({"minLength": 1}, ["a"], [""]),
    ({"minLength": 2, "maxLength": 3}, ["ab", "é€"], ["a", "abcd"]),
    ({"maxLength": 0}, [""], ["a"]),
    ({"minProperties": 1}, [{"a": 1}], [{}]),
    (
        {"minProperties": 2, "maxProperties": 2},
        [{"a": 1, "b": 2}],
        [{"a": 1}, dict.fromkeys("abc")],
    ),
    ({"maxProperties": 0}, [{}], [{"a": 1}]),
    ({"minimum": 1}, [1, 1.5, "0", True], [0, 0.5, -1]),
    ({"maximum": 65535}, [65535, False], [65536, 1e10]),
    ({"exclusiveMinimum": 0}, [0.1, 1], [0, -1]),
    ({"exclusiveMaximum": 10}, [9.9], [10, 11]),
    ({"multipleOf": 3}, [0, 9, -3, 6.0], [4, 4.5]),
    ({"multipleOf": 0.5}, [1.5, 2], [1.2]),
    ({"pattern": "^[a-z]+$"}, ["abc", 5], ["ABC", "a1"]),
    ({"pattern": "b"}, ["abc"], ["ac"]),  # search, not match
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}], [{"Ab": 1}, {"a": 1, "1": 2}]),
    (
        {"dependentRequired": {"a": ["b", "c"]}},
        [{"b": 1}, {"a": 1, "b": 1, "c": 1}],
        [{"a": 1}, {"a": 1, "b": 1}],
    ),
    ({"not": {"type": "string"}}, [1, None], ["x"]),
    (
        {"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 0}},
        ["ab", 3],
        ["a", -1],
    ),
    ({"if": {"type": "string"}, "then": {"minLength": 2}}, ["ab", -1], ["a"]),
    ({"allOf": [{"type": "integer"}, {"minimum": 2}]}, [2], [1, "x", 1.5]),
    ({"anyOf": [{"type": "string"}, {"minimum": 2}]}, ["x", 3], [1]),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, ["x", 1], [None, 1.5]),
    ({"oneOf": [{"type": "number"}, {"type": "integer"}, {"minimum": 5}]}, [1.5], [1, 7.0]),
    (
        {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"a": {"enum": [1]}}}]},
        ["x", {"a": 1}],
        [{"a": 2}, []],
    ),
    (True, [1, None, {}], []),
    (False, [], [1, None, {}]),
    (
        {
            "$defs": {"port": {"type": "integer", "maximum": 9}},
            "properties": {
                "p": {"$ref": "#/$defs/port"},
                "q": {"$ref": "#/$defs/port", "minimum": 2},
            },
        },
        [{"p": 1, "q": 2}],
        [{"p": 10}, {"q": 1}, {"q": "x"}],
    ),
    (
        {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#"}}},
            "required": ["name"],
        },
        [{"name": 1, "children": [{"name": 2, "children": []}]}],
        [{"name": 1, "children": [{"children": [{"name": 3}, {}]}]}],
    ),
    (
        {
            "description": "d",
            "title": "t",
            "default": 1,
            "deprecated": True,
            "examples": [1],
            "$comment": "c",
            "format": "email",
        },
        ["not an email", 1],
        [],
    ),
]


# Keywords that only annotate, and those the adapter must render as jsonschema does: every
# keyword of the compose schema (checked below), so a schema that starts using another one
# fails here before it reports a message unlike jsonschema's.
ANNOTATIONS = {
    "$defs",
    "$id",
    "$schema",
    "$comment",
    "title",
    "description",
    "default",
    "deprecated",
    "examples",
    "format",
}
ADAPTED = {
    "$ref",
    "type",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "required",
    "uniqueItems",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
}


def _keywords(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, list):
        for item in schema:
            found |= _keywords(item)
    elif isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            if key in ("properties", "patternProperties", "$defs"):
                for sub in value.values():
                    found |= _keywords(sub)
            elif key not in ("enum", "required", "default", "examples"):
                found |= _keywords(value)
    return found


def test_the_adapter_covers_every_keyword_of_the_compose_schema() -> None:
    rewritten = compose_schema._without_unevaluated(compose_schema.load_schema())
    assert _keywords(rewritten) - ANNOTATIONS <= ADAPTED


COMPOSE_KEYWORD_CASES = [
    case for case in KEYWORD_CASES if _keywords(case[0]) - ANNOTATIONS <= ADAPTED
]


@pytest.mark.parametrize(
    ("schema", "accepted", "refused"),
    COMPOSE_KEYWORD_CASES,
    ids=[str(case[0])[:60] for case in COMPOSE_KEYWORD_CASES],
)
def test_keyword(schema: Any, accepted: list[Any], refused: list[Any]) -> None:
    for instance in accepted:
        assert agree(schema, instance) == [], instance
    for instance in refused:
        assert agree(schema, instance) != [], instance


def test_a_false_subschema_error_is_at_the_value_it_refuses() -> None:
    rows = flat(RsValidator({"properties": {"c": False}}).iter_errors({"c": 1}))
    assert rows == [((), None, ("c",), "False schema does not allow 1")]


def test_messages_are_jsonschema_s() -> None:
    def messages(schema: dict[str, Any], instance: Any) -> list[str]:
        return [error.message for error in RsValidator(schema).iter_errors(instance)]

    assert messages({"required": ["image"]}, {}) == ["'image' is a required property"]
    assert messages({"enum": ["a", "b"]}, "x") == ["'x' is not one of ['a', 'b']"]
    assert messages({"minimum": 1}, 0) == ["0 is less than the minimum of 1"]
    assert messages({"pattern": "^a$"}, "x") == ["'x' does not match '^a$'"]
    assert messages({"type": ["string", "null"]}, 1) == ["1 is not of type 'string', 'null'"]
    assert messages({"properties": {}, "additionalProperties": False}, {"b": 1, "a": 2}) == [
        "Additional properties are not allowed ('a', 'b' were unexpected)"
    ]
    assert messages({"oneOf": [{}, {"type": "integer"}]}, 1) == [
        "1 is valid under each of {'type': 'integer'}, {}"
    ]


def test_error_fields_match_what_validate_tree_reads() -> None:
    schema = {"properties": {"p": {"oneOf": [{"type": "string"}, {"required": ["a"]}]}}}
    (error,) = RsValidator(schema).iter_errors({"p": {"b": 1}})
    assert (
        error.validator == "oneOf" and error.validator_value is schema["properties"]["p"]["oneOf"]
    )
    assert error.schema is schema["properties"]["p"] and error.instance == {"b": 1}
    assert list(error.absolute_path) == ["p"]
    assert list(error.schema_path) == ["properties", "p", "oneOf"]
    first, second = error.context
    assert (first.validator, list(first.schema_path), list(first.absolute_path)) == (
        "type",
        [0, "type"],
        ["p"],
    )
    assert (second.validator, list(second.schema_path)) == ("required", [1, "required"])


def test_errors_of_referenced_schemas_read_the_referenced_object() -> None:
    schema = {
        "$defs": {"port": {"type": "integer", "maximum": 9}},
        "properties": {"p": {"$ref": "#/$defs/port"}},
    }
    (error,) = RsValidator(schema).iter_errors({"p": 10})
    assert (error.validator, error.validator_value) == ("maximum", 9)
    assert error.schema is schema["$defs"]["port"]


# -- the oracle: validate_tree and the raw errors agree with jsonschema's ---------------------


@functools.lru_cache(maxsize=1)
def backends() -> tuple[Any, Any]:
    """The validator schema.py uses, and jsonschema's, on the same (rewritten) schema."""
    rewritten = compose_schema._without_unevaluated(compose_schema.load_schema())
    return compose_schema.validator(), Draft202012Validator(rewritten)


def check_agreement(root: MappingNode) -> None:
    ours, oracle = backends()
    assert compose_schema.problems_with(ours, root) == compose_schema.problems_with(oracle, root)
    interpolated, _ = interpolate_tree(root, {"X": "1"})
    assert compose_schema.problems_with(ours, interpolated) == compose_schema.problems_with(
        oracle, interpolated
    )
    check_raw(root)


def check_raw(root: MappingNode) -> None:
    from linter.compose.nodes import to_python

    ours, oracle = backends()
    data = to_python(root)
    assert flat(ours.iter_errors(data)) == flat(oracle.iter_errors(data))


def compose_texts() -> list[Any]:
    params = []
    for fixture in sorted((ROOT / "fixtures").glob("DC*.yaml")):
        data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
        for index, case in enumerate(data.get("cases", [])):
            for name, text in case.get("files", {}).items():
                if str(name).endswith((".yaml", ".yml")) and isinstance(text, str):
                    params.append(pytest.param(name, text, id=f"{fixture.stem}-{index}-{name}"))
    for project_file in sorted((ROOT / "fixtures" / "realistic").rglob("compose.yaml")):
        params.append(
            pytest.param(
                project_file.name,
                project_file.read_text(encoding="utf-8"),
                id=f"realistic/{project_file.parent.name}",
            )
        )
    for example in sorted((ROOT / "examples").rglob("*.y*ml")):
        params.append(
            pytest.param(
                example.name,
                example.read_text(encoding="utf-8"),
                id=f"examples/{example.relative_to(ROOT / 'examples')}",
            )
        )
    return params


COMPOSE_TEXTS = compose_texts()


def test_the_fixtures_are_many_and_some_are_invalid() -> None:
    assert len(COMPOSE_TEXTS) > 300
    ours = backends()[0]
    invalid = 0
    for param in COMPOSE_TEXTS:
        root = load_compose_text(param.values[1], param.values[0]).root
        if isinstance(root, MappingNode):
            invalid += bool(compose_schema.problems_with(ours, root))
    assert invalid >= 5  # DC002 (schema-violation) cases; the mutations below make many more


@pytest.mark.parametrize(("name", "text"), COMPOSE_TEXTS)
def test_fixture_files_agree_with_jsonschema(name: str, text: str) -> None:
    root = load_compose_text(text, name).root
    if isinstance(root, MappingNode):
        check_agreement(root)


# Valid documents to mutate: every section, both shapes of the values that have two.
BASES: list[dict[str, Any]] = [
    {
        "name": "demo",
        "services": {
            "web": {
                "image": "nginx:1.27",
                "build": {
                    "context": ".",
                    "dockerfile": "Dockerfile",
                    "args": {"A": "1"},
                    "target": "prod",
                    "cache_from": ["a", "b"],
                },
                "ports": [
                    "80:80",
                    443,
                    {"target": 8080, "published": "8080", "protocol": "tcp", "mode": "host"},
                ],
                "environment": {"A": "1", "B": 2, "C": None},
                "depends_on": {"db": {"condition": "service_healthy", "restart": True}},
                "healthcheck": {"test": ["CMD", "true"], "interval": "5s", "retries": 3},
                "volumes": [
                    "data:/data",
                    {"type": "bind", "source": ".", "target": "/app", "read_only": True},
                ],
                "networks": {"front": {"aliases": ["w"]}, "back": None},
                "restart": "unless-stopped",
                "deploy": {
                    "replicas": 2,
                    "resources": {"limits": {"cpus": "0.5", "memory": "50M"}},
                    "restart_policy": {"condition": "on-failure"},
                },
                "logging": {"driver": "json-file", "options": {"max-size": "1m"}},
                "ulimits": {"nofile": {"soft": 1024, "hard": 2048}, "nproc": 512},
                "secrets": ["token", {"source": "key", "target": "k", "mode": 0o440}],
                "cap_drop": ["ALL"],
                "x-note": {"anything": [1, 2]},
            },
            "db": {
                "image": "postgres:16",
                "command": ["postgres", "-c", "fsync=off"],
                "environment": ["POSTGRES_DB=app", "TZ=UTC"],
                "depends_on": ["cache"],
                "networks": ["back"],
                "extends": {"service": "base", "file": "base.yaml"},
                "extra_hosts": ["host:10.0.0.1"],
                "sysctls": {"net.core.somaxconn": 1024},
                "labels": ["a=b"],
                "dns": "8.8.8.8",
            },
            "cache": {
                "image": "redis:7",
                "build": ".",
                "expose": ["6379"],
                "tmpfs": "/tmp",
                "user": "1000:1000",
                "read_only": True,
            },
        },
        "networks": {
            "front": {},
            "back": {
                "internal": True,
                "driver": "bridge",
                "ipam": {"config": [{"subnet": "10.0.0.0/24"}]},
            },
        },
        "volumes": {"data": {"driver": "local"}, "ext": {"external": True}},
        "secrets": {"token": {"file": "./token"}, "key": {"environment": "KEY"}},
        "configs": {"conf": {"content": "x"}},
        "include": ["other.yaml", {"path": ["a.yaml"], "project_directory": "."}],
        "x-common": {"restart": "always"},
    },
    {
        "services": {
            "job": {
                "image": "busybox",
                "entrypoint": "sh -c",
                "profiles": ["debug"],
                "init": True,
                "stop_grace_period": "10s",
                "develop": {"watch": [{"path": "./src", "action": "sync", "target": "/src"}]},
                "devices": ["/dev/fuse"],
                "env_file": [".env", {"path": "x.env", "required": False}],
            }
        }
    },
]

WORDS = st.sampled_from(
    [
        "",
        "x",
        "80:80",
        "always",
        "service_started",
        "started",
        "bind",
        "host",
        "tcp",
        "sync",
        "1m",
        "ALL",
        "true",
        "0",
        "bad name",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 70000) | st.sampled_from([1.0, 0.5, -1.5]) | WORDS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["a", "image", "target", "x-a", "condition", "path"]), inner, max_size=3
        )
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    [
        "imgae",
        "image",
        "ports",
        "x-extra",
        "bogus",
        "context",
        "condition",
        "target",
        "driver",
        "external",
        "bad name",
        "9",
        "services",
    ]
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_places(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_places(item, (*path, index)))
    return found


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _mutate(doc: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_places(doc)))
    target = _at(doc, path)
    parent = _at(doc, path[:-1]) if path else None
    action = data.draw(st.sampled_from(["replace", "word", "key", "repeat", "delete", "wrap"]))
    if action == "replace" and parent is not None:
        parent[path[-1]] = data.draw(JSON_VALUES)
    elif action == "word" and parent is not None and isinstance(target, str):
        # Another word where a word was: bad enum values and patterns.
        parent[path[-1]] = data.draw(WORDS)
    elif action == "key" and isinstance(target, dict):
        target[data.draw(KEYS)] = data.draw(JSON_VALUES)
    elif action == "repeat" and isinstance(target, list) and target:
        target.append(copy.deepcopy(data.draw(st.sampled_from(target))))
    elif action == "delete" and isinstance(target, dict) and target:
        del target[data.draw(st.sampled_from(sorted(target)))]
    elif action == "wrap" and parent is not None:
        # The other branch's shape: a list where a mapping was, and the reverse.
        parent[path[-1]] = {"a": target} if isinstance(target, list) else [target]


def test_the_bases_are_valid() -> None:
    for base in BASES:
        assert list(backends()[1].iter_errors(base)) == []
        assert list(backends()[0].iter_errors(base)) == []


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_documents_agree_with_jsonschema(data: st.DataObject) -> None:
    doc = copy.deepcopy(data.draw(st.sampled_from(BASES)))
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(doc, data)
    text = yaml.safe_dump(doc, sort_keys=False)
    root = load_compose_text(text, "compose.yaml").root
    assert isinstance(root, MappingNode)
    check_agreement(root)
    # Straight from the data too (no YAML round trip).
    ours, oracle = backends()
    assert flat(ours.iter_errors(doc)) == flat(oracle.iter_errors(doc))


def test_validating_a_file_does_not_import_jsonschema() -> None:
    code = (
        "import sys\n"
        "from linter.compose.loader import load_compose_text\n"
        "from linter.compose.schema import validate_tree\n"
        "root = load_compose_text('services:\\n  a:\\n    image: [1]\\n', 'c.yaml').root\n"
        "print(len(validate_tree(root)), 'jsonschema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]
