"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from linter.diagnostics import Diagnostic, Fix, Severity, Span
from linter.reporters.base import INFORMATION_URI, ReportContext, docs_url
from linter.reporters.fingerprint import fingerprints
from linter.rule import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "shiplint/v1"
SRCROOT = "%SRCROOT%"
# GitHub caps description texts at 1024 characters.
MAX_DESCRIPTION = 1024

# GitHub reads properties["security-severity"] to rank security rules (>= 7.0 is "high").
SECURITY_SEVERITY = {
    Severity.ERROR: "8.0",
    Severity.WARNING: "5.5",
    Severity.INFO: "3.0",
    Severity.STYLE: "3.0",
}


def _truncate(text: str) -> str:
    text = text.strip() or "(no description)"
    if len(text) <= MAX_DESCRIPTION:
        return text
    return text[: MAX_DESCRIPTION - 1] + "…"


def _rule_descriptor(rule: Rule, tool_version: str) -> dict[str, object]:
    properties: dict[str, object] = {
        "tags": list(rule.tags),
        "aliases": list(rule.aliases),
    }
    if "security" in rule.tags:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    docs = rule.docs
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _truncate(rule.summary)},
        "fullDescription": {"text": _truncate(rule.description)},
        "help": {"text": docs, "markdown": docs},
        "helpUri": docs_url(rule.code, rule.name, tool_version),
        "defaultConfiguration": {
            "level": rule.severity.sarif_level,
            "enabled": rule.enabled_by_default,
        },
        "properties": properties,
    }


def _unknown_rule_descriptor(diagnostic: Diagnostic) -> dict[str, object]:
    """A descriptor for a finding whose rule the context does not know, so ruleIndex stays valid."""
    text = f"{diagnostic.code} {diagnostic.name}"
    return {
        "id": diagnostic.code,
        "name": diagnostic.name,
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": text},
        "defaultConfiguration": {"level": diagnostic.severity.sarif_level},
        "properties": {"tags": [], "aliases": []},
    }


def artifact_location(path: str) -> dict[str, str]:
    """A relative path becomes a URI under %SRCROOT%; an absolute one a file: URI."""
    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    if PureWindowsPath(path).is_absolute():
        return {"uri": PureWindowsPath(path).as_uri()}
    posix = path.replace("\\", "/")
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict[str, int]:
    # SARIF lines and columns are 1-based; clamp so a sloppy span cannot make the log invalid.
    start_line = max(span.start.line, 1)
    start_column = max(span.start.column, 1)
    end_line = max(span.end.line, start_line)
    end_column = max(span.end.column, 1)
    if end_line == start_line:
        end_column = max(end_column, start_column)
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _fix(fix: Fix, path: str) -> dict[str, object]:
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(path),
                "replacements": [
                    {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.text}}
                    for edit in fix.edits
                ],
            }
        ],
        "properties": {"applicability": fix.applicability.value},
    }


def _srcroot(cwd: str) -> dict[str, object]:
    for flavour in (PurePosixPath, PureWindowsPath):
        root = flavour(cwd)
        if root.is_absolute():
            uri = root.as_uri()
            return {"uri": uri if uri.endswith("/") else uri + "/"}
    return {"description": {"text": "The directory shiplint ran in."}}


def build_log(diagnostics: Sequence[Diagnostic], context: ReportContext) -> dict[str, object]:
    """The SARIF log as plain data (the LSP and tests use it without a JSON round trip)."""
    rules = [context.rules[code] for code in sorted(context.rules)]
    descriptors = [_rule_descriptor(rule, context.tool_version) for rule in rules]
    index = {rule.code: position for position, rule in enumerate(rules)}
    for diagnostic in diagnostics:
        if diagnostic.code not in index:
            index[diagnostic.code] = len(descriptors)
            descriptors.append(_unknown_rule_descriptor(diagnostic))

    results = []
    for diagnostic, fingerprint in zip(
        diagnostics, fingerprints(diagnostics, context.sources), strict=True
    ):
        result: dict[str, object] = {
            "ruleId": diagnostic.code,
            "ruleIndex": index[diagnostic.code],
            "level": diagnostic.severity.sarif_level,
            "message": {"text": diagnostic.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(diagnostic.path),
                        "region": _region(diagnostic.span),
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        if diagnostic.fix is not None:
            result["fixes"] = [_fix(diagnostic.fix, diagnostic.path)]
        properties: dict[str, object] = {"severity": diagnostic.severity.value}
        if diagnostic.subcode:
            properties["subcode"] = diagnostic.subcode
        result["properties"] = properties
        results.append(result)

    driver = {
        "name": "shiplint",
        "version": context.tool_version,
        "semanticVersion": context.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: _srcroot(context.cwd)},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if context.statistics:  # the run's property bag: SARIF's place for a tool's own data
        from linter.reporters.statistics import statistics

        run["properties"] = {"statistics": statistics(diagnostics)}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    return json.dumps(build_log(diagnostics, context), indent=2, ensure_ascii=False) + "\n"
