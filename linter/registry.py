"""The plugin manager, the rule registry and rule selection.

Rules come only from the ``shiplint_rules`` hook; the built-in pack is an entry point like
any third-party pack. Everything that can go wrong while loading is a :class:`RegistryError`
that names the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pluggy

from linter.entrypoints import entry_points
from linter.hooks import ENTRY_POINT_GROUP, PROJECT, ShiplintSpec
from linter.records import field, record
from linter.rule import Rule, metadata_problems


class RegistryError(Exception):
    """A plugin could not be loaded or declares a clashing rule."""


KINDS: frozenset[str] = frozenset({"dockerfile", "compose"})


@record(frozen=False)
class Registry:
    """The rules of the plugins, loaded for some kinds of file and completed on demand.

    A run over Dockerfiles only loads the Dockerfile rules (importing the compose pack is a
    tenth of a cold start); a lookup that finds nothing, or :meth:`ensure`, loads the rest.
    ``generation`` changes whenever rules are added, so callers can tell a cached selection
    is stale.
    """

    rules: dict[str, Rule] = field(default_factory=dict)  # by code, in load order
    reporters: dict[str, Callable[..., str]] = field(default_factory=dict)
    _lookup: dict[str, str] = field(default_factory=dict)  # lower-cased code/name/alias -> code
    owners: dict[str, str] = field(default_factory=dict)  # code -> plugin name
    kinds: frozenset[str] = KINDS  # the kinds whose rules are loaded
    loader: Callable[[frozenset[str]], Iterable[tuple[str, Sequence[Rule]]]] | None = None
    generation: int = 0

    def ensure(self, kinds: Iterable[str] = KINDS) -> bool:
        """Load the rules of ``kinds`` not loaded yet; True when anything was loaded."""
        missing = frozenset(kinds) - self.kinds
        if not missing or self.loader is None:
            return False
        self.kinds |= missing
        for owner, rules in self.loader(missing):
            for rule in rules:
                code = getattr(rule, "code", None)
                if self.owners.get(str(code)) == owner:
                    continue  # a plugin that ignores ``kinds`` lists its rules again
                self.add(rule, owner)
        self.generation += 1
        return True

    def add(self, rule: Rule, owner: str) -> None:
        if not isinstance(rule, Rule):
            raise RegistryError(f"plugin {owner!r}: {rule!r} is not a linter.Rule instance")
        problems = metadata_problems(rule)
        if problems:
            label = getattr(rule, "code", type(rule).__name__)
            raise RegistryError(
                f"plugin {owner!r}: rule {label} has invalid metadata: {'; '.join(problems)}"
            )
        for key in (rule.code, rule.name, *rule.aliases):
            lowered = key.lower()
            if lowered in self._lookup:
                other = self._lookup[lowered]
                raise RegistryError(
                    f"plugin {owner!r}: rule {rule.code} declares {key!r}, already used by "
                    f"rule {other} of plugin {self.owners.get(other, '?')!r}"
                )
        for key in (rule.code, rule.name, *rule.aliases):
            self._lookup[key.lower()] = rule.code
        self.rules[rule.code] = rule
        self.owners[rule.code] = owner

    def resolve(self, key: str) -> str | None:
        """The code a code, name or alias stands for, or None."""
        code = self._lookup.get(key.strip().lower())
        if code is None and self.ensure():
            code = self._lookup.get(key.strip().lower())
        return code

    def expand(self, selector: str) -> set[str]:
        """Codes matched by a selector: a code, name, alias, a code prefix, or ``ALL``.

        Raises KeyError for a selector that matches nothing.
        """
        key = selector.strip()
        if key.upper() == "ALL" or not key.upper().startswith(("DF", "DC")):
            self.ensure()  # every rule, or a peer's prefix that any pack may carry
        if key.upper() == "ALL":
            return set(self.rules)
        code = self.resolve(key)
        if code is not None:
            return {code}
        prefix = key.upper()
        if prefix.startswith("DC"):
            self.ensure({"compose"})
        if prefix.startswith("DF"):
            self.ensure({"dockerfile"})
        matched = {code for code in self.rules if code.startswith(prefix)}
        if matched and prefix[:2] in ("DF", "DC"):
            return matched
        # A peer's family prefix (e.g. "DL30") selects the rules carrying such aliases.
        by_alias = {
            rule.code
            for rule in self.rules.values()
            if any(alias.upper().startswith(prefix) for alias in rule.aliases)
        }
        if by_alias and len(prefix) >= 2:
            return by_alias
        raise KeyError(selector)

    def sorted_rules(self) -> list[Rule]:
        """Every rule, in code order (loads the kinds not loaded yet)."""
        self.ensure()
        return [self.rules[code] for code in sorted(self.rules)]


def _plugin_rules(
    manager: pluggy.PluginManager, kinds: frozenset[str]
) -> Iterable[tuple[str, Sequence[Rule]]]:
    """Each plugin's rules, one plugin at a time so that an error names its plugin."""
    order = [name for name, _ in manager.list_name_plugin()]  # registration order
    implementations = sorted(
        manager.hook.shiplint_rules.get_hookimpls(), key=lambda impl: order.index(impl.plugin_name)
    )
    for implementation in implementations:
        name = implementation.plugin_name
        arguments = {"kinds": kinds} if "kinds" in implementation.argnames else {}
        try:
            rules = implementation.function(**arguments)
        except Exception as error:  # a broken plugin must not crash the run
            raise RegistryError(
                f"plugin {name!r} failed while listing its rules: {error}"
            ) from None
        if not isinstance(rules, (list, tuple)):
            raise RegistryError(f"plugin {name!r}: shiplint_rules() must return a list of rules")
        yield name, rules


