"""Compose variable interpolation: ``$VAR``, ``${VAR}``, ``${VAR:-d}``, ``${VAR-d}``,
``${VAR:?err}``, ``${VAR?err}``, ``${VAR:+x}``, ``${VAR+x}``, nested, and ``$$``.

A small parser rather than compose-go's regular expression, so that every malformed
expression is found with its offsets (compose stops at the first one). The accepted
language is compose-go's (``template/template.go``): names are ``[_a-zA-Z][_a-zA-Z0-9]*``,
a ``$`` followed by anything else than ``$``, a name or ``{`` is kept as written, and a
``${`` that does not form a valid expression is an error. Unset variables become "".
"""

from __future__ import annotations

from collections.abc import Mapping

from linter.records import record

OPERATORS = (":-", ":?", ":+", "-", "?", "+")


@record
class InterpolationIssue:
    """A malformed expression ("syntax") or a ``?``/``:?`` whose variable is missing
    ("required"); ``start``/``end`` are offsets in the text, end exclusive."""

    kind: str
    message: str
    start: int
    end: int


@record(compiled=True)
class Variable:
    """One variable reference: ``$NAME`` or ``${NAME<operator><argument>}``."""

    name: str
    start: int  # offset of the ``$``
    end: int  # offset after the expression
    operator: str | None = None  # one of OPERATORS, None for a bare reference
    argument: str | None = None  # default / error message / alternative, as written

    @property
    def required(self) -> bool:
        return self.operator in (":?", "?")

    @property
    def has_default(self) -> bool:
        return self.operator in (":-", "-")


def _is_name_start(char: str) -> bool:
    return char == "_" or ("a" <= char <= "z") or ("A" <= char <= "Z")


def _is_name_char(char: str) -> bool:
    return _is_name_start(char) or ("0" <= char <= "9")


def _name_end(text: str, start: int) -> int:
    end = start
    if end < len(text) and _is_name_start(text[end]):
        end += 1
        while end < len(text) and _is_name_char(text[end]):
            end += 1
    return end


def _closing_brace(text: str, start: int) -> int:
    """Offset of the ``}`` closing an expression whose argument starts at ``start``, or -1.

    Every ``{`` opens a level, as in compose-go's ``getFirstBraceClosingIndex``.
    """
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
    return -1


class _Interpolator:
    def __init__(
        self,
        env: Mapping[str, str],
        offset: int,
        issues: list[InterpolationIssue],
        found: list[Variable],
    ) -> None:
        self.env = env
        self.offset = offset  # where this (possibly nested) text starts in the original
        self.issues = issues
        self.found = found

    def run(self, text: str) -> str:
        out: list[str] = []
        index = 0
        while index < len(text):
            dollar = text.find("$", index)
            if dollar < 0:
                out.append(text[index:])
                break
            out.append(text[index:dollar])
            index = self.expression(text, dollar, out)
        return "".join(out)

    def expression(self, text: str, dollar: int, out: list[str]) -> int:
        """Handle the expression at ``dollar``; return the offset after it."""
        after = dollar + 1
        if text.startswith("$", after):
            out.append("$")
            return after + 1
        if not text.startswith("{", after):
            end = _name_end(text, after)
            if end == after:
                out.append("$")  # not an expression: kept as written
                return after
            name = text[after:end]
            self.found.append(Variable(name, self.offset + dollar, self.offset + end))
            out.append(self.env.get(name, ""))
            return end
        return self.braced(text, dollar, out)

    def braced(self, text: str, dollar: int, out: list[str]) -> int:
        name_start = dollar + 2
        name_end = _name_end(text, name_start)
        close = _closing_brace(text, name_start)
        if close < 0:
            self.error("unterminated variable expression: missing '}'", dollar, len(text))
            return len(text)
        name = text[name_start:name_end]
        if not name:
            what = "empty variable name" if close == name_start else "invalid variable name"
            self.error(f"{what} in '{text[dollar : close + 1]}'", dollar, close + 1)
            return close + 1
        if name_end == close:
            self.found.append(Variable(name, self.offset + dollar, self.offset + close + 1))
            out.append(self.env.get(name, ""))
            return close + 1
        operator = next((op for op in OPERATORS if text.startswith(op, name_end)), None)
        if operator is None:
            self.error(
                f"invalid variable expression '{text[dollar : close + 1]}': expected '}}' or one "
                "of :- - :? ? :+ + after the name",
                dollar,
                close + 1,
            )
            return close + 1
        arg_start = name_end + len(operator)
        argument = text[arg_start:close]
        self.found.append(
            Variable(name, self.offset + dollar, self.offset + close + 1, operator, argument)
        )
        out.append(self.apply(name, operator, argument, arg_start, dollar, close + 1))
        return close + 1

    def nested(self, argument: str, start: int, issues: list[InterpolationIssue]) -> str:
        inner = _Interpolator(self.env, self.offset + start, issues, self.found)
        return inner.run(argument)

    def apply(
        self, name: str, operator: str, argument: str, arg_start: int, start: int, end: int
    ) -> str:
        value = self.env.get(name)
        empty_counts = operator.startswith(":")
        missing = value is None or (empty_counts and value == "")
        # The argument is parsed in every case, so malformed nested expressions are found;
        # its "required" issues count only when compose would evaluate it.
        inner: list[InterpolationIssue] = []
        expanded = self.nested(argument, arg_start, inner)
        used = missing if operator in (":-", "-", ":?", "?") else not missing
        self.issues.extend(issue for issue in inner if used or issue.kind == "syntax")
        if operator in (":-", "-"):
            return expanded if missing else (value or "")
        if operator in (":+", "+"):
            return "" if missing else expanded
        if missing:
            reason = f": {expanded}" if expanded else ""
            self.issues.append(
                InterpolationIssue(
                    "required",
                    f"required variable {name} is missing a value{reason}",
                    self.offset + start,
                    self.offset + end,
                )
            )
            return ""
        return value or ""

    def error(self, message: str, start: int, end: int) -> None:
        self.issues.append(
            InterpolationIssue("syntax", message, self.offset + start, self.offset + end)
        )


def interpolate(text: str, env: Mapping[str, str]) -> tuple[str, list[InterpolationIssue]]:
    """``text`` with its variables replaced from ``env``, and the issues found.

    Never raises. Malformed expressions are replaced by "" (compose refuses them).
    """
    issues: list[InterpolationIssue] = []
    if "$" not in text:
        return text, issues
    value = _Interpolator(env, 0, issues, []).run(text)
    return value, issues


def find_variables(text: str) -> list[Variable]:
    """Every variable referenced in ``text``, nested ones included, in order of their ``$``."""
    found: list[Variable] = []
    if "$" in text:
        _Interpolator({}, 0, [], found).run(text)
    return sorted(found, key=lambda variable: variable.start)
