"""A compose project as ``docker compose config`` builds it: the main file, its override
files, ``include`` and ``extends``, interpolated with ``.env``, merged and validated.

Order of work per file, as compose-go ``loader.loadYamlFile``: parse, interpolate, check
against the schema, apply ``include``, apply ``extends``, merge over what came before.
Paths in node trees are the strings the files were opened with: a relative path written
in a value resolves against the folder of the file in its node's ``path``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from linter.compose.dotenv import parse_dotenv
from linter.compose.loader import load_compose_text
from linter.compose.merge import merge_mappings, merge_nodes, strip_resets
from linter.compose.model import ComposeFile, ComposeProblem, ComposeProject, Service
from linter.compose.nodes import MappingNode, Node, Pair, ScalarNode, SequenceNode
from linter.compose.substitute import interpolate_tree
from linter.diagnostics import Span
from linter.records import field, record

ReadFile = Callable[[str], str]

# compose-go ``cli.DefaultOverrideFileNames``, in its order of preference.
OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
MAIN_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
IMPORTED_SECTIONS = ("services", "volumes", "networks", "secrets", "configs", "models")

_FILE_START = Span.of(1, 1, 1, 1)


def read_text(path: str) -> str:
    """Read a file as compose does: UTF-8 (a BOM is dropped)."""
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read()


def _folder(path: str) -> str:
    return os.path.dirname(path) or "."


def _join(folder: str, path: str) -> str:
    """``path`` relative to ``folder``, keeping relative paths relative."""
    if os.path.isabs(path) or folder in ("", "."):
        return os.path.normpath(path) if not os.path.isabs(path) else path
    return os.path.normpath(os.path.join(folder, path))


def _same_file(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def default_override_paths(main_path: str, read_file: ReadFile | None = None) -> list[str]:
    """The override file compose would add to ``main_path``: the first of
    ``OVERRIDE_NAMES`` that exists beside it, when the main file has a default name.

    compose adds an override only to a file it found by its default name (no ``-f``).
    """
    if os.path.basename(main_path) not in MAIN_NAMES:
        return []
    folder = os.path.dirname(main_path)
    for name in OVERRIDE_NAMES:
        candidate = os.path.join(folder, name) if folder else name
        if read_file is None:
            if os.path.isfile(candidate):
                return [candidate]
            continue
        try:
            read_file(candidate)
        except (OSError, UnicodeDecodeError):
            continue
        return [candidate]
    return []


def build_services(root: MappingNode | None) -> dict[str, Service]:
    """The ``services`` of a merged root, keyed by name; non-mapping entries are skipped."""
    services: dict[str, Service] = {}
    if root is None:
        return services
    section = root.get("services")
    if not isinstance(section, MappingNode):
        return services
    for pair in section.pairs:
        if isinstance(pair.value, MappingNode):
            services[pair.key.text] = Service(pair.key.text, pair.value, pair.key)
    return services


def _text(node: Node | None) -> str | None:
    if (
        isinstance(node, ScalarNode)
        and isinstance(node.value, (str, int, float))
        and not isinstance(node.value, bool)
    ):
        return str(node.value)
    return None


def _texts(node: Node | None) -> list[tuple[str, Node]]:
    """A string or a list of strings, each with its node."""
    if node is None:
        return []
    if isinstance(node, SequenceNode):
        return [(text, item) for item in node.items if (text := _text(item)) is not None]
    text = _text(node)
    return [] if text is None else [(text, node)]


def _without(node: MappingNode, key: str) -> MappingNode:
    return MappingNode(
        node.path, node.span, tuple(pair for pair in node.pairs if pair.key.text != key), node.tag
    )


def _with(node: MappingNode, key: str, value: Node) -> MappingNode:
    pairs = [
        pair if pair.key.text != key else Pair(pair.key, value, pair.merged) for pair in node.pairs
    ]
    return MappingNode(node.path, node.span, tuple(pairs), node.tag)


@record(frozen=False)
class _Loader:
    """The state of one ``load_project`` call."""

    read_file: ReadFile
    validate: bool
    files: list[ComposeFile] = field(default_factory=list)
    problems: list[ComposeProblem] = field(default_factory=list)
    parsed: dict[str, ComposeFile] = field(default_factory=dict)
    agreed: set[tuple[str, Span]] = field(default_factory=set)  # see TreeInterpolator
    unknown: set[tuple[str, Span]] = field(default_factory=set)  # values of unset variables

    def problem(self, kind: str, message: str, where: Node | None, path: str) -> None:
        if where is None:
            self.problems.append(ComposeProblem(kind, message, path, _FILE_START))
        else:
            self.problems.append(ComposeProblem(kind, message, where.path, where.span))

    def read(self, path: str) -> tuple[str | None, str]:
        try:
            return self.read_file(path), ""
        except FileNotFoundError:
            return None, "file not found"
        except IsADirectoryError:
            return None, "is a directory"
        except UnicodeDecodeError:
            return None, "not UTF-8 text"
        except OSError as exc:
            return None, exc.strerror or str(exc)

    def parse(
        self,
        path: str,
        text: str | None = None,
        *,
        record: bool = True,
        referrer: Node | None = None,
        what: str = "file",
    ) -> ComposeFile | None:
        """Parse a file once; a file that cannot be read is a "reference" problem."""
        key = _same_file(path)
        if key in self.parsed:
            return self.parsed[key]
        if text is None:
            text, why = self.read(path)
            if text is None:
                self.problem("reference", f"cannot read {what} {path}: {why}", referrer, path)
                return None
        parsed = load_compose_text(text, path)
        self.parsed[key] = parsed
        if record:
            self.files.append(parsed)
            self.problems.extend(parsed.problems)
        return parsed

    # -- environment ----------------------------------------------------------------------

    def dotenv(
        self,
        paths: Sequence[tuple[str, Node | None]],
        base: Mapping[str, str],
        referrer_path: str,
        *,
        required: bool,
    ) -> dict[str, str]:
        """Variables of env files laid over ``base`` (the process-like environment wins)."""
        values: dict[str, str] = {}
        for path, node in paths:
            text, why = self.read(path)
            if text is None:
                if required:
                    self.problem(
                        "reference", f"cannot read env file {path}: {why}", node, referrer_path
                    )
                continue
            parsed, errors = parse_dotenv(text, {**values, **base})
            values.update(parsed)
            for error in errors:
                self.problems.append(
                    ComposeProblem(
                        "syntax", f"{path}: {error.message}", path, Span.line(error.line)
                    )
                )
        return {**values, **base}

    # -- one project (the top one or an included one) -------------------------------------

    def project(
        self,
        main_path: str,
        override_paths: Sequence[str],
        env: Mapping[str, str],
        text: str | None,
        chain: tuple[str, ...],
        referrer: Node | None = None,
        what: str = "file",
    ) -> MappingNode | None:
        root: MappingNode | None = None
        for index, path in enumerate([main_path, *override_paths]):
            what = what if index == 0 else "override file"
            parsed = self.parse(path, text if index == 0 else None, referrer=referrer, what=what)
            if parsed is None or parsed.root is None:
                continue
            tree = self.file_tree(parsed, env, chain, _folder(main_path))
            root = tree if root is None else merge_mappings(root, tree)
        return root

    def file_tree(
        self, parsed: ComposeFile, env: Mapping[str, str], chain: tuple[str, ...], project_dir: str
    ) -> MappingNode:
        assert parsed.root is not None
        tree, problems = interpolate_tree(parsed.root, env, self.agreed, self.unknown)
        self.problems.extend(problems)
        if self.validate:
            from linter.compose.schema import validate_tree

            # A value whose variable is unset is unknown, never malformed.
            self.problems.extend(
                problem
                for problem in validate_tree(tree)
                if (problem.path, problem.span) not in self.unknown
            )
        tree = self.include(tree, env, (*chain, _same_file(parsed.path)), project_dir)
        return self.extends(tree, env)

    # -- include --------------------------------------------------------------------------

    def include(
        self, root: MappingNode, env: Mapping[str, str], chain: tuple[str, ...], project_dir: str
    ) -> MappingNode:
        entries = root.get("include")
        if entries is None:
            return root
        root = _without(root, "include")
        if not isinstance(entries, SequenceNode):
            return root  # the schema reports it
        for entry in entries.items:
            root = self.include_one(root, entry, env, chain, project_dir)
        return root

    def include_one(
        self,
        root: MappingNode,
        entry: Node,
        env: Mapping[str, str],
        chain: tuple[str, ...],
        project_dir: str,
    ) -> MappingNode:
        directory: str | None = None
        env_files: list[tuple[str, Node]] = []
        if isinstance(entry, MappingNode):
            paths = _texts(entry.get("path"))
            directory = _text(entry.get("project_directory"))
            env_files = _texts(entry.get("env_file"))
        else:
            paths = _texts(entry)
        if not paths:
            return root
        files = [(_join(project_dir, path), node) for path, node in paths]
        main, main_node = files[0]
        if _same_file(main) in chain:
            self.problem(
                "reference",
                f"include cycle: {main} includes itself through {len(chain)} file(s)",
                main_node,
                root.path,
            )
            return root
        included_dir = _join(project_dir, directory) if directory else _folder(main)
        if env_files:
            env_paths: list[tuple[str, Node | None]] = [
                (_join(project_dir, path), node) for path, node in env_files if path != "/dev/null"
            ]
            included_env = self.dotenv(env_paths, env, root.path, required=True)
        else:
            default_env: list[tuple[str, Node | None]] = [(_join(included_dir, ".env"), None)]
            included_env = self.dotenv(default_env, env, root.path, required=False)
        imported = self.project(
            main,
            [path for path, _ in files[1:]],
            included_env,
            None,
            chain,
            referrer=main_node,
            what="included file",
        )
        if imported is None:
            return root
        return _import_resources(root, imported)

    # -- extends --------------------------------------------------------------------------

    def extends(self, root: MappingNode, env: Mapping[str, str]) -> MappingNode:
        services = root.get("services")
        if not isinstance(services, MappingNode):
            return root
        if not any(
            isinstance(p.value, MappingNode) and p.value.get("extends") is not None
            for p in services.pairs
        ):
            return root
        resolved: dict[tuple[str, str], MappingNode] = {}
        table = {pair.key.text: pair.value for pair in services.pairs}
        pairs = []
        for pair in services.pairs:
            value = pair.value
            if isinstance(value, MappingNode):
                value = self.extend(pair.key.text, table, root.path, env, resolved, ())
            pairs.append(Pair(pair.key, value, pair.merged))
        return _with(
            root, "services", MappingNode(services.path, services.span, tuple(pairs), services.tag)
        )

    def extend(
        self,
        name: str,
        table: Mapping[str, Node],
        path: str,
        env: Mapping[str, str],
        resolved: dict[tuple[str, str], MappingNode],
        chain: tuple[tuple[str, str], ...],
    ) -> MappingNode:
        """Service ``name`` of the file ``path`` with its ``extends`` applied."""
        service = table[name]
        assert isinstance(service, MappingNode)
        key = (_same_file(path), name)
        if key in resolved:
            return resolved[key]
        ext = service.get("extends")
        if ext is None:
            return service
        result = _without(service, "extends")
        if key in chain:
            names = [service_name for _, service_name in chain[chain.index(key) :]]
            self.problem("reference", "extends cycle: " + " -> ".join([*names, name]), ext, path)
            return result
        if isinstance(ext, MappingNode):
            ref_node: Node | None = ext.get("service")
            file_node = ext.get("file")
        else:
            ref_node, file_node = ext, None
        ref = _text(ref_node)
        if ref is None:
            return result  # the schema reports it
        base_path, base_table = path, table
        file_name = _text(file_node)
        if file_name is not None:
            base_path = _join(_folder(path), file_name)
            base_file = self.parse(base_path, referrer=file_node, what="extends file")
            if base_file is None or base_file.root is None:
                return result
            tree, problems = interpolate_tree(base_file.root, env, self.agreed, self.unknown)
            self.problems.extend(problems)
            section = tree.get("services")
            base_table = (
                {pair.key.text: pair.value for pair in section.pairs}
                if isinstance(section, MappingNode)
                else {}
            )
        if not isinstance(base_table.get(ref), MappingNode):
            where = f" in {base_path}" if file_name is not None else ""
            self.problem(
                "reference",
                f"service '{name}' extends '{ref}', which is not defined{where}",
                ref_node,
                path,
            )
            return result
        base = self.extend(ref, base_table, base_path, env, resolved, (*chain, key))
        merged = merge_nodes(base, result, ("services", name))
        assert isinstance(merged, MappingNode)
        resolved[key] = merged
        return merged

    # -- env_file references --------------------------------------------------------------

    def check_env_files(self, root: MappingNode) -> None:
        for service in build_services(root).values():
            entries = service.get("env_file")
            items = (
                entries.items
                if isinstance(entries, SequenceNode)
                else ((entries,) if entries is not None else ())
            )
            for item in items:
                node: Node | None = item
                required = True
                if isinstance(item, MappingNode):
                    node = item.get("path")
                    flag = item.get("required")
                    required = not (isinstance(flag, ScalarNode) and flag.value is False)
                name = _text(node)
                if name is None or not required or node is None:
                    continue
                target = _join(_folder(node.path), name)
                text, why = self.read(target)
                if text is None:
                    self.problem(
                        "reference",
                        f"env_file {name} of service '{service.name}' cannot be read: {why}",
                        node,
                        node.path,
                    )


def _import_resources(root: MappingNode, imported: MappingNode) -> MappingNode:
    """Add an included project's services, volumes ... to ``root``; on a name written in
    both, the including file's definition is merged over the included one (compose-go)."""
    for section in IMPORTED_SECTIONS:
        theirs = imported.get(section)
        if not isinstance(theirs, MappingNode):
            continue
        mine = root.get(section)
        if not isinstance(mine, MappingNode):
            pair = imported.pair(section)
            assert pair is not None
            root = MappingNode(root.path, root.span, (*root.pairs, pair), root.tag)
            continue
        pairs = {pair.key.text: pair for pair in mine.pairs}
        for pair in theirs.pairs:
            local = pairs.get(pair.key.text)
            if local is None:
                pairs[pair.key.text] = pair
            else:
                value = merge_nodes(pair.value, local.value, (section, pair.key.text))
                pairs[pair.key.text] = Pair(local.key, value, local.merged)
        root = _with(
            root, section, MappingNode(mine.path, mine.span, tuple(pairs.values()), mine.tag)
        )
    return root


