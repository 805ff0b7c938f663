"""What Linkerd reads from (and writes onto) Kubernetes metadata, release by release.

The facts (the annotation catalogue with each key's releases and source, the version-gated
values) live in one place, the data module ``rules/_linkerd_annotations.py``; this module
re-exports them for the engine and for code that imported them from here, and adds the
lookups the engine needs.
"""

from __future__ import annotations

from functools import lru_cache

from linter.rules._linkerd_annotations import (  # noqa: F401  (re-exported)
    ADMISSION_WEBHOOKS,
    CATALOGUE,
    INJECT,
    INJECT_VALUES,
    PREFIXES,
    VALUE_GATES,
    VALUES_SINCE,
    Key,
    Value,
)

CONFIG_PREFIXES = PREFIXES[1:]
CONFIG_KEYS = tuple(k for k in CATALOGUE if k.startswith(CONFIG_PREFIXES) and CATALOGUE[k].where == "pod")


def is_linkerd_key(key: str) -> bool:
    return isinstance(key, str) and key.startswith(PREFIXES)


def is_config_key(key: str) -> bool:
    return isinstance(key, str) and key.startswith(CONFIG_PREFIXES)


@lru_cache(maxsize=None)  # asked once per pod template: the catalogue does not change during a run
def inheritable(version: tuple) -> frozenset:
    return frozenset(k for k, meta in CATALOGUE.items() if meta.inherited_in(version) and meta.read_in(version))
