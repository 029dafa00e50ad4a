""".dockerignore semantics, checked against Docker's documented and implemented behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.diagnostics import Span
from linter.dockerfile.dockerignore import DockerIgnore, clean_path, find_dockerignore


def ignored(patterns: str, path: str) -> bool:
    return DockerIgnore.parse(patterns).matches(path)


# The example from Docker's build-context documentation.
DOCS_EXAMPLE = "# comment\n*/temp*\n*/*/temp*\ntemp?\n"


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("somedir/temporary.txt", True),  # */temp*
        ("somedir/temp", True),
        ("somedir/temp/inner/file", True),  # a matching directory excludes what it holds
        ("temporary.txt", False),  # */temp* needs one directory level
        ("somedir/subdir/temporary.txt", True),  # */*/temp*
        ("a/b/c/temporary.txt", False),  # */*/temp* looks exactly two levels down
        ("tempa", True),  # temp?
        ("tempb", True),
        ("temp", False),
        ("tempab", False),
        ("# comment", False),
    ],
)
def test_documented_example(path: str, excluded: bool) -> None:
    assert ignored(DOCS_EXAMPLE, path) is excluded


def test_double_star_matches_any_number_of_directories() -> None:
    assert ignored("**/*.go", "main.go")
    assert ignored("**/*.go", "cmd/tool/main.go")
    assert not ignored("**/*.go", "main.gone")


def test_exception_after_exclusion() -> None:
    patterns = "*.md\n!README.md\n"
    assert ignored(patterns, "CHANGELOG.md")
    assert not ignored(patterns, "README.md")


def test_later_lines_win_documented_orderings() -> None:
    first = "*.md\n!README*.md\nREADME-secret.md\n"
    assert ignored(first, "notes.md")
    assert not ignored(first, "README.md")
    assert not ignored(first, "README-public.md")
    assert ignored(first, "README-secret.md")
    second = "*.md\nREADME-secret.md\n!README*.md\n"
    assert ignored(second, "notes.md")
    assert not ignored(second, "README-secret.md")  # the middle line has no effect


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("**", "file", True),
        ("**", "dir/file", True),
        ("**/", "dir/file", True),
        ("dir/**", "dir/file", True),
        ("dir/**", "dir/dir2/file", True),
        ("dir/**", "dir", False),
        ("**/dir", "dir", True),
        ("**/dir", "dir/file", True),  # through its parent
        ("**/dir2/*", "dir/dir2/file", True),
        ("**file", "file", True),
        ("**file", "dir/dir/file", True),
        ("**file", "dir/myfile", True),  # Docker treats "**" + literal text as a plain suffix
        ("**/file*.txt", "dir/dir/file.txt", True),
        ("**/**/*.txt2", "dir/dir/file.txt", False),
        ("a**/*.txt", "a/dir/dir/file.txt", True),
        ("a/*.txt", "a/dir/file.txt", False),
        ("a[b-d]e", "ace", True),
        ("a[b-d]e", "aae", False),
        ("a[^b-d]e", "aze", True),
        (".*", ".foo", True),
        (".*", "foo", False),
        ("abc.def", "abcZdef", False),
        ("abc?def", "abcZdef", True),
        ("a(b)c/def", "a(b)c/def", True),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
        ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("a*", "ab/c", True),
        ("a*/b", "a/c/b", False),
        ("a?b", "a/b", False),
        ("a?b", "a☺b", True),
        ("[\\]a]", "]", True),
        ("[x\\-]", "-", True),
        ("node_modules", "node_modules/x/y.js", True),
        ("node_modules/", "node_modules/x/y.js", True),
        ("/node_modules", "node_modules", True),
        ("./build/../dist", "dist/app.js", True),
        ("  spaced  ", "spaced", True),
    ],
)
def test_single_patterns(pattern: str, path: str, excluded: bool) -> None:
    assert ignored(pattern, path) is excluded


@pytest.mark.parametrize(
    "pattern", ["[", "a[", "[^bc", "[]a]", "[-]", "[x-]", "[a-b-c]", "\\", "!"]
)
def test_malformed_patterns_are_reported_and_never_match(pattern: str) -> None:
    parsed = DockerIgnore.parse(pattern)
    assert len(parsed.errors) == 1
    assert parsed.errors[0].error
    assert not parsed.matches("a")
    assert not parsed.matches("[")


def test_folder_exceptions() -> None:
    for folder in ("docs", "docs/", "docs/*"):
        patterns = f"{folder}\n!docs/README.md\n"
        assert not ignored(patterns, "docs/README.md")
        assert ignored(patterns, "docs/other.md")
    assert not ignored("!app.go\n*.go", "other.txt")
    assert ignored("!app.go\n*.go", "app.go")  # the exception came first: the later line wins
    assert not ignored("**\n!util/docker/web", "util/docker/web/foo")
    assert ignored("**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo")


def test_paths_are_cleaned_and_the_root_is_never_excluded() -> None:
    parsed = DockerIgnore.parse("*\n")
    assert parsed.matches("./x")
    assert parsed.matches("x/")
    assert not parsed.matches(".")
    assert not parsed.matches("")
    assert not parsed.matches("../outside")


def test_comments_blank_lines_and_positions() -> None:
    text = "\ufeff# header\n\n   # not a comment\n  !keep/me  \r\n/abs/path\n"
    parsed = DockerIgnore.parse(text)
    assert [(p.text, p.negated, p.line) for p in parsed.patterns] == [
        ("# not a comment", False, 3),
        ("keep/me", True, 4),
        ("abs/path", False, 5),
    ]
    assert parsed.patterns[1].span == Span.of(4, 3, 4, 11)
    assert parsed.patterns[1].raw == "!keep/me"
    assert DockerIgnore.parse("\ufeffsecret\n").patterns[0].span == Span.of(1, 2, 1, 8)


def test_match_line_names_the_deciding_pattern() -> None:
    parsed = DockerIgnore.parse("*.md\n!README*.md\nREADME-secret.md\n")
    decider = parsed.match_line("README-secret.md")
    assert decider is not None and decider.line == 3 and not decider.negated
    exception = parsed.match_line("README.md")
    assert exception is not None and exception.line == 2 and exception.negated
    assert parsed.match_line("main.py") is None


def test_excludes_everything_under() -> None:
    parsed = DockerIgnore.parse("node_modules\n.git\n!.git/HEAD\nbuild/*\n!build/keep\n")
    assert parsed.excludes_everything_under("node_modules")
    assert parsed.excludes_everything_under("node_modules/pkg")
    assert not parsed.excludes_everything_under(".git")
    assert parsed.reincludes_under(".git")
    assert not parsed.excludes_everything_under("src")
    assert not parsed.excludes_everything_under("build")  # build itself is not excluded
    assert parsed.excludes_everything_under("build/out")
    wildcard = DockerIgnore.parse("vendor\n!**/LICENSE\n")
    assert not wildcard.excludes_everything_under("vendor")
    earlier = DockerIgnore.parse("!vendor/keep\nvendor\n")
    assert earlier.excludes_everything_under("vendor")  # the exception came before
    unrelated = DockerIgnore.parse("vendor\n!docs/*.md\n")
    assert unrelated.excludes_everything_under("vendor")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("a//b/./c/..", "a/b"),
        ("", "."),
        ("./", "."),
        ("/../x", "/x"),
        ("../x/..", ".."),
        ("a/../../b", "../b"),
        ("//a", "/a"),
        ("a/", "a"),
    ],
)
def test_clean_path_like_go(raw: str, cleaned: str) -> None:
    assert clean_path(raw) == cleaned


def test_find_dockerignore_prefers_the_dockerfile_specific_file(tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    (context / "build").mkdir(parents=True)
    dockerfile = context / "build" / "app.Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    assert find_dockerignore(context, dockerfile) is None
    (context / ".dockerignore").write_text("*\n")
    assert find_dockerignore(context, dockerfile) == context / ".dockerignore"
    specific = context / "build" / "app.Dockerfile.dockerignore"
    specific.write_text("node_modules\n")
    assert find_dockerignore(context, dockerfile) == specific
    assert find_dockerignore(context, None) == context / ".dockerignore"
