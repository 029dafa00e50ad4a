"""The compose loader: positions, compose's scalar reading, duplicates, aliases, limits."""

from __future__ import annotations

import time

import pytest

from linter.compose.loader import MAX_NODES, load_compose_text
from linter.compose.model import ComposeFile
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode, to_python
from linter.diagnostics import Span


def load(text: str) -> ComposeFile:
    return load_compose_text(text, "compose.yaml")


def kinds(result: ComposeFile) -> list[str]:
    return [problem.kind for problem in result.problems]


def value_of(result: ComposeFile, *keys: str) -> ScalarNode:
    node: Node | None = result.root
    for key in keys:
        assert isinstance(node, MappingNode)
        node = node.get(key)
    assert isinstance(node, ScalarNode)
    return node


def test_positions_of_keys_and_values_are_one_based_end_exclusive() -> None:
    result = load("services:\n  web:\n    image: 'nginx:1.27'\n")
    web = result.root.get("services")  # type: ignore[union-attr]
    assert isinstance(web, MappingNode)
    pair = web.get("web").pair("image")  # type: ignore[union-attr]
    assert pair is not None
    assert pair.key.span == Span.of(3, 5, 3, 10)
    assert pair.value.span == Span.of(3, 12, 3, 24)
    assert isinstance(pair.value, ScalarNode)
    assert pair.value.style == "single" and pair.value.text == "nginx:1.27"
    assert result.problems == ()


def test_columns_count_characters_not_bytes() -> None:
    result = load("x-é: héllo\nb: c\n")
    pair = result.root.pair("b")  # type: ignore[union-attr]
    assert pair is not None and pair.key.span.start.column == 1
    value = value_of(result, "x-é")
    assert value.span == Span.of(1, 6, 1, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("80:80", "80:80"),
        ("22:22", "22:22"),
        ("1.5", 1.5),
        ("0o17", 15),
        ("0x1F", 31),
        ("0755", 493),
        ("1_000", 1000),
        ("-3", -3),
        ("+7", 7),
        ("08", 8.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("nginx", "nginx"),
        ("2001-12-14", "2001-12-14"),
        ("12345678901234567890", 12345678901234567890),
        ("1.2.3", "1.2.3"),
    ],
)
def test_plain_scalars_are_read_like_compose_yaml_v3(text: str, expected: object) -> None:
    assert value_of(load(f"a: {text}\n"), "a").value == expected


def test_quoted_and_block_scalars_are_strings_with_their_style() -> None:
    result = load('a: "1"\nb: \'true\'\nc: |\n  x\nd: >\n  y\ne: !!str 5\nf: !!int "7"\n')
    assert [value_of(result, key).style for key in "abcd"] == [
        "double",
        "single",
        "literal",
        "folded",
    ]
    assert value_of(result, "a").value == "1"
    assert value_of(result, "b").value == "true"
    assert value_of(result, "c").value == "x\n"
    assert value_of(result, "e").value == "5"
    assert value_of(result, "f").value == 7


def test_keys_are_strings() -> None:
    result = load("1: a\ntrue: b\n")
    assert to_python(result.root) == {"1": "a", "true": "b"}  # type: ignore[arg-type]


def test_every_duplicate_key_is_reported_and_the_last_value_kept() -> None:
    result = load("services:\n  web:\n    image: a\n    image: b\n    image: c\n  web:\n    x: 1\n")
    dups = [p for p in result.problems if p.kind == "duplicate-key"]
    assert [(p.span.start.line, p.span.start.column) for p in dups] == [(4, 5), (5, 5), (6, 3)]
    assert "line 3" in dups[0].message and "line 4" in dups[1].message
    assert "line 2" in dups[2].message
    assert to_python(result.root) == {"services": {"web": {"x": 1}}}  # type: ignore[arg-type]


def test_merge_keys_single_and_list_keep_their_spans() -> None:
    text = (
        "x-a: &a\n  restart: always\n  image: a\n"
        "x-b: &b\n  image: b\n  user: bob\n"
        "services:\n  web:\n    <<: [*a, *b]\n    image: mine\n"
        "  db:\n    <<: *b\n"
    )
    result = load(text)
    assert result.problems == ()
    services = result.root.get("services")  # type: ignore[union-attr]
    assert isinstance(services, MappingNode)
    web = services.get("web")
    assert isinstance(web, MappingNode)
    assert to_python(web) == {"restart": "always", "user": "bob", "image": "mine"}
    restart = web.pair("restart")
    assert restart is not None and restart.merged and restart.key.span.start.line == 2
    image = web.pair("image")
    assert image is not None and not image.merged and image.key.span.start.line == 10
    db = services.get("db")
    assert isinstance(db, MappingNode)
    assert to_python(db) == {"image": "b", "user": "bob"}


