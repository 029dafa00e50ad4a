"""``lazy_compile``: a pattern compiled on first use that acts as the compiled one."""

from __future__ import annotations

import re

from linter.patterns import lazy_compile


def test_compiles_on_first_use_and_behaves_like_re() -> None:
    pattern = lazy_compile(r"^(?P<key>[a-z]+)=(\d+)$", re.IGNORECASE)
    assert pattern._compiled is None  # type: ignore[attr-defined]
    match = pattern.match("ABC=12")
    assert match is not None and match.group("key") == "ABC" and match.group(2) == "12"
    compiled = pattern._compiled  # type: ignore[attr-defined]
    assert isinstance(compiled, re.Pattern) and compiled.flags & re.IGNORECASE
    assert pattern.sub("x", "a=1") == "x" and pattern.pattern == r"^(?P<key>[a-z]+)=(\d+)$"
    assert pattern._compiled is compiled  # type: ignore[attr-defined]
    assert [m.group(2) for m in lazy_compile(r"(\w)(\d)").finditer("a1 b2")] == ["1", "2"]


def test_a_bad_pattern_fails_when_used() -> None:
    pattern = lazy_compile(r"(unclosed")
    try:
        pattern.search("x")
    except re.error:
        return
    raise AssertionError("a broken pattern must raise re.error on use")


def test_every_lazy_pattern_of_the_code_base_compiles() -> None:
    import importlib
    from pathlib import Path

    from linter.patterns import _LazyPattern

    root = Path(__file__).resolve().parent.parent
    modules = [
        f"linter.{p.relative_to(root / 'linter').with_suffix('').as_posix()}"
        for p in (root / "linter").rglob("*.py")
        if p.name != "__init__.py"
    ]
    modules = [m.replace("/", ".") for m in modules if not m.startswith("linter.lsp")]
    modules += [
        f"linter.rules.{p.stem}" for p in (root / "rules").glob("*.py") if p.name != "__init__.py"
    ]
    found = 0
    for name in modules:
        if name in ("linter.__main__",):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, _LazyPattern):
                value.pattern  # noqa: B018 - compiles it, raising re.error if it is broken
                found += 1
    assert found >= 15
