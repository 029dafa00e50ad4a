"""Properties of the .dockerignore matcher that hold for any patterns and paths."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.dockerfile.dockerignore import DockerIgnore, clean_path

_NAME = st.text(alphabet="abcXYZ019._-~+ é", min_size=1, max_size=6).filter(
    lambda name: name.strip() == name and name not in (".", "..")
)
_PATH = st.lists(_NAME, min_size=1, max_size=4).map("/".join)
_PATTERN_TEXT = st.text(alphabet="ab/*?[]^!-\\.# \t{}()$+", max_size=12)


def _literal(path: str) -> str:
    """The path as a pattern that matches only itself (wildcards escaped)."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", path)


@given(_PATH)
def test_a_pattern_equal_to_a_path_excludes_it(path: str) -> None:
    assert DockerIgnore.parse(_literal(path)).matches(path)


@given(_PATH, _PATH)
def test_a_directory_pattern_excludes_everything_below(directory: str, rest: str) -> None:
    ignore = DockerIgnore.parse(_literal(directory))
    assert ignore.matches(f"{directory}/{rest}")
    assert ignore.excludes_everything_under(directory)


@given(_PATH)
def test_an_exception_after_the_pattern_re_includes_it(path: str) -> None:
    literal = _literal(path)
    assert not DockerIgnore.parse(f"{literal}\n!{literal}\n").matches(path)
    assert DockerIgnore.parse(f"!{literal}\n{literal}\n").matches(path)


@given(_PATH, _PATH)
def test_star_star_then_exception(path: str, other: str) -> None:
    ignore = DockerIgnore.parse(f"**\n!{_literal(path)}\n")
    assert not ignore.matches(path)
    assert ignore.matches(other) is (other != path and not other.startswith(path + "/"))


@settings(max_examples=300)
@given(st.lists(_PATTERN_TEXT, max_size=5), st.text(max_size=20))
def test_never_raises_and_is_deterministic(lines: list[str], path: str) -> None:
    text = "\n".join(lines)
    first = DockerIgnore.parse(text)
    second = DockerIgnore.parse(text)
    assert first == second
    result = first.matches(path)
    assert result is first.matches(path) is second.matches(path)
    decider = first.match_line(path)
    assert result is (decider is not None and not decider.negated)
    first.excludes_everything_under(path)
    first.reincludes_under(path)
    for pattern in first.patterns:
        assert pattern.line >= 1
        assert pattern.span.start.line == pattern.line
        if pattern.error is not None:
            assert not pattern.match(path)


@given(_PATH)
def test_cleaning_is_idempotent_and_equivalent(path: str) -> None:
    messy = "./" + path.replace("/", "//") + "/"
    assert clean_path(clean_path(messy)) == clean_path(messy) == clean_path(path)
    assert DockerIgnore.parse(_literal(path)).matches(messy)


_LINES = st.lists(
    st.sampled_from(
        [
            "*.md",
            "!README*.md",
            "docs",
            "!docs/keep",
            "**/tmp",
            "build/*",
            "!build/out",
            "*",
            "!*",
            "**",
        ]
    ),
    max_size=6,
)


@given(_LINES, _PATH)
def test_a_last_line_naming_the_path_decides(lines: list[str], path: str) -> None:
    """Whatever comes before, a final ``path`` excludes it and a final ``!path`` keeps it."""
    literal = _literal(path)
    assert DockerIgnore.parse("\n".join([*lines, literal])).matches(path)
    assert not DockerIgnore.parse("\n".join([*lines, "!" + literal])).matches(path)


@given(_LINES, _PATH)
def test_comments_and_blank_lines_change_nothing(lines: list[str], path: str) -> None:
    plain = DockerIgnore.parse("\n".join(lines))
    noisy = DockerIgnore.parse("\n\n# comment\n".join(lines) + "\n#!" + path)
    assert plain.matches(path) is noisy.matches(path)