def test_aliases_resolve_to_the_anchored_node() -> None:
    result = load("x-env: &env\n  A: 1\nservices:\n  a:\n    environment: *env\n")
    services = result.root.get("services")  # type: ignore[union-attr]
    env = services.get("a").get("environment")  # type: ignore[union-attr]
    assert isinstance(env, MappingNode) and env.span.start.line == 1  # at the anchor
    key = env.pair("A")
    assert key is not None and key.key.span.start.line == 2 and not key.merged


def test_bad_merge_value_is_a_problem() -> None:
    result = load("a: &s hello\nb:\n  <<: *s\n")
    assert kinds(result) == ["syntax"]


def test_alias_bomb_is_reported_fast_and_never_expanded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    result = load("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0
    assert kinds(result) == ["alias-limit"]
    assert result.root is None
    assert str(MAX_NODES) in result.problems[0].message


def test_merge_key_bomb_is_reported() -> None:
    lines = ["a: &a {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1, k9: 1}"]
    for level in range(1, 8):
        name, previous = f"l{level}", ("a" if level == 1 else f"l{level - 1}")
        items = ", ".join(f"m{i}: *{previous}" for i in range(10))
        lines.append(f"{name}: &{name} {{{items}}}")
    result = load("\n".join(lines) + "\n")
    assert kinds(result) == ["alias-limit"]


def test_recursive_alias_is_reported() -> None:
    result = load("a: &x [1, *x]\n")
    assert kinds(result) == ["alias-limit"] and result.root is None


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    result = load("a: " + "[" * 5000)
    assert kinds(result) == ["alias-limit"]
    result = load("a: " + "[" * 300 + "]" * 300 + "\n")
    assert kinds(result) == ["alias-limit"]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a: [b\n", 1, 4), ("a: b\n  c: d\n", 2, 4), ("a:\n  - b\n c: d\n", 3, 2)],
)
def test_syntax_errors_point_at_the_yaml_error_mark(text: str, line: int, column: int) -> None:
    result = load(text)
    assert kinds(result) == ["syntax"] and result.root is None
    assert (result.problems[0].span.start.line, result.problems[0].span.start.column) == (
        line,
        column,
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n", "just text\n", "a: *nope\n"])
def test_empty_non_mapping_or_broken_files_are_problems(text: str) -> None:
    result = load(text)
    assert result.root is None and kinds(result) == ["syntax"]


def test_control_character_is_reported_at_its_place() -> None:
    result = load("a: b\nc: \x07\n")
    assert kinds(result) == ["syntax"]
    assert result.problems[0].span.start == Span.of(2, 4, 2, 4).start


def test_several_documents_are_merged_in_order() -> None:
    result = load("services:\n  a:\n    image: x\n---\nservices:\n  a:\n    user: u\n")
    assert to_python(result.root) == {  # type: ignore[arg-type]
        "services": {"a": {"image": "x", "user": "u"}},
    }
    user = value_of(result, "services", "a", "user")
    assert user.span.start.line == 7


@pytest.mark.parametrize(
    ("value", "trap"),
    [
        ("yes", True),
        ("Off", True),
        ("n", False),
        ("Y", False),
        ("22:22", True),
        ("1:20:30", True),
        ("0755", True),
        ("80:80", False),
        ("'yes'", False),
        ("true", False),
        ("0", False),
        ("0o755", False),
        ("8080", False),
        ("127.0.0.1:80:80", False),
    ],
)
def test_yaml11_traps(value: str, trap: bool) -> None:
    result = load(f"a: {value}\n")
    assert kinds(result) == (["yaml11"] if trap else [])
    if trap:
        assert result.problems[0].span == Span.of(1, 4, 1, 4 + len(value))


def test_aliased_trap_reported_once() -> None:
    result = load("a: &v yes\nb: *v\nc: *v\n")
    assert kinds(result) == ["yaml11"]


def test_tree_nodes_carry_the_path_given() -> None:
    result = load_compose_text("a:\n  - b\n", "sub/dir/compose.yaml")
    seq = result.root.get("a")  # type: ignore[union-attr]
    assert isinstance(seq, SequenceNode) and seq.path == "sub/dir/compose.yaml"
    assert seq.items[0].path == "sub/dir/compose.yaml"


def test_three_hundred_line_file_loads_cleanly() -> None:
    # Timing is measured by hand (DESIGN: no timed tests); here only the result.
    service = (
        "  svc{i}:\n    image: nginx:1.{i}\n    ports:\n      - '80{i:02d}:80'\n"
        "    environment:\n      A: '1'\n"
    )
    text = "services:\n" + "".join(service.format(i=i) for i in range(50))
    assert text.count("\n") >= 300
    result = load(text)
    assert result.problems == ()
    services = result.root.get("services")  # type: ignore[union-attr]
    assert isinstance(services, MappingNode) and len(services.pairs) == 50
