"""End-to-end tests of `shiplint server` over stdio with a real LSP client (pytest-lsp)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

DOCKERFILE = 'FROM alpine:3.20\nmaintainer someone@example.com\nCMD ["sh"]\n'


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "linter", "server"]),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities())
    )
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, uri: str, text: str, language: str = "dockerfile") -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )


async def test_diagnostics_code_actions_and_hover(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / ".shiplint.toml").write_text("", encoding="utf-8")
    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE, encoding="utf-8")
    uri = path.as_uri()
    _open(client, uri, DOCKERFILE)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = client.diagnostics[uri]
    assert diagnostics, "expected findings for MAINTAINER"
    codes = {str(d.code) for d in diagnostics}
    maintainer = [d for d in diagnostics if d.range.start.line == 1]
    assert maintainer, codes

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=maintainer[0].range,
            context=types.CodeActionContext(diagnostics=maintainer),
        )
    )
    assert actions
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert any(t.startswith("Ignore ") for t in titles)
    ignore = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Ignore ")
    )
    assert ignore.edit is not None and ignore.edit.changes is not None
    edit = ignore.edit.changes[uri][0]
    assert edit.new_text.startswith("# shiplint: ignore[")

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=2),
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "Bad:" in hover.contents.value


async def test_change_updates_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / ".shiplint.toml").write_text("", encoding="utf-8")
    path = tmp_path / "compose.yaml"
    text = "services:\n  web:\n    image: nginx:1.27\n    imgae: x\n"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    _open(client, uri, text, "dockercompose")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert any(d.range.start.line == 3 for d in client.diagnostics[uri])
    fixed = "services:\n  web:\n    image: nginx:1.27\n"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert not any(d.range.start.line == 3 for d in client.diagnostics[uri])


@pytest.mark.parametrize(("line", "column", "units"), [("abc", 2, 2), ("é😀x", 2, 3)])
def test_utf16_columns(line: str, column: int, units: int) -> None:
    from linter.lsp import _char_column, _utf16_column

    assert _utf16_column(line, column) == units
    assert _char_column(line, units) == column


def test_dockerfile_gets_the_build_context_of_its_compose_service(tmp_path: Path) -> None:
    from linter.lsp import _compose_build_context

    (tmp_path / "docker").mkdir()
    dockerfile = tmp_path / "docker" / "app.Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    build:\n      context: .\n"
        "      dockerfile: docker/app.Dockerfile\n",
        encoding="utf-8",
    )
    assert _compose_build_context(dockerfile) == tmp_path
    assert _compose_build_context(tmp_path / "docker" / "other.Dockerfile") is None


WORKFLOW = (
    "name: CI\non:\n  push:\n    branches: [main]\njobs:\n  build:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
)
MANIFEST = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n"
)
STACK = (
    "services:\n  web:\n    image: nginx\n    privileged: yes\n"
    "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".github/workflows/ci.yml", WORKFLOW),
        ("deploy/service.yaml", MANIFEST),
    ],
)
async def test_yaml_that_is_not_compose_gets_nothing(
    client: LanguageClient, tmp_path: Path, name: str, text: str
) -> None:
    (tmp_path / ".shiplint.toml").write_text("", encoding="utf-8")
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    _open(client, uri, text, "yaml")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert not client.diagnostics[uri]


async def test_yaml_that_looks_like_compose_is_linted(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".shiplint.toml").write_text("", encoding="utf-8")
    path = tmp_path / "stack-prod.yml"
    path.write_text(STACK, encoding="utf-8")
    uri = path.as_uri()
    _open(client, uri, STACK, "yaml")
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    codes = {str(d.code) for d in client.diagnostics[uri]}
    assert {"DC301", "DC310"} <= codes
    assert "DC004" not in codes  # `privileged: yes` is true for compose and YAML 1.1 alike
