"""load_project: override files, merge, services, references."""

from __future__ import annotations

from pathlib import Path

from linter.compose.nodes import to_python
from linter.compose.project import load_project


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_single_file_project(tmp_path: Path) -> None:
    main = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    project = load_project(main, validate=False)
    assert project.path == main
    assert list(project.services) == ["web"]
    web = project.services["web"]
    assert web.key.span.start.line == 2 and web.path == main
    assert project.project_dir == str(tmp_path)
    assert project.problems == ()


def test_text_given_is_used_instead_of_reading(tmp_path: Path) -> None:
    main = str(tmp_path / "compose.yaml")  # does not exist on disk
    project = load_project(main, text="services:\n  a:\n    image: x\n", validate=False)
    assert list(project.services) == ["a"]


def test_default_override_file_is_merged(tmp_path: Path) -> None:
    main = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "compose.override.yaml", "services:\n  web:\n    user: app\n")
    project = load_project(main, validate=False)
    assert [f.path for f in project.files] == [main, str(tmp_path / "compose.override.yaml")]
    assert to_python(project.services["web"].node) == {"image": "nginx", "user": "app"}
    user = project.services["web"].node.pair("user")
    assert user is not None and user.key.path.endswith("compose.override.yaml")


def test_no_override_when_asked_or_for_other_names(tmp_path: Path) -> None:
    main = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "compose.override.yaml", "services:\n  web:\n    user: app\n")
    assert len(load_project(main, override_paths=[], validate=False).files) == 1
    other = write(tmp_path, "compose.prod.yaml", "services:\n  web:\n    image: nginx\n")
    assert len(load_project(other, validate=False).files) == 1


def test_relative_paths_stay_relative(tmp_path: Path, monkeypatch: object) -> None:
    import os

    write(tmp_path, "app/compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "app/docker-compose.override.yml", "services:\n  web:\n    user: u\n")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        project = load_project("app/compose.yaml", validate=False)
    finally:
        os.chdir(cwd)
    assert [f.path for f in project.files] == [
        "app/compose.yaml", os.path.join("app", "docker-compose.override.yml"),
    ]
    assert project.services["web"].path == "app/compose.yaml"
    assert project.project_dir == "app"


def test_missing_main_or_override_file_is_a_reference_problem(tmp_path: Path) -> None:
    project = load_project(str(tmp_path / "nope.yaml"), validate=False)
    assert [p.kind for p in project.problems] == ["reference"]
    main = write(tmp_path, "compose.yaml", "services: {}\n")
    project = load_project(main, override_paths=[str(tmp_path / "x.yaml")], validate=False)
    assert [p.kind for p in project.problems] == ["reference"]


def test_custom_reader(tmp_path: Path) -> None:
    files = {
        "p/compose.yaml": "services:\n  a:\n    image: x\n",
        "p/compose.override.yml": "services:\n  b:\n    image: y\n",
    }

    def read(path: str) -> str:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    project = load_project("p/compose.yaml", read_file=read, validate=False)
    assert list(project.services) == ["a", "b"]
