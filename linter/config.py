"""Configuration: discovery, validation and the settings every run uses.

Discovery walks from the working directory upwards and stops at the repository
root (a directory holding ``.git``): the first ``.linkerd-lint.yaml``/``.yml`` or
``pyproject.toml`` with a ``[tool.linkerd-lint]`` table wins.  ``--config FILE``
skips discovery.  The file is validated with JSON Schema; a bad file is a usage
error (exit 2) that names the key and the problem.
"""

from __future__ import annotations

import os

from linter.record import Record
from linter.versions import VersionError, parse_kubernetes, parse_linkerd

CONFIG_NAMES = (".linkerd-lint.yaml", ".linkerd-lint.yml")

_ID_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_SEVERITY = {"enum": ["info", "warning", "error"]}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "select": _ID_LIST,
        "ignore": _ID_LIST,
        "extend-select": _ID_LIST,
        "severity": {"type": "object", "additionalProperties": _SEVERITY},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "per-file-ignores": {"type": "object", "additionalProperties": _ID_LIST},
        "linkerd-version": {"type": "string"},
        "kubernetes-version": {"type": "string"},
        "fail-on": {"enum": ["info", "warning", "error", "none"]},
        "proxy-memory-limit-min": {"type": "string"},
        "default-namespace": {"type": "string", "minLength": 1},
        "control-plane-namespace": {"type": "string", "minLength": 1},
        "cluster-domain": {"type": "string", "minLength": 1},
        "context": {"type": "array", "items": {"type": "string"}},
        "proxy-defaults": {
            "type": "object",
            "additionalProperties": {"type": ["string", "integer", "number", "boolean"]},
        },
        "cni": {"type": "boolean"},
        "proxy-init-run-as-root": {"type": "boolean"},
        "cert-expiry-warning-days": {"type": "integer", "minimum": 0},
        # The clock of certificate checks (ISO date or datetime). Unquoted YAML dates are
        # dates, not strings, so the value is checked in apply() rather than here.
        "now": {},
        "assume-complete": {"type": "boolean"},
        "max-file-size": {"type": ["string", "integer"]},  # bytes, or a quantity: 32Mi
        "custom-rules": {"type": "array"},
    },
}


class ConfigError(Exception):
    """A configuration problem: reported on stderr, exit code 2."""


class Settings(Record):
    """Every setting of a run.  A new setting: a slot, an ``__init__`` parameter (same name,
    same place) and its assignment — ``replace()``, ``repr`` and ``==`` follow the slots."""

    __slots__ = (
        "select", "ignore", "extend_select", "severity", "exclude", "per_file_ignores", "linkerd_version",
        "linkerd_version_text", "linkerd_version_source", "kubernetes_version", "kubernetes_version_text",
        "kubernetes_version_source", "fail_on", "proxy_memory_limit_min", "default_namespace",
        "control_plane_namespace", "cluster_domain", "context", "proxy_defaults", "cni", "proxy_init_run_as_root",
        "cert_expiry_warning_days", "now", "assume_complete", "max_file_size", "custom_rules", "config_path",
        "config_text", "base_dir", "cwd", "extra",
    )

    def __init__(
        self,
        select: list | None = None,  # default: ["ALL"]
        ignore: list | None = None,
        extend_select: list | None = None,
        severity: dict | None = None,
        exclude: list | None = None,
        per_file_ignores: dict | None = None,
        linkerd_version: tuple = (2, 18),
        linkerd_version_text: str = "2.18",
        linkerd_version_source: str = "default",
        kubernetes_version: tuple | None = None,
        kubernetes_version_text: str | None = None,
        kubernetes_version_source: str | None = None,
        fail_on: str = "warning",
        proxy_memory_limit_min: str = "64Mi",
        default_namespace: str = "default",
        control_plane_namespace: str = "linkerd",
        cluster_domain: str = "cluster.local",
        context: list | None = None,
        proxy_defaults: dict | None = None,
        cni: bool | None = None,
        proxy_init_run_as_root: bool = False,
        cert_expiry_warning_days: int = 60,
        now: object = None,  # datetime (UTC) fixing the clock of certificate checks; None: the real time
        assume_complete: bool = False,
        max_file_size: int = 16 * 1024 * 1024,  # larger files are reported, not read (linter.source)
        custom_rules: list | None = None,
        config_path: str | None = None,  # the file the settings came from
        config_text: str = "",
        base_dir: str = ".",  # relative paths in the config are relative to this
        cwd: str | None = None,  # the directory display paths are relative to (set by load())
        extra: dict | None = None,  # for third-party packs: raw config keys
    ):
        self.select = ["ALL"] if select is None else select
        self.ignore = [] if ignore is None else ignore
        self.extend_select = [] if extend_select is None else extend_select
        self.severity = {} if severity is None else severity
        self.exclude = [] if exclude is None else exclude
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.linkerd_version = linkerd_version
        self.linkerd_version_text = linkerd_version_text
        self.linkerd_version_source = linkerd_version_source
        self.kubernetes_version = kubernetes_version
        self.kubernetes_version_text = kubernetes_version_text
        self.kubernetes_version_source = kubernetes_version_source
        self.fail_on = fail_on
        self.proxy_memory_limit_min = proxy_memory_limit_min
        self.default_namespace = default_namespace
        self.control_plane_namespace = control_plane_namespace
        self.cluster_domain = cluster_domain
        self.context = [] if context is None else context
        self.proxy_defaults = {} if proxy_defaults is None else proxy_defaults
        self.cni = cni
        self.proxy_init_run_as_root = proxy_init_run_as_root
        self.cert_expiry_warning_days = cert_expiry_warning_days
        self.now = now
        self.assume_complete = assume_complete
        self.max_file_size = max_file_size
        self.custom_rules = [] if custom_rules is None else custom_rules
        self.config_path = config_path
        self.config_text = config_text
        self.base_dir = base_dir
        self.cwd = cwd
        self.extra = {} if extra is None else extra

    def rebase(self, path: str) -> str:
        """A path written in the configuration, relative to the configuration file."""
        return path if os.path.isabs(path) else os.path.normpath(os.path.join(self.base_dir, path))

    def exclude_globs(self, cwd: str, extra=()) -> list:
        """Exclude globs for display paths relative to ``cwd``: ``extra`` (the command line's)
        as given; the configuration's relative to its file (suppress.ConfigGlob), bare names
        matching anywhere."""
        out = list(extra)
        if self.exclude:
            from linter.suppress import ConfigGlob

            out.extend(ConfigGlob(p, self.base_dir, cwd) for p in self.exclude)
        return out

    def context_paths(self, extra=()) -> tuple:
        """(existing, missing) context paths: command-line ones as given, configured ones rebased."""
        paths = list(extra) + [self.rebase(p) for p in self.context]
        return [p for p in paths if os.path.exists(p)], [p for p in paths if not os.path.exists(p)]


