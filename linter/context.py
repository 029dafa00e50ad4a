"""What a rule's ``check`` receives: the parsed file plus what the engine knows around it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.records import field, record

if TYPE_CHECKING:  # only annotations: a Dockerfile run never imports the compose model
    from linter.compose.model import ComposeProject, Service
    from linter.compose.nodes import Node
    from linter.dockerfile.ast import Dockerfile, Instruction
    from linter.dockerfile.dockerignore import DockerIgnore
    from linter.dockerfile.shell import ShellScript


@record
class DockerfileContext:
    dockerfile: Dockerfile
    # The folder sent as the build context: the Dockerfile's folder, ``--context``, or
    # the ``build.context`` of the compose service that builds it. None for stdin.
    build_context: Path | None = None
    dockerignore: DockerIgnore | None = None
    dockerignore_path: Path | None = None
    # Settings rules may read: "trusted_registries", "label_schema", "strict_labels", ...
    options: Mapping[str, Any] = field(default_factory=dict)
    # Name of the compose service that builds this Dockerfile, when known.
    service: str | None = None
    shell_parser: Callable[[Instruction], list[ShellScript]] | None = None

    @property
    def path(self) -> str:
        return self.dockerfile.path

    def shell(self, instruction: Instruction) -> list[ShellScript]:
        """The shell scripts of a RUN (shell form and heredoc bodies), parsed once.

        Empty for non-POSIX shells (SHELL powershell/cmd) and JSON-form RUN.
        """
        if self.shell_parser is None:
            return []
        return self.shell_parser(instruction)


@record
class BuildLink:
    """A compose service with ``build:`` and the Dockerfile it points at."""

    service: Service
    context_dir: Path  # absolute, resolved against the compose file's folder
    dockerfile_path: Path  # absolute
    dockerfile: Dockerfile | None  # None when it is missing, remote or unparseable
    context_node: Node | None  # where the context is written (for spans)
    dockerfile_node: Node | None  # where ``dockerfile:`` is written, if it is
    remote: bool = False  # a git URL or other remote context: nothing to check locally

    @property
    def build_node(self) -> Node | None:
        return self.service.get("build")


@record
class ComposeContext:
    project: ComposeProject
    builds: tuple[BuildLink, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.project.path
