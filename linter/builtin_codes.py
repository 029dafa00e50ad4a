"""The rule codes the engine itself makes or relies on, named by the role they play.

A rule that crashed, a file that cannot be read as its kind and a suppression comment that
silences nothing are reported by the engine, not found by a rule's ``check``; the engine, the
fixer and the rule classes that give these findings their docs (``linter.rules.input_errors``)
all take the codes from here, so the engine never imports a rule to learn them. Codes of the
``0xx`` range (``DF0xx``, ``DC0xx``) are about the input itself: reading, syntax, schema.

This module imports nothing, so that every layer may use it.
"""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["internal-error", "unreadable", "unused-suppression"]

INTERNAL_ERROR: Final = "internal-error"  # a rule raised: reported instead of stopping the run
UNREADABLE: Final = "unreadable"  # cannot be read, parsed, or is not of its kind at all
UNUSED_SUPPRESSION: Final = "unused-suppression"  # a pragma that suppresses nothing

DOCKERFILE_INTERNAL_ERROR: Final = "DF000"
DOCKERFILE_UNREADABLE: Final = "DF001"
DOCKERFILE_UNUSED_SUPPRESSION: Final = "DF099"
COMPOSE_INTERNAL_ERROR: Final = "DC000"
COMPOSE_UNREADABLE: Final = "DC001"
COMPOSE_UNUSED_SUPPRESSION: Final = "DC099"

_CODES: Final[dict[tuple[str, Role], str]] = {
    ("dockerfile", INTERNAL_ERROR): DOCKERFILE_INTERNAL_ERROR,
    ("dockerfile", UNREADABLE): DOCKERFILE_UNREADABLE,
    ("dockerfile", UNUSED_SUPPRESSION): DOCKERFILE_UNUSED_SUPPRESSION,
    ("compose", INTERNAL_ERROR): COMPOSE_INTERNAL_ERROR,
    ("compose", UNREADABLE): COMPOSE_UNREADABLE,
    ("compose", UNUSED_SUPPRESSION): COMPOSE_UNUSED_SUPPRESSION,
}
_ROLES: Final[dict[str, Role]] = {code: role for (_, role), code in _CODES.items()}
_PREFIXES: Final = {"dockerfile": "DF", "compose": "DC"}


def code_for(kind: str, role: Role) -> str:
    """The code of the built-in finding with this role for this kind of file
    (``"dockerfile"`` or ``"compose"``)."""
    return _CODES[(kind, role)]


def role_of(code: str) -> Role | None:
    """The role of a built-in code; None for a code any rule may report."""
    return _ROLES.get(code)


def about_the_input(code: str, kind: str | None = None) -> bool:
    """Whether a code is in the ``0xx`` range (of ``kind``'s prefix, when given): the rules
    that judge the input itself, and still run when no model of the file could be built."""
    if kind is None:
        return code[2:3] == "0"
    return code.startswith(_PREFIXES[kind] + "0")