def find_config(start: str) -> str | None:
    d = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                return p
        p = os.path.join(d, "pyproject.toml")
        if os.path.isfile(p) and _pyproject_table(p, discovering=True) is not None:
            return p
        if os.path.exists(os.path.join(d, ".git")):
            return None
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def may_name_table(text: str) -> bool:
    """False when a pyproject.toml's text cannot hold a ``tool.linkerd-lint`` table, so that
    discovery does not parse it (importing tomllib costs ~3 ms of a run; most projects'
    pyproject.toml is about something else, ours names linkerd-lint as a project and script).

    True (parse it) when the name is in a table header, on a line that also says ``tool``
    (a dotted key ``tool.linkerd-lint.x = 1``, an inline table ``tool = {linkerd-lint = …}``),
    before the first header (an inline table over several lines, as TOML 1.1 allows), or
    anywhere under a header that says ``tool`` (``[tool]`` then ``linkerd-lint.x = 1``).
    Keys spelled with escapes (``"linkerd\\u002dlint"``) are not recognised.
    """
    if "linkerd-lint" not in text:
        return False
    header = ""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("["):
            header = s
            if "linkerd-lint" in s:
                return True
        elif "linkerd-lint" in s and ("tool" in s or "tool" in header or not header):
            return True
    return False


