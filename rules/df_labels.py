"""LABEL rules: valid keys, and a team's label schema (hadolint's ``label-schema``).

The schema comes from the configuration (``label-schema: {label: type}`` with types text,
url, semver, hash, rfc3339, spdx, email; ``strict-labels: true`` forbids other labels).
Without a schema, only the key syntax rule runs. Values with ``$`` variables are only known
at build time and are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from linter import Diagnostic, DockerfileContext, Rule, Severity
from linter.dockerfile.ast import Dockerfile, Instruction, KeyValue, Stage
from linter.patterns import lazy_compile
from linter.targets import InstructionRule, StageRule

from ._dockerfile_words import resolve_from, stage_chain, strip_quotes

_LABEL_KEY = lazy_compile(r"^[a-z](?:[a-z0-9._/-]*[a-z0-9])?$")
_RESERVED_NAMESPACES = ("com.docker.", "io.docker.", "org.dockerproject.")


def _labels(stage: Stage) -> Iterator[KeyValue]:
    for instruction in stage.instructions:
        if instruction.keyword == "LABEL":
            yield from instruction.key_values


class _LabelRule(InstructionRule):
    """A rule on each key/value pair of the LABELs of a stage (not those inside ONBUILD)."""

    keywords = frozenset({"LABEL"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if context.stage_of(instruction) is not None:
            for pair in instruction.key_values:
                yield from self.check_label(pair, context)

    def check_label(self, pair: KeyValue, context: DockerfileContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


class InvalidLabelKey(_LabelRule):
    code = "DF570"
    name = "invalid-label-key"
    tags = ("style",)
    severity = Severity.STYLE
    summary = "A LABEL key does not follow Docker's key format"
    description = (
        "Docker's guidelines for label keys: lower-case letters, digits, `.`, `-` and `/`, "
        "starting with a letter and ending with a letter or digit, no `..` or `--`, and "
        "not in the reserved `com.docker.*`, `io.docker.*` and `org.dockerproject.*` "
        "namespaces. Use reverse-DNS keys such as `org.opencontainers.image.source`."
    )
    bad = "FROM alpine:3.20\nLABEL Version=1.0\n"
    good = "FROM alpine:3.20\nLABEL org.opencontainers.image.version=1.0\n"
    aliases = ("DL3048",)

    def check_label(self, pair: KeyValue, context: DockerfileContext) -> Iterator[Diagnostic]:
        problem = _key_problem(pair.key)
        if problem:
            yield self.report(
                context.path, pair.key_span, f"invalid label key '{pair.key}': {problem}"
            )


def _key_problem(key: str) -> str | None:
    if "$" in key:
        return None
    if key.startswith(_RESERVED_NAMESPACES):
        return "the com.docker, io.docker and org.dockerproject namespaces are reserved"
    if ".." in key or "--" in key:
        return "consecutive '.' or '-'"
    if not _LABEL_KEY.match(key):
        return (
            "use lower-case letters, digits, '.', '-' and '/', starting with a letter "
            "and ending with a letter or digit"
        )
    return None


def _schema(context: DockerfileContext) -> dict[str, str]:
    raw: Any = context.options.get("label_schema") or {}
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    return {str(k): str(v) for k, v in raw}


def _labeled_stages(dockerfile: Dockerfile) -> set[int]:
    """Stages that become images: not only copied from, not only a base for another stage."""
    copied: set[int] = set()
    bases: set[int] = set()
    for stage in dockerfile.stages:
        if stage.base_stage is not None:
            bases.add(stage.base_stage)
        for instruction in stage.instructions:
            flag = instruction.flag("from") if instruction.keyword in {"COPY", "ADD"} else None
            if flag is not None and flag.value:
                target = resolve_from(dockerfile, strip_quotes(flag.value))
                if target is not None:
                    copied.add(target.index)
    last = dockerfile.stages[-1].index if dockerfile.stages else -1
    return {
        s.index
        for s in dockerfile.stages
        if s.index == last or (s.index not in copied and s.index not in bases)
    }


def _chain_labels(dockerfile: Dockerfile, stage: Stage) -> dict[str, KeyValue]:
    found: dict[str, KeyValue] = {}
    for ancestor in reversed(stage_chain(dockerfile, stage)):
        for pair in _labels(ancestor):
            found[pair.key] = pair
    return found


def _example(config: str, labels: str) -> dict[str, str]:
    """An example with the label schema it needs (the rules are silent without one)."""
    prefixed = " ".join(
        f"org.opencontainers.image.{pair}" for pair in labels.split(" ") if "=" in pair
    )
    if '"' in labels:  # a quoted value with spaces: keep it in one piece
        key, _, value = labels.partition("=")
        prefixed = f"org.opencontainers.image.{key}={value}"
    return {"Dockerfile": f"FROM alpine:3.20\nLABEL {prefixed}\n", ".shiplint.yaml": config}


_CFG_SCHEMALABELMISSING = "label-schema:\n  org.opencontainers.image.source: url\n"


class SchemaLabelMissing(StageRule):
    code = "DF571"
    name = "schema-label-missing"
    tags = ("best-practice",)
    severity = Severity.INFO
    summary = "A label required by the label schema is missing"
    description = (
        "With `label-schema` configured, every image stage must set each label of the "
        "schema (inherited labels from a parent stage count). Stages that are only copied "
        "from or built upon are not images and are not checked. Silent without a schema."
    )
    bad = _example(_CFG_SCHEMALABELMISSING, "title=api")
    good = _example(_CFG_SCHEMALABELMISSING, "title=api source=https://github.com/example/api")
    aliases = ("DL3049",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        schema = _schema(context)
        if not schema:
            return
        dockerfile = context.dockerfile
        labeled = context.cache("rules.df_labels.labeled", lambda: _labeled_stages(dockerfile))
        if stage.index not in labeled:
            return
        present = _chain_labels(dockerfile, stage)
        for label in schema:
            if label not in present:
                yield self.report(
                    context.path, stage.from_instruction.keyword_span, f"label '{label}' is missing"
                )


_CFG_SUPERFLUOUSLABEL = (
    "label-schema:\n  org.opencontainers.image.title: text\nstrict-labels: true\n"
)


class SuperfluousLabel(_LabelRule):
    code = "DF572"
    name = "superfluous-label"
    tags = ("best-practice",)
    severity = Severity.INFO
    summary = "A label is not in the label schema (strict labels)"
    description = (
        "With `strict-labels: true`, only the labels of the configured `label-schema` may "
        "be set, which keeps image metadata uniform across a fleet. Silent otherwise."
    )
    bad = _example(_CFG_SUPERFLUOUSLABEL, "title=api team=core")
    good = _example(_CFG_SUPERFLUOUSLABEL, "title=api")
    aliases = ("DL3050",)

    def check_label(self, pair: KeyValue, context: DockerfileContext) -> Iterator[Diagnostic]:
        schema = _schema(context)
        if schema and context.options.get("strict_labels") and pair.key not in schema:
            yield self.report(
                context.path, pair.key_span, f"label '{pair.key}' is not in the label schema"
            )


_CFG_EMPTYLABEL = "label-schema:\n  org.opencontainers.image.title: text\n"


class EmptyLabel(_LabelRule):
    code = "DF573"
    name = "empty-schema-label"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "A label of the label schema is empty"
    description = (
        "A label the schema requires is set to an empty string, which satisfies the "
        "presence check but carries no information. Silent without a schema."
    )
    bad = _example(_CFG_EMPTYLABEL, 'title=""')
    good = _example(_CFG_EMPTYLABEL, "title=api")
    aliases = ("DL3051",)

    def check_label(self, pair: KeyValue, context: DockerfileContext) -> Iterator[Diagnostic]:
        if pair.key in _schema(context) and not (pair.value or "").strip():
            yield self.report(context.path, pair.span, f"label '{pair.key}' is empty")


_SEMVER = lazy_compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_URL = lazy_compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*$|^(?:mailto|urn):\S+$")
_HASH = lazy_compile(r"^(?:[0-9a-f]{7}|[0-9a-f]{40})$")
_EMAIL = lazy_compile(r"^[^@\s\"<>(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_RFC3339 = lazy_compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$"
)
_SPDX_ID = lazy_compile(
    r"^(?:LicenseRef-|DocumentRef-)[A-Za-z0-9.-]+|[A-Za-z0-9][A-Za-z0-9.-]*\+?$"
)
# Families of SPDX license identifiers; an id must be one of these or a LicenseRef.
_SPDX_FAMILIES = lazy_compile(
    r"^(?:0BSD|AFL-[\d.]+|AGPL-[\d.]+(?:-only|-or-later)?|Apache-[\d.]+|APSL-[\d.]+|"
    r"Artistic-[\d.]+(?:-\w+)?|BlueOak-1\.0\.0|BSD-[\w.-]+|BSL-1\.0|BUSL-1\.1|CC0-1\.0|"
    r"CC-BY(?:-[A-Z]+)*-[\d.]+(?:-\w+)?|CDDL-[\d.]+|CECILL-[\w.]+|CPL-1\.0|ECL-[\d.]+|"
    r"EPL-[\d.]+|EUPL-[\d.]+|GFDL-[\d.]+(?:-[\w-]+)?|GPL-[\d.]+(?:-only|-or-later|\+)?|"
    r"HPND|ISC|LGPL-[\d.]+(?:-only|-or-later|\+)?|LPPL-[\d.]+[a-z]?|MIT(?:-[\w]+)?|"
    r"MPL-[\d.]+(?:-no-copyleft-exception)?|MS-PL|MS-RL|NCSA|ODbL-1\.0|OFL-[\d.]+(?:-\w+)?|"
    r"OpenSSL|OSL-[\d.]+|PHP-[\d.]+|PostgreSQL|PSF-2\.0|Python-2\.0(?:\.1)?|Ruby|"
    r"SSPL-1\.0|Unicode-[\w-]+|Unlicense|UPL-1\.0|Vim|W3C(?:-[\d]+)?|WTFPL|X11|Zlib|"
    r"ZPL-[\d.]+|curl|libpng(?:-2\.0)?|bzip2-1\.0\.6|blessing|LicenseRef-[\w.-]+|"
    r"DocumentRef-[\w.-]+:LicenseRef-[\w.-]+)$"
)


def _is_spdx(value: str) -> bool:
    """A license expression of known SPDX identifiers joined by AND, OR, WITH and ()."""
    tokens = re.findall(r"\(|\)|[^\s()]+", value)
    expect_id = True
    depth = 0
    previous = ""
    for token in tokens:
        if token == "(":
            if not expect_id:
                return False
            depth += 1
        elif token == ")":
            if expect_id:
                return False
            depth -= 1
            if depth < 0:
                return False
        elif token in {"AND", "OR", "WITH"}:
            if expect_id:
                return False
            expect_id = True
            previous = token
            continue
        else:
            if not expect_id:
                return False
            if previous != "WITH" and not _SPDX_FAMILIES.match(token.rstrip("+")):
                return False
            expect_id = False
        previous = token
    return bool(tokens) and not expect_id and depth == 0


def _is_rfc3339(value: str) -> bool:
    if not _RFC3339.match(value):
        return False
    from datetime import datetime  # only schema-configured runs check dates

    # Python 3.10's fromisoformat wants "T" and 3 or 6 fraction digits: normalise first.
    normal = value[:10] + "T" + value[11:]
    normal = re.sub(r"\.(\d+)", lambda m: "." + (m.group(1) + "000000")[:6], normal)
    try:
        datetime.fromisoformat(normal.replace("z", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_VALIDATORS = {
    "url": lambda v: bool(_URL.match(v)),
    "semver": lambda v: bool(_SEMVER.match(v)),
    "hash": lambda v: bool(_HASH.match(v)),
    "email": lambda v: bool(_EMAIL.match(v)),
    "rfc3339": _is_rfc3339,
    "spdx": _is_spdx,
}


class _LabelFormat(_LabelRule):
    """A schema label of one type whose value does not match the type."""

    kind: ClassVar[str]
    what: ClassVar[str]
    severity = Severity.WARNING
    tags = ("best-practice",)

    def check_label(self, pair: KeyValue, context: DockerfileContext) -> Iterator[Diagnostic]:
        if _schema(context).get(pair.key) != self.kind:
            return
        value = (pair.value or "").strip()
        if not value or "$" in (pair.raw_value or value):
            return
        if not _VALIDATORS[self.kind](value):
            yield self.report(
                context.path, pair.span, f"label '{pair.key}' is not {self.what}: {value!r}"
            )


_SCHEMA_NOTE = " Silent unless the label schema gives a label this type."


_CFG_LABELNOTURL = "label-schema:\n  org.opencontainers.image.source: url\n"


class LabelNotUrl(_LabelFormat):
    code = "DF574"
    name = "label-not-url"
    kind = "url"
    what = "a valid URL"
    summary = "A schema label of type url is not a URL"
    description = (
        "The label schema says this label holds a URL (`scheme://host/...`), "
        "but its value is not one." + _SCHEMA_NOTE
    )
    bad = _example(_CFG_LABELNOTURL, "source=github.com/example/api")
    good = _example(_CFG_LABELNOTURL, "source=https://github.com/example/api")
    aliases = ("DL3052",)


_CFG_LABELNOTRFC3339 = "label-schema:\n  org.opencontainers.image.created: rfc3339\n"


class LabelNotRfc3339(_LabelFormat):
    code = "DF575"
    name = "label-not-rfc3339"
    kind = "rfc3339"
    what = "an RFC 3339 date-time"
    summary = "A schema label of type rfc3339 is not an RFC 3339 date-time"
    description = (
        "The label schema says this label holds a timestamp such as "
        "`2024-05-01T12:00:00Z`, but its value is not one." + _SCHEMA_NOTE
    )
    bad = _example(_CFG_LABELNOTRFC3339, 'created="May 1st 2024"')
    good = _example(_CFG_LABELNOTRFC3339, "created=2024-05-01T12:00:00Z")
    aliases = ("DL3053",)


_CFG_LABELNOTSPDX = "label-schema:\n  org.opencontainers.image.licenses: spdx\n"


class LabelNotSpdx(_LabelFormat):
    code = "DF576"
    name = "label-not-spdx"
    kind = "spdx"
    what = "an SPDX license expression"
    summary = "A schema label of type spdx is not an SPDX license expression"
    description = (
        "The label schema says this label holds an SPDX license expression "
        "(`MIT`, `Apache-2.0 OR MIT`), but its value is not one of the known "
        "identifiers joined by AND, OR and WITH." + _SCHEMA_NOTE
    )
    bad = _example(_CFG_LABELNOTSPDX, 'licenses="MIT License"')
    good = _example(_CFG_LABELNOTSPDX, 'licenses="Apache-2.0 OR MIT"')
    aliases = ("DL3054",)


_CFG_LABELNOTHASH = "label-schema:\n  org.opencontainers.image.revision: hash\n"


class LabelNotHash(_LabelFormat):
    code = "DF577"
    name = "label-not-git-hash"
    kind = "hash"
    what = "a git commit hash (7 or 40 lower-case hex digits)"
    summary = "A schema label of type hash is not a git commit hash"
    description = (
        "The label schema says this label holds a git commit hash, short (7) or "
        "full (40 lower-case hexadecimal digits), but its value is not one." + _SCHEMA_NOTE
    )
    bad = _example(_CFG_LABELNOTHASH, "revision=main")
    good = _example(_CFG_LABELNOTHASH, "revision=4f2a9c1")
    aliases = ("DL3055",)


_CFG_LABELNOTSEMVER = "label-schema:\n  org.opencontainers.image.version: semver\n"


class LabelNotSemver(_LabelFormat):
    code = "DF578"
    name = "label-not-semver"
    kind = "semver"
    what = "a semantic version"
    summary = "A schema label of type semver is not a semantic version"
    description = (
        "The label schema says this label holds a semantic version "
        "(`1.4.2`, `2.0.0-rc.1`), but its value is not one." + _SCHEMA_NOTE
    )
    bad = _example(_CFG_LABELNOTSEMVER, "version=v1.4")
    good = _example(_CFG_LABELNOTSEMVER, "version=1.4.2")
    aliases = ("DL3056",)


_CFG_LABELNOTEMAIL = "label-schema:\n  org.opencontainers.image.authors: email\n"


class LabelNotEmail(_LabelFormat):
    code = "DF579"
    name = "label-not-email"
    kind = "email"
    what = "an email address"
    summary = "A schema label of type email is not an email address"
    description = (
        "The label schema says this label holds an email address, but its value "
        "is not one." + _SCHEMA_NOTE
    )
    bad = _example(_CFG_LABELNOTEMAIL, 'authors="Jane Doe"')
    good = _example(_CFG_LABELNOTEMAIL, "authors=jane@example.com")
    aliases = ("DL3058",)


RULES: tuple[type[Rule], ...] = (
    InvalidLabelKey,
    SchemaLabelMissing,
    SuperfluousLabel,
    EmptyLabel,
    LabelNotUrl,
    LabelNotRfc3339,
    LabelNotSpdx,
    LabelNotHash,
    LabelNotSemver,
    LabelNotEmail,
)
