"""Reading files into syntax trees and following compose build links (linter.loading)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.context import BuildLink
from linter.dockerfile.ast import Dockerfile
from linter.loading import (
    build_links,
    load_compose,
    parse_dockerfile_file,
    unreadable_dockerfile,
    unreadable_project,
)

DOCKERFILE = 'FROM alpine:3.20\nCMD ["sh"]\n'


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _links(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes],
    cache: dict[Path, Dockerfile | None] | None = None,
) -> dict[str, BuildLink]:
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    project = load_compose(Path("compose.yaml"), "compose.yaml", None)
    assert project.root is not None, project.problems
    return {
        link.service.name: link for link in build_links(project, {} if cache is None else cache)
    }


def test_a_build_string_is_the_context_and_the_dockerfile_is_named_dockerfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    links = _links(
        tmp_path,
        monkeypatch,
        {"compose.yaml": "services:\n  web:\n    build: ./app/\n", "app/Dockerfile": DOCKERFILE},
    )
    link = links["web"]
    assert (link.context_dir, link.dockerfile_path) == (Path("app"), Path("app/Dockerfile"))
    assert link.dockerfile is not None and link.dockerfile.path == "app/Dockerfile"
    assert [i.keyword for i in link.dockerfile.instructions] == ["FROM", "CMD"]
    assert not link.remote
    assert link.context_node is not None and link.context_node.value == "./app/"
    assert link.dockerfile_node is None and link.build_node is link.context_node


def test_a_build_mapping_names_the_dockerfile_relative_to_its_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compose = (
        "services:\n"
        "  api:\n"
        "    build:\n"
        "      context: src\n"
        "      dockerfile: ../docker/api.Dockerfile\n"
        "  worker:\n"
        "    build:\n"
        "      dockerfile: worker.Dockerfile\n"
    )
    links = _links(
        tmp_path,
        monkeypatch,
        {
            "compose.yaml": compose,
            "src/main.py": "",
            "docker/api.Dockerfile": DOCKERFILE,
            "worker.Dockerfile": DOCKERFILE,
        },
    )
    api, worker = links["api"], links["worker"]
    assert (api.context_dir, api.dockerfile_path) == (Path("src"), Path("docker/api.Dockerfile"))
    assert api.dockerfile is not None and api.dockerfile_node is not None
    # no context: the compose file's folder
    assert (worker.context_dir, worker.dockerfile_path) == (Path("."), Path("worker.Dockerfile"))
    assert worker.context_node is None and worker.dockerfile is not None


def test_a_context_is_relative_to_the_file_it_is_written_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    links = _links(
        tmp_path,
        monkeypatch,
        {
            "compose.yaml": (
                "services:\n  web:\n    extends:\n      file: base/common.yaml\n"
                "      service: base\n"
            ),
            "base/common.yaml": "services:\n  base:\n    build: app\n",
            "base/app/Dockerfile": DOCKERFILE,
        },
    )
    assert links["web"].context_dir == Path("base/app")
    assert links["web"].dockerfile is not None


@pytest.mark.parametrize(
    "context",
    [
        "https://github.com/docker/buildx.git#main",
        "git@github.com:docker/buildx.git",
        "github.com/docker/buildx",
        "${UNSET_BUILD_CONTEXT}",
    ],
)
def test_a_remote_or_unknown_context_is_not_looked_for_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, context: str
) -> None:
    monkeypatch.delenv("UNSET_BUILD_CONTEXT", raising=False)
    links = _links(
        tmp_path,
        monkeypatch,
        {"compose.yaml": f'services:\n  web:\n    build:\n      context: "{context}"\n'},
    )
    link = links["web"]
    assert link.remote and link.dockerfile is None


def test_an_inline_dockerfile_has_no_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = (
        "services:\n"
        "  inline:\n"
        "    build:\n"
        "      dockerfile_inline: |\n"
        "        FROM alpine:3.20\n"
        "  image_only:\n"
        "    image: nginx:1.27\n"
    )
    assert _links(tmp_path, monkeypatch, {"compose.yaml": compose}) == {}


@pytest.mark.parametrize(
    "files",
    [
        {},  # missing
        {"app/Dockerfile": b"\xff\xfe\x00\xd8 not text"},  # cannot be decoded
    ],
    ids=["missing", "unreadable"],
)
def test_a_dockerfile_that_cannot_be_read_is_linked_without_a_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str | bytes]
) -> None:
    (tmp_path / "app").mkdir()
    links = _links(
        tmp_path, monkeypatch, {"compose.yaml": "services:\n  web:\n    build: app\n", **files}
    )
    link = links["web"]
    assert link.dockerfile_path == Path("app/Dockerfile")
    assert link.dockerfile is None and not link.remote


def test_a_dockerfile_built_by_several_services_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compose = "services:\n  a:\n    build: app\n  b:\n    build:\n      context: ./app\n"
    cache: dict[Path, Dockerfile | None] = {}
    links = _links(
        tmp_path,
        monkeypatch,
        {"compose.yaml": compose, "app/Dockerfile": DOCKERFILE},
        cache,
    )
    assert links["a"].dockerfile is not None
    assert links["a"].dockerfile is links["b"].dockerfile
    assert list(cache) == [(tmp_path / "app/Dockerfile").resolve()]


def test_the_cache_is_shared_between_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    known = unreadable_dockerfile("app/Dockerfile", "stand-in")
    cache: dict[Path, Dockerfile | None] = {(tmp_path / "app/Dockerfile").resolve(): known}
    links = _links(
        tmp_path,
        monkeypatch,
        {"compose.yaml": "services:\n  web:\n    build: app\n", "app/Dockerfile": DOCKERFILE},
        cache,
    )
    assert links["web"].dockerfile is known


def test_load_compose_reports_a_file_it_cannot_read(tmp_path: Path) -> None:
    project = load_compose(tmp_path / "compose.yaml", "compose.yaml", None)
    assert project.root is None and project.services == {}
    assert [(p.kind, p.path) for p in project.problems] == [("unreadable", "compose.yaml")]
    assert [f.path for f in project.files] == ["compose.yaml"]


def test_load_compose_reads_the_text_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no compose.yaml on disk: the buffer is the file
    project = load_compose(
        Path("compose.yaml"), "compose.yaml", None, "\ufeffservices:\n  web:\n    image: x\n"
    )
    assert list(project.services) == ["web"] and project.problems == ()


def test_load_compose_merges_the_override_beside_the_main_file_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    image: x\n",
            "compose.override.yaml": "services:\n  debug:\n    image: y\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    merged = load_compose(Path("compose.yaml"), "compose.yaml", None)
    alone = load_compose(Path("compose.yaml"), "compose.yaml", [])
    assert sorted(merged.services) == ["debug", "web"]
    assert list(alone.services) == ["web"]


def test_parse_dockerfile_file_reads_or_says_why_not(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE, encoding="utf-8")
    tree, text = parse_dockerfile_file(path, "Dockerfile")
    assert text == DOCKERFILE and tree.path == "Dockerfile" and tree.errors == ()
    tree, text = parse_dockerfile_file(path, "Dockerfile", "FROM scratch\n")
    assert text == "FROM scratch\n" and tree.instructions[0].arguments == "scratch"
    tree, text = parse_dockerfile_file(tmp_path / "missing", "missing")
    assert text is None and tree.instructions == ()
    assert [e.kind for e in tree.errors] == ["unreadable"]


def test_unreadable_trees_carry_the_reason() -> None:
    tree = unreadable_dockerfile("Dockerfile", "too large")
    assert [(e.kind, e.message) for e in tree.errors] == [("unreadable", "too large")]
    project = unreadable_project("c.yaml", "not compose", "wrong-kind", "a: 1\n")
    assert [(p.kind, p.message) for p in project.problems] == [("wrong-kind", "not compose")]
    assert project.files[0].source == "a: 1\n" and project.root is None