def _pyproject_table(path: str, *, discovering: bool = False):
    if discovering:
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as e:
            raise ConfigError(f"{path}: cannot read TOML: {e}") from None
        if not may_name_table(raw.decode("utf-8", "replace")):
            return None  # not parsed: a broken pyproject.toml about something else is not our concern
    tomllib = _toml_parser(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read TOML: {e}") from None
    return data.get("tool", {}).get("linkerd-lint")


def _toml_parser(path: str):
    """tomllib (Python 3.11+) or tomli (a dependency on 3.10).  Without either the table could
    only be ignored, and a run with the wrong settings is worse than no run: exit 2."""
    try:
        import tomllib
    except ImportError:
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError(
                f"{path}: reading [tool.linkerd-lint] needs a TOML parser: Python 3.11+ has tomllib; "
                "on Python 3.10 install tomli (pip install 'tomli>=1.1'), or use .linkerd-lint.yaml"
            ) from None
    return tomllib


class _DuplicateKey(Exception):
    def __init__(self, key, line: int, col: int, first: int):
        super().__init__(key)
        self.key, self.line, self.col, self.first = key, line, col, first


def _strict_loader():
    """PyYAML's safe loader (libyaml's parser when there is one) refusing duplicate keys."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Strict(base):
        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for knode, _ in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(knode, deep=True)
                try:
                    first = seen.setdefault(key, knode)
                except TypeError:  # an unhashable key: the constructor words that error
                    continue
                if first is not knode:
                    m = knode.start_mark
                    raise _DuplicateKey(key, m.line + 1, m.column + 1, first.start_mark.line + 1)
            return super().construct_mapping(node, deep=deep)

    return Strict


def load_raw(path: str) -> tuple[dict, str]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read configuration: {e}") from None
    if path.endswith(".toml"):
        table = _pyproject_table(path)
        if table is None:
            raise ConfigError(f"{path}: no [tool.linkerd-lint] table")
        return table, text
    import yaml  # loaded by the reader anyway; not needed before a configuration file is read

    try:
        data = yaml.load(text, Loader=_strict_loader())
    except _DuplicateKey as e:
        raise ConfigError(f"{path}:{e.line}:{e.col}: duplicate key {e.key!r} (first at line {e.first}); "
                          "which one counts would be a guess: keep one") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: configuration is not valid YAML: {getattr(e, 'problem', e)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: configuration must be a mapping of settings")
    return data, text


def _surely_valid(schema: dict, value) -> bool:
    """True when ``value`` plainly satisfies ``schema`` in the few keywords SCHEMA uses; False
    when it does not, or when a keyword is beyond this check: then jsonschema decides (and
    words the error).  Importing jsonschema costs ~50 ms, a third of a pre-commit run."""
    props = schema.get("properties", {})
    for key, rule in schema.items():
        if key in ("$schema", "properties"):
            continue
        if key == "type":
            if not any(_is_type(value, t) for t in (rule if isinstance(rule, list) else [rule])):
                return False
        elif key == "enum":
            if not any(value == e and type(value) is type(e) for e in rule):
                return False
        elif key == "minLength":
            if not isinstance(value, str) or len(value) < rule:
                return False
        elif key == "minimum":
            if not _is_type(value, "number") or value < rule:
                return False
        elif key == "items":
            if not isinstance(value, list) or not all(_surely_valid(rule, v) for v in value):
                return False
        elif key == "additionalProperties":
            if not isinstance(value, dict):
                return False
            for k, v in value.items():
                if k in props:
                    continue
                if rule is False or (isinstance(rule, dict) and not _surely_valid(rule, v)):
                    return False
        else:
            return False
    if props and isinstance(value, dict):
        return all(_surely_valid(props[k], v) for k, v in value.items() if k in props)
    return True


_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "null": type(None)}


def _is_type(value, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    t = _TYPES.get(name)
    return t is not None and isinstance(value, t)


def validate(data: dict, path: str) -> None:
    if _surely_valid(SCHEMA, data):
        return
    import jsonschema  # imported only when the configuration may be wrong: it words the error

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    lines = []
    for err in errors[:10]:
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        if err.validator == "additionalProperties" and not err.absolute_path:
            extra = sorted(set(data) - set(SCHEMA["properties"]))
            lines.append(f"unknown setting(s) {', '.join(map(repr, extra))}")
            continue
        msg = err.message
        if err.validator == "type" and isinstance(err.instance, float):
            msg += " (YAML reads unquoted 2.20 as the number 2.2: quote versions)"
        lines.append(f"{where}: {msg}")
    raise ConfigError(f"{path}: invalid configuration:\n  " + "\n  ".join(lines))


def build(data: dict, path: str | None, text: str = "") -> Settings:
    s = Settings(config_path=path, config_text=text)
    s.base_dir = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
    apply(s, data, source=path or "configuration")
    return s


def apply(s: Settings, data: dict, source: str) -> None:
    """Overlay ``data`` (config file keys, or the command line's) onto settings."""
    for key, value in data.items():
        attr = key.replace("-", "_")
        if key == "linkerd-version":
            try:
                s.linkerd_version = parse_linkerd(value)
            except VersionError as e:
                raise ConfigError(f"{source}: linkerd-version: {e}") from None
            s.linkerd_version_text, s.linkerd_version_source = str(value), source
            _warn_if_before_data(source, value, s.linkerd_version)
        elif key == "kubernetes-version":
            try:
                s.kubernetes_version = parse_kubernetes(value)
            except VersionError as e:
                raise ConfigError(f"{source}: kubernetes-version: {e}") from None
            s.kubernetes_version_text, s.kubernetes_version_source = str(value), source
        elif key == "proxy-memory-limit-min":
            from linter.values import parse_quantity

            if parse_quantity(value) is None:
                raise ConfigError(f"{source}: proxy-memory-limit-min: {value!r} is not a Kubernetes quantity")
            s.proxy_memory_limit_min = value
        elif key == "proxy-defaults":
            s.proxy_defaults = _proxy_defaults(value, source)
        elif key in ("default-namespace", "control-plane-namespace"):
            if not isinstance(value, str) or not _is_dns_label(value):
                raise ConfigError(
                    f"{source}: {key}: {value!r} is not a namespace name (a DNS-1123 label: at most 63 lower-case "
                    "letters, digits and '-', starting and ending with a letter or digit)"
                )
            setattr(s, attr, value)
        elif key == "max-file-size":
            from linter.values import parse_quantity

            size = parse_quantity(value)
            if size is None or size < 1 or size != int(size):
                raise ConfigError(f"{source}: max-file-size: {value!r} is not a size in bytes (32Mi, 33554432)")
            s.max_file_size = int(size)
        elif key == "now":
            from linter.clock import parse_now

            try:
                s.now = parse_now(value)
            except ValueError as e:
                raise ConfigError(f"{source}: now: {e}") from None
        elif attr in type(s)._fields and attr not in ("extra", "config_path", "config_text", "base_dir", "cwd"):
            setattr(s, attr, value)
        else:
            s.extra[key] = value


_QUANTITY_SETTINGS = tuple(f"config.linkerd.io/proxy-{r}-{k}" for r in ("cpu", "memory", "ephemeral-storage") for k in ("request", "limit"))


def _proxy_defaults(value: dict, source: str) -> dict:
    """``proxy-defaults`` keyed by the annotation each entry stands for: a known proxy setting
    (config.linkerd.io/..., or its name alone), quantities that are quantities."""
    from linter.annotations import CONFIG_KEYS
    from linter.values import parse_quantity

    out = {}
    for k, v in value.items():
        key = k if "/" in k else "config.linkerd.io/" + k
        if key not in CONFIG_KEYS and "/" not in k:  # a name known under the alpha/beta prefix only
            named = [c for c in CONFIG_KEYS if c.endswith("/" + k)]
            key = named[-1] if named else key
        if key not in CONFIG_KEYS:
            import difflib

            names = [c.split("/", 1)[1] for c in CONFIG_KEYS] if "/" not in k else list(CONFIG_KEYS)
            near = difflib.get_close_matches(k, names, n=1, cutoff=0.75)
            hint = f" (did you mean {near[0]!r}?)" if near else " (see the proxy configuration annotations: config.linkerd.io/...)"
            raise ConfigError(f"{source}: proxy-defaults: {k!r} is not a proxy setting Linkerd knows{hint}")
        text = str(v).lower() if isinstance(v, bool) else str(v)
        if key in _QUANTITY_SETTINGS and parse_quantity(text) is None:
            raise ConfigError(f"{source}: proxy-defaults: {k}: {text!r} is not a Kubernetes quantity (e.g. 256Mi, 500m, 1)")
        out[key] = text
    return out


def _is_dns_label(name: str) -> bool:
    n = len(name)
    return 0 < n <= 63 and name.isascii() and name[0].isalnum() and name[-1].isalnum() and (
        name.replace("-", "").isalnum() and name == name.lower()
    )


def _warn_if_before_data(source: str, value, line: tuple) -> None:
    """A release older than linkerd-lint's version data is accepted, but said so: the rules that
    depend on the version do not judge it."""
    from linter.rules._linkerd_releases import OLDEST_LINE

    if tuple(line) < tuple(OLDEST_LINE):
        import sys

        oldest = ".".join(map(str, OLDEST_LINE))
        print(
            f"linkerd-lint: warning: {source}: linkerd-version {value}: linkerd-lint has no data for Linkerd releases "
            f"before {oldest}; the rules that depend on the Linkerd version do not judge it",
            file=sys.stderr,
        )


def load(config_file: str | None, cwd: str) -> Settings:
    path = config_file or find_config(cwd)
    if path is None:
        s = Settings()
        s.base_dir = s.cwd = cwd
        return s
    if config_file and not os.path.isfile(config_file):
        raise ConfigError(f"{config_file}: configuration file not found")
    data, text = load_raw(path)
    validate(data, path)
    s = build(data, path, text)
    s.cwd = cwd
    if s.per_file_ignores:  # patterns relative to the configuration file, matched against display paths
        from linter.suppress import ConfigGlob

        s.per_file_ignores = {ConfigGlob(k, s.base_dir, cwd): v for k, v in s.per_file_ignores.items()}
    return s