def load_registry(
    extra_plugins: Sequence[tuple[str, Any]] = (), kinds: Iterable[str] = KINDS
) -> Registry:
    """Load every plugin of the entry-point group (and ``extra_plugins``) into a registry,
    with the rules for ``kinds`` (the others are loaded when first needed)."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(ShiplintSpec)
    for entry_point in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name):
        if manager.get_plugin(entry_point.name) is not None:
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:
            raise RegistryError(
                f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: "
                f"{type(error).__name__}: {error}"
            ) from None
        try:
            manager.register(plugin, name=entry_point.name)
        except Exception as error:
            raise RegistryError(f"plugin {entry_point.name!r} is invalid: {error}") from None
    for name, plugin in extra_plugins:
        manager.register(plugin, name=name)
    registry = Registry(kinds=frozenset(), loader=lambda wanted: _plugin_rules(manager, wanted))
    registry.ensure(kinds)
    for plugin in manager.get_plugins():
        hook = getattr(plugin, "shiplint_reporters", None)
        if hook is None:
            continue
        formats = hook()
        if isinstance(formats, Mapping):
            registry.reporters.update(formats)
    return registry


_DEFAULT: list[Registry] = []


def default_registry(kinds: Iterable[str] = KINDS) -> Registry:
    """The registry of the installed plugins, loaded once per process, with at least the
    rules for ``kinds``."""
    if not _DEFAULT:
        _DEFAULT.append(load_registry(kinds=kinds))
    else:
        _DEFAULT[0].ensure(kinds)
    return _DEFAULT[0]


@record
class Selection:
    """Which rules run, resolved from select / extend-select / ignore lists."""

    enabled: frozenset[str]
    # Peer sub-codes (e.g. "SC2086") ignored through --ignore or config.
    ignored_subcodes: frozenset[str] = frozenset()

    def __contains__(self, code: object) -> bool:
        return code in self.enabled


def select_rules(
    registry: Registry,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Selection:
    """Default rules (or ``select``), plus ``extend_select``, minus ``ignore``.

    Raises KeyError naming the first selector that matches no rule.
    """
    if select is None:
        enabled = {code for code, rule in registry.rules.items() if rule.enabled_by_default}
    else:
        enabled = set()
        for selector in select:
            enabled |= registry.expand(selector)
    for selector in extend_select:
        enabled |= registry.expand(selector)
    subcodes: set[str] = set()
    for selector in ignore:
        if is_subcode(selector):
            subcodes.add(selector.upper())
            continue
        enabled -= registry.expand(selector)
    return Selection(frozenset(enabled), frozenset(subcodes))


def is_subcode(key: str) -> bool:
    """ShellCheck codes (SC1000-SC9999) are matched against Diagnostic.subcode."""
    upper = key.strip().upper()
    return len(upper) == 6 and upper.startswith("SC") and upper[2:].isdigit()
