"""The fixer: byte-preserving edits, re-linting until stable, and refusing breaking fixes."""

from __future__ import annotations

from collections.abc import Callable

from linter.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from linter.fixes import apply_edits, compatible_fixes, fix_text, unified_diff


def _finding(code: str, span: Span, fix: Fix | None = None) -> Diagnostic:
    return Diagnostic("Dockerfile", code, "name", "message", Severity.WARNING, span, fix)


def test_apply_edits_keeps_untouched_bytes_and_crlf() -> None:
    text = "from alpine\r\nRUN a \\\r\n  b\r\n"
    edits = [Edit(Span.of(1, 1, 1, 5), "FROM"), Edit(Span.of(3, 3, 3, 4), "c")]
    assert apply_edits(text, edits) == "FROM alpine\r\nRUN a \\\r\n  c\r\n"


def test_overlapping_edits_keep_the_first() -> None:
    edits = [Edit(Span.of(1, 1, 1, 4), "X"), Edit(Span.of(1, 2, 1, 3), "Y")]
    assert apply_edits("abcd", edits) == "Xd"


def test_fix_loop_reaches_a_fixed_point() -> None:
    def lint(text: str) -> list[Diagnostic]:
        index = text.find("a")
        if index < 0:
            return []
        span = Span.of(1, index + 1, 1, index + 2)
        return [_finding("DF900", span, Fix("a to b", (Edit(span, "b"),)))]

    outcome = fix_text("aaa", lint, unsafe=False)
    assert outcome.fixed == "bbb" and outcome.applied == 3 and outcome.remaining == []


def test_unsafe_fixes_need_the_flag() -> None:
    span = Span.of(1, 1, 1, 2)
    unsafe = Fix("x", (Edit(span, "y"),), Applicability.UNSAFE)

    def lint(text: str) -> list[Diagnostic]:
        return [_finding("DF900", span, unsafe)] if text == "x" else []

    assert fix_text("x", lint, unsafe=False).fixed == "x"
    assert fix_text("x", lint, unsafe=True).fixed == "y"


def test_a_fix_that_breaks_the_file_is_dropped() -> None:
    span = Span.of(1, 1, 1, 5)

    def lint(text: str) -> list[Diagnostic]:
        if text.startswith("from"):
            return [_finding("DF900", span, Fix("break", (Edit(span, "\x00"),)))]
        return [_finding("DF001", Span.of(1, 1, 1, 1))]

    outcome = fix_text("from alpine\n", lint, unsafe=False)
    assert outcome.fixed == "from alpine\n"
    assert [d.code for d in outcome.refused] == ["DF900"]


def _word_fixer(breaking: str) -> Callable[[str], list[Diagnostic]]:
    """A lint over one line of words: each lower-case word has a fix that upper-cases it,
    except that the fix of ``breaking`` turns it into a syntax error (DF001 while it lasts)."""

    def lint(text: str) -> list[Diagnostic]:
        found = []
        column = 1
        for word in text.rstrip("\n").split(" "):
            span = Span.of(1, column, 1, column + len(word))
            if word == "!":
                found.append(_finding("DF001", span))
            elif word.islower():
                replacement = "!" if word == breaking else word.upper()
                fix = Fix(f"fix {word}", (Edit(span, replacement),))
                found.append(_finding("DF900", span, fix))
            column += len(word) + 1
        return found

    return lint


def test_only_the_fix_that_breaks_the_file_is_refused() -> None:
    outcome = fix_text("alpha beta gamma\n", _word_fixer("beta"), unsafe=False)
    assert outcome.fixed == "ALPHA beta GAMMA\n"
    assert [d.fix.title for d in outcome.refused if d.fix] == ["fix beta"]
    assert outcome.applied == 2 and outcome.settled


def _colliding_lint(text: str) -> list[Diagnostic]:
    """Two rules that edit the same place, each computed on the text as it is: a quoting fix
    over the whole value and an insertion at its start (the DC202 and DC504 pair)."""
    found = []
    value = text.rstrip("\n")
    if not value.startswith(("127.0.0.1:", '"127.0.0.1:')):
        point = Span.of(1, 2 if value.startswith('"') else 1, 1, 2 if value.startswith('"') else 1)
        found.append(_finding("DC202", point, Fix("bind", (Edit(point, "127.0.0.1:"),))))
    if not value.startswith('"'):
        whole = Span.of(1, 1, 1, len(value) + 1)
        found.append(_finding("DC504", whole, Fix("quote", (Edit(whole, f'"{value}"'),))))
    return found


def test_fixes_that_touch_wait_for_the_next_round() -> None:
    outcome = fix_text("8080:80\n", _colliding_lint, unsafe=False)
    assert outcome.fixed == '"127.0.0.1:8080:80"\n'
    assert outcome.applied == 2 and outcome.refused == [] and outcome.remaining == []


def test_insertions_at_one_point_collide_and_touching_ranges_too() -> None:
    insert = Fix("a", (Edit(Span.of(1, 3, 1, 3), "X"),))
    other_insert = Fix("b", (Edit(Span.of(1, 3, 1, 3), "Y"),))
    replace_before = Fix("c", (Edit(Span.of(1, 1, 1, 3), "ZZ"),))
    far = Fix("d", (Edit(Span.of(1, 5, 1, 6), "W"),))
    findings = [
        _finding("DF900", Span.of(1, 1, 1, 1), fix)
        for fix in (insert, other_insert, replace_before, far)
    ]
    assert [d.fix for d in compatible_fixes(findings, unsafe=False)] == [insert, far]


def test_rounds_stop_at_the_limit() -> None:
    def lint(text: str) -> list[Diagnostic]:  # a fix that always finds more to do
        span = Span.of(1, 1, 1, 1)
        return [_finding("DF900", span, Fix("grow", (Edit(span, "a"),)))]

    outcome = fix_text("", lint, unsafe=False, max_rounds=4)
    assert outcome.fixed == "aaaa" and not outcome.settled


def test_unified_diff_names_the_file() -> None:
    diff = unified_diff("Dockerfile", "from a\n", "FROM a\n")
    assert "--- a/Dockerfile" in diff and "+FROM a" in diff


def test_an_insertion_inside_or_at_the_end_of_a_replaced_range_waits_a_round() -> None:
    from linter.fixes import apply_fixes

    text = "a:\n  b: 1\n"
    nest = _finding(
        "DC900",
        Span.of(1, 1, 3, 1),
        Fix("nest", (Edit(Span.of(1, 1, 3, 1), "x:\n  a:\n    b: 1\n"),)),
    )
    inside = _finding(
        "DC901", Span.of(2, 3, 2, 3), Fix("insert", (Edit(Span.of(2, 3, 2, 3), "c: 2\n  "),))
    )
    at_end = _finding(
        "DC902", Span.of(3, 1, 3, 1), Fix("append", (Edit(Span.of(3, 1, 3, 1), "  d: 3\n"),))
    )
    fixed, count = apply_fixes(text, [nest, inside, at_end], unsafe=False)
    assert (fixed, count) == ("x:\n  a:\n    b: 1\n", 1)
    before = _finding("DC903", Span.of(1, 1, 1, 1), Fix("top", (Edit(Span.of(1, 1, 1, 1), "#\n"),)))
    other = _finding("DC904", Span.of(2, 3, 2, 4), Fix("b", (Edit(Span.of(2, 3, 2, 4), "B"),)))
    assert apply_fixes(text, [before, other], unsafe=False) == ("#\na:\n  B: 1\n", 2)
