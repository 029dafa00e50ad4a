"""The fixer: byte-preserving edits, re-linting until stable, and refusing breaking fixes."""

from __future__ import annotations

from linter.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from linter.fixes import apply_edits, fix_text, unified_diff


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
    assert outcome.fixed == "from alpine\n" and outcome.rejected


def test_unified_diff_names_the_file() -> None:
    diff = unified_diff("Dockerfile", "from a\n", "FROM a\n")
    assert "--- a/Dockerfile" in diff and "+FROM a" in diff


def test_an_insertion_inside_or_at_the_end_of_a_replaced_range_waits_a_round() -> None:
    from linter.fixes import apply_fixes

    text = "a:\n  b: 1\n"
    nest = _finding("DC900", Span.of(1, 1, 3, 1),
                    Fix("nest", (Edit(Span.of(1, 1, 3, 1), "x:\n  a:\n    b: 1\n"),)))
    inside = _finding("DC901", Span.of(2, 3, 2, 3),
                      Fix("insert", (Edit(Span.of(2, 3, 2, 3), "c: 2\n  "),)))
    at_end = _finding("DC902", Span.of(3, 1, 3, 1),
                      Fix("append", (Edit(Span.of(3, 1, 3, 1), "  d: 3\n"),)))
    fixed, count = apply_fixes(text, [nest, inside, at_end], unsafe=False)
    assert (fixed, count) == ("x:\n  a:\n    b: 1\n", 1)
    before = _finding("DC903", Span.of(1, 1, 1, 1), Fix("top", (Edit(Span.of(1, 1, 1, 1), "#\n"),)))
    other = _finding("DC904", Span.of(2, 3, 2, 4), Fix("b", (Edit(Span.of(2, 3, 2, 4), "B"),)))
    assert apply_fixes(text, [before, other], unsafe=False) == ("#\na:\n  B: 1\n", 2)