def load_project(
    main_path: str,
    *,
    override_paths: Sequence[str] | None = None,
    text: str | None = None,
    read_file: ReadFile | None = None,
    validate: bool = True,
    environment: Mapping[str, str] | None = None,
) -> ComposeProject:
    """Load, merge and check a compose project; never raises.

    ``override_paths`` None means compose's default override file beside a default-named
    main file; ``[]`` means none. ``environment`` stands for the shell environment: its
    values win over ``.env`` (the process environment is never read, so linting is
    reproducible).
    """
    loader = _Loader(read_file or read_text, validate)
    project_dir = _folder(main_path)
    try:
        if override_paths is None:
            override_paths = default_override_paths(main_path, read_file)
        env = loader.dotenv(
            [(_join(project_dir, ".env"), None)], dict(environment or {}), main_path, required=False
        )
        root = loader.project(main_path, list(override_paths), env, text, ())
        if root is not None:
            stripped = strip_resets(root)
            assert isinstance(stripped, MappingNode)
            root = stripped
            loader.check_env_files(root)
    except Exception as exc:  # the contract is "never raises"
        loader.problems.append(
            ComposeProblem(
                "syntax",
                f"could not load the project: {type(exc).__name__}: {exc}",
                main_path,
                _FILE_START,
            )
        )
        root, env = None, dict(environment or {})
    if not loader.files:
        loader.files.append(ComposeFile(main_path, text or "", None, ()))
    return ComposeProject(
        files=tuple(loader.files),
        root=root,
        services=build_services(root),
        problems=tuple(
            dict.fromkeys(  # a file included twice: once
                problem
                for problem in loader.problems
                if problem.kind != "yaml11" or (problem.path, problem.span) not in loader.agreed
            )
        ),
        environment=dict(env),
        project_dir=project_dir,
    )
