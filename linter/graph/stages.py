"""A Dockerfile's stage graph as graph elements.

Stages are nodes (name and base image); ``FROM <stage>``, ``COPY --from`` and
``RUN --mount=...,from=`` are edges from the stage or image that gives to the stage that
takes. The final stage and every ``build.target`` a compose service asks for are marked;
a stage that none of them needs, directly or through others, is drawn greyed out: BuildKit
skips it.
"""

from __future__ import annotations

from linter.diagnostics import Span
from linter.dockerfile.ast import Dockerfile, Instruction, Stage
from linter.graph.labels import short_image
from linter.graph.model import Graph, Group, Where


def _stage_key(stage: Stage) -> str:
    return stage.name or str(stage.index)


def _mount_from(value: str) -> str | None:
    """The ``from=`` of a ``--mount`` value (``type=cache,from=build,target=/x``)."""
    for part in value.split(","):
        key, sep, found = part.strip().partition("=")
        if sep and key.strip().lower() == "from" and found.strip():
            return found.strip().strip("\"'")
    return None


class StageGraph:
    """Draws one Dockerfile into a graph; compose services ask it for their target stage."""

    def __init__(
        self, graph: Graph, dockerfile: Dockerfile, path: str, parent: str | None = None
    ) -> None:
        self.graph = graph
        self.dockerfile = dockerfile
        self.group: Group = graph.add_group("dockerfile", path, path, parent, path=path)
        self.group.places.append(Where(path, Span.of(1, 1, len(dockerfile.lines) + 1, 1)))
        self.stage_ids: list[str] = []
        self.targets: dict[int, list[str]] = {}  # stage index -> services that target it
        self.plain_builds = False  # some service (or the user) builds the final stage
        self.needs: dict[int, set[int]] = {}
        self._draw()

    def _resolve(self, reference: str, before: int) -> int | None:
        """The stage a ``--from`` names (by name or index), if it is an earlier stage."""
        if reference.isdigit():
            index = int(reference)
            return index if index < before else None
        found = self.dockerfile.stage_by_name(reference)
        return found.index if found is not None and found.index < before else None

    def _draw(self) -> None:
        graph, path = self.graph, self.group.attributes["path"]
        assert isinstance(path, str)
        stages = self.dockerfile.stages
        final = len(stages) - 1
        for stage in stages:
            base = stage.image.resolved if stage.image is not None else ""
            attributes: dict[str, object] = {
                "index": stage.index,
                "name": stage.name,
                "line": stage.from_instruction.line,
                "final": stage.index == final,
            }
            if stage.base_stage is None:
                attributes["base_image"] = base
            else:
                attributes["base_stage"] = _stage_key(stages[stage.base_stage])
            if stage.platform:
                attributes["platform"] = stage.platform
            title = stage.name or f"stage {stage.index}"
            label = title if stage.base_stage is not None else f"{title}\n{short_image(base)}"
            node = graph.add_node(
                "stage", label, f"{path}_{_stage_key(stage)}", self.group.id, **attributes
            )
            node.places.append(Where(path, stage.span))
            self.stage_ids.append(node.id)
            self.needs[stage.index] = set()
        images: dict[str, str] = {}
        for stage in stages:
            consumer = self.stage_ids[stage.index]
            if stage.base_stage is not None:
                self.needs[stage.index].add(stage.base_stage)
                edge = graph.add_edge("from", self.stage_ids[stage.base_stage], consumer, "FROM")
                image_span = (
                    stage.image.span if stage.image is not None else stage.from_instruction.span
                )
                edge.places.append(Where(path, image_span))
            for instruction in stage.instructions:
                for kind, reference, place in self._references(instruction):
                    source = self._resolve(reference, stage.index)
                    if source is not None:
                        self.needs[stage.index].add(source)
                        source_id = self.stage_ids[source]
                    else:
                        if reference not in images:
                            images[reference] = graph.add_node(
                                "image",
                                short_image(reference),
                                f"{path}_{reference}",
                                self.group.id,
                                reference=reference,
                            ).id
                        source_id = images[reference]
                    label = "COPY --from" if kind == "copy" else "mount"
                    edge = graph.add_edge(kind, source_id, consumer, label, line=instruction.line)
                    edge.places.append(Where(path, place))

    @staticmethod
    def _references(instruction: Instruction) -> list[tuple[str, str, Span]]:
        found: list[tuple[str, str, Span]] = []
        if instruction.keyword in ("COPY", "ADD"):
            flag = instruction.flag("from")
            if flag is not None and flag.value:
                found.append(("copy", flag.value, flag.span))
        if instruction.keyword == "RUN":
            for flag in instruction.flags:
                if flag.name == "mount" and flag.value:
                    source = _mount_from(flag.value)
                    if source:
                        found.append(("mount", source, flag.span))
        return found

    def stage_for(self, target: str | None, service: str | None) -> str | None:
        """The node of the stage ``docker build --target`` would build (the last without)."""
        stages = self.dockerfile.stages
        if not stages:
            return None
        if target is None:
            self.plain_builds = True
            index = len(stages) - 1
        else:
            found = self.dockerfile.stage_by_name(target)
            if found is None:
                return None
            index = found.index
        if service is not None and target is not None:
            self.targets.setdefault(index, []).append(service)
        return self.stage_ids[index]

    def finish(self, standalone: bool) -> None:
        """Mark targets and the stages no build reaches; call once every service asked."""
        stages = self.dockerfile.stages
        if not stages:
            return
        roots = set(self.targets)
        if standalone or self.plain_builds or not roots:
            roots.add(len(stages) - 1)
        reached: set[int] = set()
        stack = list(roots)
        while stack:
            index = stack.pop()
            if index in reached:
                continue
            reached.add(index)
            stack.extend(self.needs.get(index, ()))
        for stage in stages:
            node = self.graph.node(self.stage_ids[stage.index])
            assert node is not None
            node.attributes["reached"] = stage.index in reached
            services = self.targets.get(stage.index)
            if services:
                node.attributes["target_of"] = sorted(services)
                node.label += "\ntarget of " + ", ".join(sorted(services))
            if node.attributes.get("final") and stage.index in roots:
                node.label += "\n(final)"
