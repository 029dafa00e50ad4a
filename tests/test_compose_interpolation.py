"""Interpolation of compose values, .env parsing, and interpolation of whole trees."""

from __future__ import annotations

import pytest

from linter.compose.dotenv import parse_dotenv
from linter.compose.interpolation import find_variables, interpolate
from linter.compose.loader import load_compose_text
from linter.compose.nodes import MappingNode, ScalarNode, to_python
from linter.compose.substitute import interpolate_tree
from linter.diagnostics import Span

ENV = {"SET": "value", "EMPTY": "", "PORT": "8080"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$SET", "value"),
        ("${SET}", "value"),
        ("x${SET}y", "xvaluey"),
        ("$SET.txt", "value.txt"),
        ("$UNSET", ""),
        ("${UNSET}", ""),
        ("${UNSET:-d}", "d"),
        ("${EMPTY:-d}", "d"),
        ("${SET:-d}", "value"),
        ("${UNSET-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${SET-d}", "value"),
        ("${SET:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${UNSET:+alt}", ""),
        ("${SET+alt}", "alt"),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        ("${UNSET:-${SET}}", "value"),
        ("${UNSET:-${ALSO:-deep}}", "deep"),
        ("${UNSET:-a ${PORT} b}", "a 8080 b"),
        ("${UNSET:-}", ""),
        ("$$", "$"),
        ("$$SET", "$SET"),
        ("$${SET}", "${SET}"),
        ("$$$SET", "$value"),
        ("cost: 5$", "cost: 5$"),
        ("$ 1", "$ 1"),
        ("$1", "$1"),
        ("a$-b", "a$-b"),
        ("${set}", ""),
        ("$_x", ""),
    ],
)
def test_interpolate(text: str, expected: str) -> None:
    value, issues = interpolate(text, ENV)
    assert value == expected
    assert issues == []


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("${", 0, 2),
        ("x ${VAR", 2, 7),
        ("${}", 0, 3),
        ("a${VAR:}b", 1, 8),
        ("${1abc}", 0, 7),
        ("${VAR x}", 0, 8),
        ("${A:-${}}", 5, 8),
        ("${VAR!}", 0, 7),
    ],
)
def test_malformed_expressions_have_offsets(text: str, start: int, end: int) -> None:
    _, issues = interpolate(text, ENV)
    assert [(i.kind, i.start, i.end) for i in issues] == [("syntax", start, end)]


def test_required_variables_are_recorded_not_fatal() -> None:
    value, issues = interpolate("a${UNSET:?must be set}b${EMPTY?x}${EMPTY:?y}", ENV)
    assert value == "ab"
    assert [(i.kind, i.start) for i in issues] == [("required", 1), ("required", 33)]
    assert "must be set" in issues[0].message
    assert interpolate("${SET:?x}", ENV) == ("value", [])


def test_required_inside_unused_default_is_not_recorded() -> None:
    assert interpolate("${SET:-${UNSET:?no}}", ENV) == ("value", [])


def test_find_variables() -> None:
    found = find_variables("$A ${B:-${C}} $$D ${E:?err}")
    assert [(v.name, v.start, v.operator) for v in found] == [
        ("A", 0, None),
        ("B", 3, ":-"),
        ("C", 8, None),
        ("E", 18, ":?"),
    ]
    assert found[1].has_default and found[3].required


def test_dotenv_like_compose() -> None:
    text = (
        "\ufeff# comment\nexport A=1\nB=\"x\\ny ${A}\"\nC='lit $A'\nD=v # trailing\n"
        'E: colon\nINHERIT\nG=${A}${INHERIT}\n  H = spaced  \nI=\nJ="multi\nline"\nK=a#b\n'
    )
    values, errors = parse_dotenv(text, {"INHERIT": "i"})
    assert errors == []
    assert values == {
        "A": "1",
        "B": "x\ny 1",
        "C": "lit $A",
        "D": "v",
        "E": "colon",
        "INHERIT": "i",
        "G": "1i",
        "H": "spaced",
        "I": "",
        "J": "multi\nline",
        "K": "a#b",
    }


@pytest.mark.parametrize("text", ['A="open\n', "A B=1\n", "A!=1\n"])
def test_dotenv_errors(text: str) -> None:
    _, errors = parse_dotenv(text)
    assert len(errors) == 1 and errors[0].line == 1


def test_tree_values_are_interpolated_keys_are_not() -> None:
    source = (
        'services:\n  ${SET}:\n    image: "nginx:${TAG:-1.27}"\n'
        "    ports:\n      - ${PORT}:80\n    deploy:\n      replicas: ${N:-2}\n"
        "    privileged: '${P:-true}'\n    command: echo $$HOME\n"
    )
    root = load_compose_text(source, "c.yaml").root
    assert root is not None
    tree, problems = interpolate_tree(root, ENV)
    assert problems == []
    assert to_python(tree) == {
        "services": {
            "${SET}": {
                "image": "nginx:1.27",
                "ports": ["8080:80"],
                "deploy": {"replicas": 2},
                "privileged": True,
                "command": "echo $HOME",
            }
        }
    }
    service = tree.get("services").get("${SET}")  # type: ignore[union-attr]
    assert isinstance(service, MappingNode)
    image = service.get("image")
    assert isinstance(image, ScalarNode) and image.text == "nginx:${TAG:-1.27}"
    assert image.span == Span.of(3, 12, 3, 32)


def test_malformed_expression_problem_points_inside_the_scalar() -> None:
    source = "services:\n  a:\n    image: 'x:${TAG'\n    user: ${}\n    command: |\n      ${\n"
    root = load_compose_text(source, "c.yaml").root
    assert root is not None
    _, problems = interpolate_tree(root, {})
    assert [(p.kind, p.span) for p in problems] == [
        ("interpolation", Span.of(3, 15, 3, 20)),
        ("interpolation", Span.of(4, 11, 4, 14)),
        ("interpolation", Span.of(5, 14, 6, 9)),  # block scalar: the whole value, in the file
    ]
