"""File discovery: which names are Dockerfiles and compose files, and how compose groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.project import classify, discover, group_compose


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dockerfile", "dockerfile"),
        ("Dockerfile.dev", "dockerfile"),
        ("Dockerfile-prod", "dockerfile"),
        ("app.Dockerfile", "dockerfile"),
        ("app.dockerfile", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("web.containerfile", "dockerfile"),
        ("compose.yaml", "compose"),
        ("compose.yml", "compose"),
        ("docker-compose.yml", "compose"),
        ("docker-compose.override.yaml", "compose"),
        ("compose.prod.yaml", "compose"),
        ("Dockerfile.dockerignore", None),
        (".dockerignore", None),
        ("composer.yaml", None),
        ("my-compose.yml", None),
        ("Dockerfile.md", None),
        ("values.yaml", None),
    ],
)
def test_classify(name: str, kind: str | None) -> None:
    assert classify(name) == kind


def test_override_files_join_their_project(tmp_path: Path) -> None:
    for name in ("compose.yaml", "compose.override.yaml", "compose.prod.yaml"):
        (tmp_path / name).write_text("services: {}\n", encoding="utf-8")
    found, missing = discover([str(tmp_path)], [], tmp_path)
    assert missing == []
    projects = group_compose(found)
    assert sorted(source.path.name for source, _ in projects) == [
        "compose.prod.yaml",
        "compose.yaml",
    ]


def test_excluded_folders_are_skipped_unless_named(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "Dockerfile").write_text("FROM a\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM a\n", encoding="utf-8")
    found, _ = discover([str(tmp_path)], ["vendor"], tmp_path)
    assert [f.path.name for f in found] == ["Dockerfile"]
    found, _ = discover([str(tmp_path / "vendor")], ["vendor"], tmp_path)
    assert [f.path.parent.name for f in found] == ["vendor"]


_JQ_TEMPLATE = """\
{{ if env.variant == "alpine" then ( -}}
FROM alpine:{{ .alpine.version }}
{{ ) else ( -}}
FROM debian:{{ env.variant }}-slim
{{ ) end -}}
RUN set -eux; \\
    apk add --no-cache ca-certificates
%%VARIANT_EXTRAS%%
CMD ["app"]
"""


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile.template",
        "Dockerfile-alpine.template",
        "Dockerfile.tmpl",
        "Dockerfile.j2",
        "Dockerfile.in",
        "app.Dockerfile.jinja",
    ],
)
def test_folder_discovery_skips_templates_but_a_named_template_is_linted(
    tmp_path: Path, name: str
) -> None:
    """Generator templates become Dockerfiles only once rendered: folder discovery leaves them
    out (no DF002 per template line), a template named on the command line is still linted."""
    import json
    import shutil
    import subprocess

    (tmp_path / name).write_text(_JQ_TEMPLATE, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text('FROM alpine:3.20\nCMD ["true"]\n', encoding="utf-8")
    exe = shutil.which("shiplint")
    assert exe is not None
    folder = subprocess.run(
        [exe, "check", "--no-config", "--format", "json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert folder.returncode in (0, 1), folder.stderr
    paths = {Path(d["path"]).name for d in json.loads(folder.stdout)}
    assert name not in paths
    named = subprocess.run(
        [exe, "check", "--no-config", "--format", "json", name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert named.returncode == 1, named.stderr
    assert {Path(d["path"]).name for d in json.loads(named.stdout)} == {name}
