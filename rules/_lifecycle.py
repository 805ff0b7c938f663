"""Effective native-sidecar and /shutdown settings of a meshed pod, version by version.

Sources (linkerd/linkerd2):

* ``pkg/inject/inject.go`` (``ApplyAnnotationOverrides``): 2.15-2.18 read only
  ``config.alpha.linkerd.io/proxy-enable-native-sidecar``; 2.19 reads the beta key, else the
  alpha key; 2.20 reads the GA key, else beta, else alpha.  The first key *present* decides:
  a value ``strconv.ParseBool`` rejects is ignored (the Helm default stays) and does not fall
  through to the next key.
* ``charts/linkerd-control-plane/values.yaml`` ``proxy.nativeSidecar``: false in 2.15-2.19,
  true from 2.20; ``proxy.enableShutdownEndpoint`` (added in 2.16 by commit 35fb2d6d1): false.
* ``config.linkerd.io/proxy-admin-shutdown`` takes ``enabled``/``disabled`` only; anything
  else is logged and ignored.
"""

from __future__ import annotations

from linter.annotations import CATALOGUE

from ._native import ALPHA, BETA, DEFAULT_ON_FROM, GA, KEYS
from ._native import parse_bool as go_bool

ADMIN_SHUTDOWN = "config.linkerd.io/proxy-admin-shutdown"
ADMIN_PORT = "config.linkerd.io/admin-port"
WAIT_BEFORE_EXIT = "config.alpha.linkerd.io/proxy-wait-before-exit-seconds"

# When each native-sidecar key is read: the annotation catalogue (rules/_linkerd_annotations.py).
NATIVE_SINCE = CATALOGUE[ALPHA].since
SHUTDOWN_OPT_IN_SINCE = CATALOGUE[ADMIN_SHUTDOWN].since


def native_keys(version: tuple) -> tuple:
    """The native-sidecar annotation keys the injector reads, highest precedence first."""
    return tuple(key for key in KEYS if CATALOGUE[key].since <= version)


def _from_config(mesh):
    """The Helm value as told to linkerd-lint (proxy-defaults), under any of the key spellings."""
    for key in (GA, BETA, ALPHA):
        v = mesh.get(key)
        if v is not None and v.source in ("config", "helm"):
            text = v.text
            if text is None:
                return None, v
            b = go_bool(str(text))
            if b is not None:
                return b, v
    return "default", None


def native_sidecar(mesh, version: tuple):
    """(on, value): on is True/False, or None when a GitOps variable hides it.

    value is the annotation the injector reads for it (even when its text is ignored),
    or the configured Helm value, or None for the release's default.
    """
    keys = native_keys(version)
    if not keys:
        return False, None
    base, base_value = _from_config(mesh)
    if base == "default":
        base, base_value = version >= DEFAULT_ON_FROM, None
    for key in keys:
        v = mesh.get(key)
        if v is None or v.source in ("config", "helm"):
            continue
        text = v.text
        if text is None:
            return None, v
        # an unquoted YAML boolean is LNK104's finding; judge the intent here
        b = text if isinstance(text, bool) else go_bool(str(text))
        # an unparseable value is ignored: the baseline stays (v is still the key to fix)
        return (b, v) if b is not None else (base, v)
    return base, base_value


def admin_shutdown(mesh, version: tuple):
    """(enabled, value): is the proxy's /shutdown endpoint served?  None: hidden by a variable."""
    if version < SHUTDOWN_OPT_IN_SINCE:
        return True, None  # always served before the opt-in switch existed
    v = mesh.get(ADMIN_SHUTDOWN)
    if v is None:
        return False, None
    text = v.text
    if text is None:
        return None, v
    if text in ("enabled", "disabled"):
        return text == "enabled", v
    return False, v  # ignored by the injector: the default (disabled) stays


def admin_port(mesh) -> int | None:
    v = mesh.get(ADMIN_PORT)
    if v is None:
        return 4191
    text = v.text
    try:
        return int(str(text))
    except ValueError:
        return 4191 if text is not None else None
