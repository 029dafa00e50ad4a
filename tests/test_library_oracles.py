"""dockerfile-parse and ruamel.yaml as independent oracles for our own readers.

shiplint was specified with both packages, but neither is right enough to run on real files:
dockerfile-parse breaks on heredocs, empty continuation lines and every ``${VAR<op>...}``
form, and ruamel.yaml is slower than pyyaml's C composer and gives start positions only (the
README's "How shiplint is built" says why, with the measurements). Where each is right it is a
good second opinion, so the tests hold our code to it there:

- dockerfile-parse splits ENV and LABEL pairs (quotes, escapes, the legacy ``key value`` form)
  and substitutes plain ``$VAR`` / ``${VAR}`` references;
- ruamel.yaml's YAML 1.2 resolver reads plain scalars as compose's yaml.v3 does, except for the
  differences listed in ``YAML12_DIFFERENCES``.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.compose.scalars import resolve_plain
from linter.dockerfile.ast import Instruction
from linter.dockerfile.parser import parse_dockerfile
from linter.dockerfile.variables import substitute

dockerfile_parse = pytest.importorskip("dockerfile_parse")
ruamel_yaml = pytest.importorskip("ruamel.yaml")

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# dockerfile-parse: ENV / LABEL pairs


def _oracle_pairs(keyword: str, instruction_text: str) -> dict[str, str]:
    """The pairs dockerfile-parse finds in one ENV or LABEL instruction, on its own."""
    text = f"FROM scratch\n{instruction_text}\n"
    parser = dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    pairs = parser.envs if keyword == "ENV" else parser.labels
    return dict(pairs)


def _fixture_key_value_instructions() -> list[tuple[str, str, str]]:
    """(id, keyword, instruction text) for every ENV/LABEL of the fixtures' Dockerfiles whose
    text dockerfile-parse can read: one line, no variable reference, no heredoc."""
    texts: list[tuple[str, str]] = []
    for path in sorted((ROOT / "fixtures").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []) if isinstance(data, dict) else []:
            for name, text in (case.get("files") or {}).items():
                if isinstance(text, str) and "ockerfile" in name:
                    texts.append((f"{path.name}::{case.get('name')}", text))
    for path in sorted((ROOT / "fixtures" / "realistic").rglob("Dockerfile")):
        texts.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    found: list[tuple[str, str, str]] = []
    for ident, text in texts:
        lines = text.splitlines()
        for instruction in _key_value_instructions(text):
            start = instruction.span.start.line
            if instruction.span.end.line != start:
                continue
            source = lines[start - 1].strip()
            if "$" in source or "`" in source or source.startswith("#"):
                continue
            found.append((f"{ident}::{start}", instruction.keyword, source))
    return found


def _key_value_instructions(text: str) -> list[Instruction]:
    out: list[Instruction] = []
    for stage in parse_dockerfile(text).stages:
        out.extend(i for i in stage.instructions if i.keyword in ("ENV", "LABEL"))
    return out


KEY_VALUE_SAMPLES = [
    'ENV A=1 B="two words" C=a\\ b',
    "ENV JAVA_HOME /usr/lib/jvm/java-17",
    "ENV MY_VAR some value here",
    'LABEL "com.example.vendor"="ACME Inc" version=1.0',
    "LABEL description='single quoted' maintainer=ops@example.com",
    'ENV QUOTE="say \\"hi\\""',
    "ENV EMPTY= NEXT=x",
    'LABEL org.opencontainers.image.title="web app" org.opencontainers.image.licenses=MIT',
]


def _our_pairs(instruction_text: str) -> dict[str, str]:
    dockerfile = parse_dockerfile(f"FROM scratch\n{instruction_text}\n")
    instruction = dockerfile.stages[0].instructions[-1]
    return {pair.key: pair.value or "" for pair in instruction.key_values}


@pytest.mark.parametrize("text", KEY_VALUE_SAMPLES)
def test_key_value_splitting_matches_dockerfile_parse(text: str) -> None:
    keyword = text.split()[0]
    assert _our_pairs(text) == _oracle_pairs(keyword, text)


def test_fixture_env_and_label_pairs_match_dockerfile_parse() -> None:
    instructions = _fixture_key_value_instructions()
    assert len(instructions) > 50, "the fixtures should hold many ENV/LABEL instructions"
    mismatches = []
    for ident, keyword, text in instructions:
        ours, oracle = _our_pairs(text), _oracle_pairs(keyword, text)
        if ours != oracle:
            mismatches.append((ident, text, ours, oracle))
    assert mismatches == []


# ---------------------------------------------------------------------------------------------
# dockerfile-parse: variable substitution

PLAIN_FORMS = {
    "$A": "val",
    "${A}": "val",
    "x${A}y": "xvaly",
    "$A/b": "val/b",
    "${A}_$A": "val_val",
    "/opt/$A:$A": "/opt/val:val",
    "\\$A": "$A",
}

# BuildKit's modifier forms, which dockerfile-parse does not implement: it cuts the name at
# the operator and keeps the rest as text. We expand them as BuildKit does.
MODIFIER_FORMS = {
    "${U:-d}": "d",
    "${A:-d}": "val",
    "${U-d}": "d",
    "${A:+s}": "s",
    "${U:+s}": "",
    "${A+s}": "s",
    "${A#v}": "al",
    "${A##*a}": "l",
    "${A%l}": "va",
    "${A%%a*}": "v",
    "${A/a/o}": "vol",
    "${A//a/o}": "vol",
}


def _oracle_substitution(form: str) -> str:
    text = f"FROM scratch\nENV A=val\nENV B={form}\n"
    parser = dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    return str(parser.envs["B"])


@pytest.mark.parametrize(("form", "expected"), sorted(PLAIN_FORMS.items()))
def test_plain_substitution_matches_dockerfile_parse(form: str, expected: str) -> None:
    assert substitute(form, {"A": "val"}) == expected == _oracle_substitution(form)


@pytest.mark.parametrize(("form", "expected"), sorted(MODIFIER_FORMS.items()))
def test_modifier_forms_where_dockerfile_parse_diverges(form: str, expected: str) -> None:
    assert substitute(form, {"A": "val"}) == expected
    # The documented divergence: if dockerfile-parse ever learns these forms, this test says
    # so, and the form moves to PLAIN_FORMS.
    assert _oracle_substitution(form) != expected


# ---------------------------------------------------------------------------------------------
# ruamel.yaml: the YAML 1.2 reading of plain scalars

_LEADING_ZERO_DECIMAL = re.compile(r"[-+]?0[0-9]+")
_UPPER_PREFIX = re.compile(r"[-+]?0[BOX]")
_DOT_UNSIGNED_EXPONENT = re.compile(r"[-+]?\.[0-9]+[eE][0-9]+")

# Where compose's yaml.v3 and YAML 1.2 (ruamel.yaml) read a plain scalar differently.
YAML12_DIFFERENCES = {
    "leading zero": "yaml.v3 parses integers with Go's ParseInt(s, 0, 64): 0755 is octal 493 "
    "(YAML 1.2 says decimal 755), and 08 is not an integer, so it falls back to the float 8",
    "timestamp": "both read a timestamp; we keep its text under the timestamp tag",
    "upper-case base prefix": "Go's ParseInt also takes 0B, 0O and 0X; YAML 1.2 only the "
    "lower-case 0o and 0x (and ruamel 0b)",
    "dot float exponent": "ruamel reads a float that starts with '.' only with a signed "
    "exponent (.5e+3); the YAML 1.2 core schema and yaml.v3 also read .5e3 and .0E0",
    "underscores": "yaml.v3 drops every underscore before reading a number that starts with a "
    "digit or sign (+_0E0 is the float 0), but hands one that starts with '.' to Go's "
    "ParseFloat, which refuses them (.0_ is a string); YAML 1.2 readers differ on both",
}


def _difference(text: str) -> str | None:
    if _LEADING_ZERO_DECIMAL.fullmatch(text.replace("_", "")):
        return "leading zero"
    if _UPPER_PREFIX.match(text.replace("_", "")):
        return "upper-case base prefix"
    if "_" in text:
        return "underscores"
    if _DOT_UNSIGNED_EXPONENT.fullmatch(text):
        return "dot float exponent"
    return None


def _ruamel_value(text: str) -> object:
    reader = ruamel_yaml.YAML(typ="safe", pure=True)
    reader.version = (1, 2)
    return reader.load(f"v: {text}\n")["v"]


def _same(ours: object, tag: str, oracle: object) -> bool:
    if isinstance(oracle, datetime.date):
        return tag.endswith(":timestamp")
    if isinstance(oracle, float) and isinstance(ours, float) and math.isnan(oracle):
        return math.isnan(ours)
    return type(ours) is type(oracle) and ours == oracle


SCALAR_SAMPLES = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "true",
    "True",
    "TRUE",
    "tRue",
    "false",
    "null",
    "~",
    "0o755",
    "0x1F",
    "0b101",
    "1_000",
    "80:80",
    "1:30",
    "1.5",
    "1e3",
    "1E3",
    ".5",
    ".inf",
    "-.INF",
    ".nan",
    "+12",
    "-0",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "12:30:45",
    "0.1.2",
    "1.",
    "+",
    ".",
    "0x",
    "0o8",
    "_1",
    "1e",
    "1.5e+3",
    "3.20-alpine",
    "v1.2",
    "127.0.0.1:8080:80",
    "512M",
    "1h30m",
]


@pytest.mark.parametrize("text", SCALAR_SAMPLES)
def test_plain_scalars_read_as_yaml_1_2(text: str) -> None:
    ours, tag = resolve_plain(text)
    assert _same(ours, tag, _ruamel_value(text))


@pytest.mark.parametrize(
    ("text", "difference"),
    [
        ("0755", "leading zero"),
        ("0644", "leading zero"),
        ("08", "leading zero"),
        ("-012", "leading zero"),
        ("+010", "leading zero"),
        ("0B0", "upper-case base prefix"),
        ("0X1f", "upper-case base prefix"),
        (".0_", "underscores"),
        ("+_0E0", "underscores"),
        (".0E0", "dot float exponent"),
    ],
)
def test_listed_differences_are_real(text: str, difference: str) -> None:
    ours, tag = resolve_plain(text)
    assert _difference(text) == difference
    assert not _same(ours, tag, _ruamel_value(text))


_SCALAR_TEXT = st.text(alphabet="0123456789+-._:eExXoObB aflsnTruy", min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(_SCALAR_TEXT)
def test_generated_scalars_agree_with_yaml_1_2_except_listed(text: str) -> None:
    text = text.strip()
    if not text or text[0] in "-?:,[]{}#&*!|>'\"%@`" or text.endswith(":") or ": " in text:
        return  # not a plain scalar in a block mapping value
    if " #" in text or _difference(text):
        return
    try:
        oracle = _ruamel_value(text)
    except ruamel_yaml.YAMLError:
        return
    ours, tag = resolve_plain(text)
    assert _same(ours, tag, oracle), (text, ours, oracle)
