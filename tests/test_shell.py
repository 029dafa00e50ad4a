"""The shell view of RUN: commands, options, positions (tree-sitter-bash)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.diagnostics import Position, Span
from linter.dockerfile.ast import SourceLine
from linter.dockerfile.parser import parse_dockerfile
from linter.dockerfile.shell import (
    Command,
    ShellScript,
    is_posix_shell,
    parse_instruction,
    parse_script,
    unquote,
)


def script(text: str, line: int = 1, column: int = 1) -> ShellScript:
    """Parse physical lines, the first starting at (line, column), the rest at column 1."""
    parts = text.split("\n")
    lines = [SourceLine(line, column, parts[0])]
    lines += [SourceLine(line + index, 1, part) for index, part in enumerate(parts[1:], 1)]
    return parse_script(lines)


def run_scripts(dockerfile: str, index: int = 0) -> list[ShellScript]:
    parsed = parse_dockerfile(dockerfile, "Dockerfile")
    runs = [i for i in parsed.instructions if i.keyword == "RUN"]
    return parse_instruction(runs[index])


def only(found: tuple[Command, ...]) -> Command:
    assert len(found) == 1, found
    return found[0]


def names(parsed: ShellScript) -> list[str | None]:
    return [command.program for command in parsed.commands]


def source_at(dockerfile: str, span: Span) -> str:
    lines = dockerfile.split("\n")
    assert span.start.line == span.end.line
    return lines[span.start.line - 1][span.start.column - 1 : span.end.column - 1]


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("raw", "text", "quoted", "literal"),
    [
        ("plain", "plain", False, True),
        ("'single $x'", "single $x", True, True),
        ('"double $x"', "double $x", True, False),
        ('"a\\"b\\$c\\\\d\\e"', 'a"b$c\\d\\e', True, True),
        ("a\\ b", "a b", True, True),
        ("$'a\\tb\\x41\\101'", "a\tbAA", True, True),
        ("pre${X:-d}post", "pre${X:-d}post", False, False),
        ('"$(echo "in" x)"', '$(echo "in" x)', True, False),
        ("`uname -m`", "`uname -m`", False, False),
        ("$((1 + 2))", "$((1 + 2))", False, False),
        ("~/x*.txt", "~/x*.txt", False, True),
        ("'a'\"b\"c", "abc", True, True),
        ("cost$", "cost$", False, True),
    ],
)
def test_unquote(raw: str, text: str, quoted: bool, literal: bool) -> None:
    assert unquote(raw) == (text, quoted, literal)


# ------------------------------------------------------------------------ structure


def test_lists_pipelines_and_operators() -> None:
    parsed = script(
        "set -eux; apt-get update && apt-get install -y curl || exit 1; "
        "curl -fsSL x | sh -e & echo done"
    )
    assert names(parsed) == ["set", "apt-get", "apt-get", "exit", "curl", "sh", "echo"]
    assert [c.operator_before for c in parsed.commands] == [None, ";", "&&", "||", ";", "|", "&"]
    curl, sh = parsed.find("curl")[0], parsed.find("sh")[0]
    assert (curl.pipeline, sh.pipeline) == ((0, 2), (1, 2))
    assert curl.background and sh.background
    assert not parsed.find("echo")[0].background
    assert parsed.pipelines() == ((curl, sh),)
    assert [len(group) for group in parsed.sequences()] == [1, 3, 2, 1]
    assert parsed.set_options() == frozenset({"errexit", "nounset", "xtrace"})
    assert not parsed.has_error


def test_env_prefix_and_program_basename() -> None:
    command = only(
        script('DEBIAN_FRONTEND=noninteractive A="x y" /usr/bin/apt-get -yq install curl').commands
    )
    assert command.env == (("DEBIAN_FRONTEND", "noninteractive"), ("A", "x y"))
    assert command.name == "/usr/bin/apt-get"
    assert command.program == "apt-get"
    assert command.subcommand() == "install"


def test_compound_statements_flags() -> None:
    parsed = script(
        "if [ -f /x ]; then a; elif b; then c; else d; fi\n"
        "while read l; do e; done < f\n"
        'for x in $(ls /); do g "$x"; done\n'
        'case "$ARCH" in amd64) h ;; *) i ;; esac\n'
        "( cd /tmp && j ) ; { k; } > /log; ! l\n"
        "fn() { m; }\n"
        "X=$(n) ; [[ -n $Y ]]"
    )
    by = {c.program: c for c in parsed.commands}
    assert set(by) == set("abcdeghijklmn") | {"[", "read", "ls", "cd", "[["}
    assert by["["].in_condition and by["b"].in_condition and by["read"].in_condition
    assert not by["a"].in_condition and not by["c"].in_condition and not by["d"].in_condition
    assert by["read"].in_loop and by["e"].in_loop and by["g"].in_loop and not by["a"].in_loop
    assert by["ls"].in_substitution and by["n"].in_substitution
    assert not by["g"].in_substitution
    assert by["cd"].in_subshell and by["j"].in_subshell and not by["k"].in_subshell
    assert by["k"].redirects == ("/log",)
    assert by["l"].negated
    assert by["m"].in_function
    assert by["h"].name == "h" and by["i"].name == "i"
    assert by["[["].argv[0].text == "[["
    assert not parsed.has_error


def test_redirect_targets_go_to_the_last_command() -> None:
    parsed = script("a | b > /out 2>&1; c && d >> /log; e &>/dev/null; f 2>/err")
    by = {c.program: c for c in parsed.commands}
    assert by["a"].redirects == ()
    assert by["b"].redirects == ("/out",)
    assert by["c"].redirects == () and by["d"].redirects == ("/log",)
    assert by["e"].redirects == ("/dev/null",)
    assert by["f"].redirects == ("/err",)


def test_sh_c_is_not_recursed() -> None:
    parsed = script("sh -c 'apt-get install -y curl'")
    assert names(parsed) == ["sh"]
    assert parsed.commands[0].args[1].text == "apt-get install -y curl"


def test_syntax_error_is_flagged_not_raised() -> None:
    parsed = script("echo 'unterminated && apt-get install x")
    assert parsed.has_error


# -------------------------------------------------------------------------- options


def test_has_option_combined_and_long_forms() -> None:
    command = only(script("apt-get -yq install --no-install-recommends=1 curl -- -x").commands)
    assert command.has_option("-y") and command.has_option("-q")
    assert command.has_option("--no-install-recommends")
    assert not command.has_option("-x")  # after --
    assert not command.has_option("--yes")
    assert command.has_option("--yes", "-y")
    assert [w.text for w in command.positionals()] == ["install", "curl", "-x"]


def test_value_options_do_not_leak_into_flags_or_positionals() -> None:
    command = only(
        script("apt-get -o Dpkg::Options::=--force-confold -oAPT::y=1 install x").commands
    )
    assert command.subcommand() == "install"
    assert not command.has_option("-y")
    assert command.option_value("-o") == "APT::y=1"
    curl = only(script("curl -fsSLo /tmp/x.tgz https://e.com/x.tgz").commands)
    assert curl.option_value("-o", "--output") == "/tmp/x.tgz"
    assert [w.text for w in curl.positionals()] == ["https://e.com/x.tgz"]
    pip = only(script("pip install --no-cache-dir -r req.txt --index-url=https://x pkg").commands)
    assert pip.subcommand() == "install"
    assert pip.option_value("--index-url") == "https://x"
    assert [w.text for w in pip.positionals()] == ["install", "pkg"]


def test_single_dash_long_options() -> None:
    command = only(script("find / -name '*.pyc' -delete").commands)
    assert command.has_option("-name") and command.has_option("-delete")
    custom = only(script("tool -v x y").commands)
    assert [w.text for w in custom.positionals(value_options={"-v"})] == ["y"]


# ------------------------------------------------------------------------ positions


def test_word_spans_with_utf8_and_continuations() -> None:
    dockerfile = (
        "FROM debian\n"
        "RUN set -eux; \\\n"
        "    apt-get update && \\\n"
        "# a comment inside the continuation\n"
        "    echo 'héllo wörld' \"ünï\" && \\\n"
        "    DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n"
        "        curl ca-certificates\n"
    )
    (parsed,) = run_scripts(dockerfile)
    assert names(parsed) == ["set", "apt-get", "echo", "apt-get"]
    for command in parsed.commands:
        for word in command.argv:
            assert source_at(dockerfile, word.span) == word.raw
    install = parsed.commands[-1]
    assert install.subcommand() == "install"
    assert install.span.start == Position(6, 5)
    assert install.span.end == Position(7, 29)
    curl = install.argv[-2]
    assert curl.text == "curl" and curl.span == Span.of(7, 9, 7, 13)
    echo = parsed.commands[2]
    assert [w.text for w in echo.args] == ["héllo wörld", "ünï"]
    assert echo.args[1].span == Span.of(5, 24, 5, 29)


def test_pure_script_positions_use_the_given_columns() -> None:
    parsed = script("é=1 true && ünï --flag\n  next", line=10, column=5)
    second = parsed.commands[1]
    assert second.span == Span.of(10, 17, 10, 27)
    assert second.args[0].span == Span.of(10, 21, 10, 27)
    assert parsed.commands[2].span == Span.of(11, 3, 11, 7)


# --------------------------------------------------------------------- instructions


def test_heredoc_run_parses_each_body() -> None:
    dockerfile = "FROM alpine\nRUN <<EOF\napk add --no-cache curl\n  rm -rf /tmp/*\nEOF\n"
    (parsed,) = run_scripts(dockerfile)
    assert parsed.origin == "heredoc"
    assert names(parsed) == ["apk", "rm"]
    assert parsed.commands[1].span.start == Position(4, 3)
    assert parsed.commands[0].operator_before is None
    assert parsed.commands[1].operator_before == ";"


def test_heredoc_as_data_is_not_a_script() -> None:
    dockerfile = (
        "FROM alpine\n"
        "RUN cat <<EOF > /etc/app.conf && chmod 600 /etc/app.conf\n"
        "rm -rf / should not be a command\n"
        "EOF\n"
        "RUN python3 <<EOF\n"
        "import os\n"
        "EOF\n"
        "RUN <<EOF\n"
        "#!/usr/bin/env python3\n"
        "print(1)\n"
        "EOF\n"
        "RUN bash -e <<EOF\n"
        "apt-get update\n"
        "EOF\n"
    )
    (cat,) = run_scripts(dockerfile, 0)
    assert names(cat) == ["cat", "chmod"]
    assert cat.commands[0].redirects == ("/etc/app.conf",)
    assert cat.commands[1].operator_before == "&&"
    assert not cat.has_error
    (python,) = run_scripts(dockerfile, 1)
    assert names(python) == ["python3"]
    assert run_scripts(dockerfile, 2) == []
    bash, body = run_scripts(dockerfile, 3)
    assert names(bash) == ["bash"] and names(body) == ["apt-get"]
    assert body.commands[0].span.start == Position(13, 1)


def test_json_form() -> None:
    dockerfile = (
        "FROM alpine\n"
        'RUN ["/bin/bash", "-o", "pipefail", "-c", "wget -qO- x | tar xz"]\n'
        'RUN ["apk", "add", "--no-cache", "git"]\n'
    )
    (shell,) = run_scripts(dockerfile, 0)
    assert shell.origin == "exec-shell"
    assert names(shell) == ["wget", "tar"]
    assert source_at(dockerfile, shell.commands[1].span) == "tar xz"
    (exec_form,) = run_scripts(dockerfile, 1)
    assert exec_form.origin == "exec"
    command = only(exec_form.commands)
    assert command.program == "apk" and command.subcommand() == "add"
    assert command.has_option("--no-cache")
    assert source_at(dockerfile, command.argv[3].span) == '"git"'


@pytest.mark.parametrize(
    ("shell", "posix"),
    [
        (None, True),
        (("/bin/sh", "-c"), True),
        (("/bin/bash", "-o", "pipefail", "-c"), True),
        (("powershell", "-Command"), False),
        (("pwsh", "-c"), False),
        (("cmd", "/S", "/C"), False),
        (("C:\\Windows\\System32\\cmd.exe", "/c"), False),
    ],
)
def test_non_posix_shells_turn_shell_rules_off(shell: tuple[str, ...] | None, posix: bool) -> None:
    assert is_posix_shell(shell) is posix
    dockerfile = "FROM x\nRUN apt-get install -y curl\n"
    parsed = parse_dockerfile(dockerfile, "Dockerfile")
    run = parsed.instructions[1]
    assert bool(parse_instruction(run, shell)) is posix


def test_heredoc_marker_before_the_command() -> None:
    dockerfile = (
        "FROM alpine\n"
        "RUN --mount=type=cache,target=/var/cache/apk <<EOT bash\n"
        "set -e\n"
        "apk add curl\n"
        "EOT\n"
        "RUN cat <<-EOF > /a && cat <<B > /b\n"
        "\thello\n"
        "\tEOF\n"
        "bee\n"
        "B\n"
    )
    line, body = run_scripts(dockerfile, 0)
    assert names(line) == ["bash"] and not line.has_error
    assert names(body) == ["set", "apk"]
    assert body.set_options() == frozenset({"errexit"})
    (cats,) = run_scripts(dockerfile, 1)
    assert names(cats) == ["cat", "cat"] and not cats.has_error
    assert [c.redirects for c in cats.commands] == [("/a",), ("/b",)]
    assert cats.commands[1].operator_before == "&&"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab -|&;()<>{}$`'\"\\\n=*é#!", "if ", " then ", " fi", "<<EOF", "EOF"]),
        max_size=40,
    ).map("".join)
)
def test_any_text_parses_without_raising_and_spans_point_at_the_words(text: str) -> None:
    lines = text.split("\n")
    parsed = script(text, line=3, column=7)
    for command in parsed.commands:
        options = command.options()
        assert all(option.name.startswith("-") for option in options)
        command.positionals()
        command.subcommand()
        for word in command.argv:
            start, end = word.span.start, word.span.end
            assert (start.line, start.column) <= (end.line, end.column)
            assert 3 <= start.line <= end.line <= 3 + len(lines) - 1
            if start.line == end.line and "\n" not in word.raw:
                row = lines[start.line - 3]
                offset = 7 if start.line == 3 else 1
                assert row[start.column - offset : end.column - offset] == word.raw
    parsed.pipelines()
    parsed.sequences()
    parsed.set_options()


def test_pipeline_after_a_brace_group_is_read_as_bash_reads_it() -> None:
    """tree-sitter-bash nests `{ x; } && a | b && c` as pipeline(a, list(b, c)); the shell view
    must still see the pipeline `a | b` followed by `&& c` (the official node images' layout)."""
    parsed = run_scripts(
        "FROM debian:12\n"
        'RUN { [ -z "$saved" ] || apt-mark manual $saved; } \\\n'
        "  && find /usr/local -type f -executable -exec ldd '{}' ';' \\\n"
        "    | awk '/=>/ { print $(NF-1) }' \\\n"
        "    | sort -u \\\n"
        "    | xargs -r dpkg-query --search \\\n"
        "    | cut -d: -f1 \\\n"
        "    | sort -u \\\n"
        "    | xargs -r apt-mark manual \\\n"
        "  && apt-get purge -y --auto-remove \\\n"
        "  && yarn --version\n"
    )[0]
    assert [[c.program for c in pipeline] for pipeline in parsed.pipelines()] == [
        ["find", "awk", "sort", "xargs", "cut", "sort", "xargs"]
    ]
    purge = only(parsed.find("apt-get"))
    assert purge.pipeline is None and purge.operator_before == "&&"
    assert only(parsed.find("yarn")).operator_before == "&&"
