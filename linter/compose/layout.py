"""What a compose file's top level may hold, and the legacy (Compose v1) layout.

Shared by the file-kind sniffer (is this YAML a compose file?) and the loader (does this
file write its services at the top level, as Compose v1 did?). Plain data: no YAML here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# compose-spec's top-level properties (besides ``x-*`` extensions).
TOP_LEVEL = frozenset(
    {
        "version",
        "name",
        "include",
        "services",
        "networks",
        "volumes",
        "secrets",
        "configs",
        "models",
    }
)
# A v1 service needed an image or a build, or took them from the service it extends.
V1_SERVICE_KEYS = frozenset({"image", "build", "extends"})
# Service keys of the v1 format that the compose specification no longer has.
V1_ONLY_KEYS = {
    "net": "network_mode",
    "dockerfile": "build.dockerfile",
    "log_driver": "logging.driver",
    "log_opt": "logging.options",
    "volume_driver": "a named volume with its own driver",
}


def is_v1_service(keys: Iterable[str] | None) -> bool:
    """Whether a top-level mapping with these keys is a service of the legacy layout."""
    return keys is not None and any(key in V1_SERVICE_KEYS for key in keys)


def foreign_keys(top: Iterable[str]) -> list[str]:
    """Top-level keys that are neither compose's own nor ``x-*`` extensions."""
    return [key for key in top if key not in TOP_LEVEL and not key.startswith("x-")]


def legacy_services(top: Mapping[str, Iterable[str] | None]) -> list[str]:
    """The services of a legacy-layout file, or [] when the file is not one.

    ``top`` maps each top-level key to the keys of its value (None when the value is not a
    mapping). The layout is legacy when there is no ``services`` key and every key that is
    not compose's own holds a service.
    """
    if "services" in top:
        return []
    foreign = foreign_keys(top)
    if foreign and all(is_v1_service(top[key]) for key in foreign):
        return foreign
    return []
