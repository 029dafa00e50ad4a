"""The language server: diagnostics, quick fixes, suppressions and rule docs in the editor.

Started by ``shiplint server`` (stdio). pygls is an optional extra, imported only here, so
the command line stays fast. Findings come from the same engine and configuration as the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from linter import __version__
from linter.config import ConfigError, load_config
from linter.diagnostics import Diagnostic, Position, Severity, Span
from linter.project import MAIN_COMPOSE_NAMES, Kind, classify, sniff
from linter.records import field, record
from linter.registry import default_registry
from linter.settings import settings_from

SOURCE = "shiplint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.STYLE: types.DiagnosticSeverity.Hint,
}


def uri_to_path(uri: str) -> Path:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(unquote(uri))


def _utf16_column(line: str, column: int) -> int:
    """LSP columns count UTF-16 code units; ours count characters (both 0-based here)."""
    prefix = line[:column]
    return len(prefix.encode("utf-16-le")) // 2


def _char_column(line: str, units: int) -> int:
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def to_range(span: Span, lines: Sequence[str]) -> types.Range:
    def convert(position: Position) -> types.Position:
        line = max(position.line - 1, 0)
        text = lines[line] if line < len(lines) else ""
        return types.Position(line=line, character=_utf16_column(text, max(position.column - 1, 0)))

    return types.Range(start=convert(span.start), end=convert(span.end))


def to_position(position: types.Position, lines: Sequence[str]) -> Position:
    text = lines[position.line] if position.line < len(lines) else ""
    return Position(position.line + 1, _char_column(text, position.character) + 1)


@record(frozen=False)
class _Document:
    kind: Kind
    lines: list[str]
    findings: list[Diagnostic] = field(default_factory=list)


def _kind_of(path: Path, language_id: str | None, text: str) -> Kind | None:
    """The kind of an open document, or None when shiplint has nothing to say about it: a
    YAML document is linted only when it looks like compose (an editor opens workflows and
    Kubernetes manifests with the same language id)."""
    found = classify(path.name)
    if found is not None:
        return found
    if language_id in ("dockercompose", "yaml") or path.suffix in (".yml", ".yaml"):
        return "compose" if sniff(text, path.name).kind == "compose" else None
    return "dockerfile"


# compose file -> (its mtime, the build links it declares): the editor lints a Dockerfile on
# every change, and the compose project around it rarely changes meanwhile.
_LINKS: dict[Path, tuple[int, list[tuple[Path, Path]]]] = {}


def _build_links(compose: Path) -> list[tuple[Path, Path]]:
    """``(dockerfile, context)`` pairs of a compose file, loaded once per version of it."""
    from linter.loading import build_links, load_compose

    mtime = compose.stat().st_mtime_ns
    cached = _LINKS.get(compose)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    project = load_compose(compose, str(compose), None, validate=False)
    links = [
        (link.dockerfile_path.resolve(), link.context_dir)
        for link in build_links(project, {})
        if not link.remote
    ]
    _LINKS[compose] = (mtime, links)
    return links


def _compose_build_context(dockerfile: Path) -> Path | None:
    """The build context a compose project beside or above this Dockerfile gives it."""
    target = dockerfile.resolve()
    for folder in (dockerfile.parent, *dockerfile.parent.parents[:3]):
        for name in MAIN_COMPOSE_NAMES:
            compose = folder / name
            if not compose.is_file():
                continue
            try:
                links = _build_links(compose)
            except Exception:  # an unreadable neighbour must not break the editor
                continue
            for path, context in links:
                if path == target:
                    return context
    return None


class ShiplintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__)
        self.documents: dict[str, _Document] = {}

    def lint(self, uri: str, text: str, language_id: str | None = None) -> list[Diagnostic]:
        from linter import engine

        path = uri_to_path(uri)
        kind = _kind_of(path, language_id, text)
        if kind is None:
            self.documents[uri] = _Document("compose", text.splitlines() or [""], [])
            return []
        folder = path.parent if path.parent.is_dir() else Path.cwd()
        try:
            config = load_config(None, folder)
        except ConfigError as error:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"shiplint: {error}")
            )
            config = load_config(None, folder, use_files=False)
        context = _compose_build_context(path) if kind == "dockerfile" else None
        registry = default_registry()
        settings = settings_from(
            config, registry, cwd=str(folder), context=str(context) if context is not None else None
        )
        result = engine.lint_source(text, str(path), settings, kind=kind, registry=registry)
        lines = text.splitlines() or [""]
        self.documents[uri] = _Document(kind, lines, result.diagnostics)
        return result.diagnostics

    def publish(
        self, uri: str, version: int | None, text: str, language_id: str | None = None
    ) -> None:
        findings = self.lint(uri, text, language_id)
        lines = self.documents[uri].lines
        registry = default_registry()
        diagnostics = []
        for finding in findings:
            rule = registry.rules.get(finding.code)
            code = f"{finding.code} {finding.subcode}" if finding.subcode else finding.code
            tags = []
            if rule is not None and "deprecat" in rule.summary.lower():
                tags.append(types.DiagnosticTag.Deprecated)
            diagnostics.append(
                types.Diagnostic(
                    range=to_range(finding.span, lines),
                    message=f"{finding.message} ({finding.name})",
                    severity=_SEVERITY[finding.severity],
                    code=code,
                    source=SOURCE,
                    tags=tags or None,
                )
            )
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )


server = ShiplintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ShiplintServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.publish(item.uri, item.version, item.text, item.language_id)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ShiplintServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.publish(document.uri, document.version, document.source, document.language_id)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ShiplintServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.publish(document.uri, document.version, document.source, document.language_id)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ShiplintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.documents.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


def _in_range(finding: Diagnostic, start: Position, end: Position) -> bool:
    return finding.span.start <= end and start <= finding.span.end


def _suppression_edit(document: _Document, finding: Diagnostic) -> types.TextEdit:
    """Insert ``# shiplint: ignore[CODE]`` on its own line above the flagged line."""
    line_index = finding.span.start.line - 1
    line = document.lines[line_index] if line_index < len(document.lines) else ""
    indent = line[: len(line) - len(line.lstrip())]
    key = finding.subcode or finding.code
    at = types.Position(line=line_index, character=0)
    return types.TextEdit(
        range=types.Range(start=at, end=at), new_text=f"{indent}# shiplint: ignore[{key}]\n"
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: ShiplintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = ls.documents.get(uri)
    if document is None:
        return []
    start = to_position(params.range.start, document.lines)
    end = to_position(params.range.end, document.lines)
    actions: list[types.CodeAction] = []
    for finding in document.findings:
        if not _in_range(finding, start, end):
            continue
        if finding.fix is not None:
            edits = [
                types.TextEdit(range=to_range(edit.span, document.lines), new_text=edit.text)
                for edit in finding.fix.edits
            ]
            actions.append(
                types.CodeAction(
                    title=f"{finding.fix.title} ({finding.code})",
                    kind=types.CodeActionKind.QuickFix,
                    is_preferred=finding.fix.applicability.value == "safe",
                    edit=types.WorkspaceEdit(changes={uri: edits}),
                )
            )
        actions.append(
            types.CodeAction(
                title=f"Ignore {finding.subcode or finding.code} ({finding.name}) here",
                kind=types.CodeActionKind.QuickFix,
                edit=types.WorkspaceEdit(changes={uri: [_suppression_edit(document, finding)]}),
            )
        )
    return actions


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ShiplintServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    point = to_position(params.position, document.lines)
    registry = default_registry()
    sections: list[str] = []
    for finding in document.findings:
        if finding.span.start <= point <= finding.span.end and finding.code in registry.rules:
            docs = registry.rules[finding.code].docs
            if docs not in sections:
                sections.append(docs)
    if not sections:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n".join(sections))
    )


def start_server(*_: Any) -> None:
    server.start_io()
