"""Property tests: the compose front end never raises, interpolation round-trips ``$$``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.compose.interpolation import find_variables, interpolate
from linter.compose.loader import load_compose_text
from linter.compose.project import load_project
from linter.compose.substitute import interpolate_tree

YAMLISH = st.lists(
    st.sampled_from(
        [
            "services:",
            "  web:",
            "    image: x",
            "  - a",
            "- b",
            "&a ",
            "*a",
            "<<: *a",
            "<<:",
            "key: value",
            "  ports: [80:80, '1']",
            "{",
            "}",
            "[",
            "]",
            "'",
            '"',
            "? k",
            ": v",
            "---",
            "...",
            "!!str",
            "!reset",
            "!override",
            "|",
            ">-",
            "#",
            "\t",
            "  ",
            "${X",
            "$$",
            "yes",
            "0755",
            "1_000",
            "x: &b {a: 1}",
            "y: *b",
            "%YAML 1.2",
            "@",
            "`",
            "\\",
        ]
    ),
    max_size=25,
).map("\n".join)

EXPRESSION_TEXT = st.text(alphabet="${}:-+?ABab_1 x$", max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_loader_never_raises_on_any_text(text: str) -> None:
    result = load_compose_text(text, "compose.yaml")
    assert result.root is not None or result.problems


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_loader_never_raises_on_yamlish_text(text: str) -> None:
    result = load_compose_text(text, "compose.yaml")
    assert result.root is not None or result.problems
    for problem in result.problems:
        assert problem.span.start.line >= 1 and problem.span.start.column >= 1
    if result.root is not None:
        interpolate_tree(result.root, {"X": "1"})


@settings(max_examples=100, deadline=None)
@given(YAMLISH)
def test_load_project_never_raises(text: str) -> None:
    def nothing(path: str) -> str:
        raise FileNotFoundError(path)

    project = load_project("compose.yaml", text=text, override_paths=[], read_file=nothing)
    assert isinstance(project.problems, tuple)


@settings(max_examples=500, deadline=None)
@given(
    EXPRESSION_TEXT, st.dictionaries(st.sampled_from(["A", "B", "a", "_1"]), st.text(max_size=5))
)
def test_interpolation_never_raises_and_offsets_are_inside(
    text: str,
    env: dict[str, str],
) -> None:
    _, issues = interpolate(text, env)
    for issue in issues:
        assert 0 <= issue.start < issue.end <= len(text)
        assert text[issue.start] == "$"
    for variable in find_variables(text):
        assert text[variable.start] == "$" and variable.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_escaped_dollars_round_trip(text: str) -> None:
    assert interpolate(text.replace("$", "$$"), {"A": "x"}) == (text, [])
