"""LNK509 (opt-in): built-in Kubernetes objects against the target Kubernetes version's own schemas.

Opt-in because validating every object with jsonschema costs far more than every other rule
together (see docs/kubernetes-schema.md for the figures), and because the schemas come from the
`schemas` extra (`kubernetes-validate`). The machinery is in ``_k8s_schema``.
"""

from linter.context import value_of
from linter.rule import Example, Severity, rule

_CAP = 20  # findings per object: a wrong file (a values file with a kind) should not bury the rest
_EXTRA = "pip install 'linkerd-lint[schemas]'"


@rule(
    id="LNK509",
    name="kubernetes-schema",
    severity=Severity.ERROR,
    opt_in=True,
    summary="A built-in Kubernetes object has an unknown field or a value of the wrong type for the target "
            "Kubernetes version (opt-in; needs the `schemas` extra).",
    why=(
        "The API server decodes built-in objects into fixed types: a string where an integer belongs "
        "(`replicas: \"3\"`), a number where a string belongs (an env var `value: 8080`, a `yes` read as a boolean) "
        "fails the whole `kubectl apply`. A misspelt field (`contianers`, `livenessprobe`) is worse: kubectl's "
        "default strict field validation (server-side, GA in Kubernetes 1.27) rejects the object, and clients "
        "that do not ask for it (many controllers) have the field dropped with a warning, so the probe or "
        "volume the user wrote silently does not exist. LNK509 checks apiVersion/kinds that the target "
        "Kubernetes version serves (Deployment, Service, ConfigMap, NetworkPolicy, ...) against that version's "
        "OpenAPI schemas, as packaged by kubernetes-validate; custom resources (LNK601/LNK602), unknown kinds and "
        "APIs the version no longer serves (LNK502) are skipped. It does not report missing required fields "
        "(kustomize patches leave them out on purpose), label and annotation values (LNK104), `status`, nulls "
        "(the API server reads null as unset) or the type of a value that holds a GitOps variable. It is opt-in "
        "(`extend-select: [LNK509]`): it costs more than all the other rules together."
    ),
    how_to_fix=(
        "Fix the spelling or the type of the field the finding points at (the message names the field and, for "
        "a misspelt one, the field it most likely meant). Quote numbers and YAML 1.1 booleans (`yes`, `on`) that "
        "belong in string fields. Set `kubernetes-version` so that fields are judged against your cluster's "
        "release. The rule needs the `schemas` extra: " + _EXTRA + "."
    ),
    references=(
        "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
        "https://github.com/kubernetes/enhancements/issues/2885 (server-side unknown field validation: beta 1.25, "
        "GA 1.27; kubectl --validate=strict by default)",
        "https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/ (--validate)",
        "https://github.com/willthames/kubernetes-validate (the packaged schemas: kubernetes-json-schema/"
        "v1.X.0-local-strict)",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  replicas: \"3\"  # <- LNK509 @\"3\"\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
        "          env:\n"
        "            - name: PORT\n"
        "              value: 8080  # <- LNK509 @8080\n"
        "          livenessprobe:  # <- LNK509\n"
        "            httpGet: {path: /healthz, port: 8080}\n",
        config={"kubernetes-version": "1.30"},
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "  creationTimestamp: null\n"
        "spec:\n"
        "  replicas: ${REPLICAS:=3}\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
        "          env:\n"
        "            - name: PORT\n"
        "              value: \"8080\"\n"
        "          resources: {}\n"
        "          livenessProbe:\n"
        "            httpGet: {path: /healthz, port: http}\n"
        "status: {}\n",
        config={"kubernetes-version": "1.30"},
    ),
)
def check(ctx):
    from . import _k8s_schema as schemas

    res = ctx.resource
    root = schemas.schema_root()
    sets = schemas.schema_sets(root) if root is not None else {}
    if not sets:
        _tell_missing(ctx, root)
        return
    use, note = schemas.choose(ctx.settings, sets)
    validator = schemas.validator(sets[use], res.api_version, res.kind)
    if validator is None:
        return
    from linter import schemacheck

    variables: dict = {}
    # Nulls are dropped: the API server decodes null as "unset" for built-in types.
    instance = schemacheck.plain(res.data, (), variables, drop_nulls=True)
    if not isinstance(instance, dict):
        return
    instance.pop("status", None)  # written by controllers, ignored on apply
    from referencing.exceptions import Unresolvable

    try:
        found = [p for p in schemacheck.problems(validator, instance, variables) if _reported(p, instance)]
        later = _later_releases(schemas, sets, use, res, instance, [p for p in found if p.unknown_field])
    except Unresolvable:  # a package release whose schemas are laid out otherwise: stay quiet
        return
    tail = f" ({note})" if note else ""
    for i, p in enumerate(found[:_CAP]):
        more = len(found) - _CAP if i == _CAP - 1 and len(found) > _CAP else 0
        extra = f"; {more} more schema errors in this object not shown" if more else ""
        since = f" (a field of Kubernetes {later[p.path]} and later)" if p.path in later else ""
        ctx.report(schemacheck.locate(res.data, p.path, p.on, res.anchor), p.message + since + tail + extra)


def _later_releases(schemas, sets, use, res, instance, unknown) -> dict:
    """Path of an unknown field -> the first later shipped release that knows it ("1.30").

    Only paid when an object has unknown fields: the object is validated against each newer set
    until every such field is known or the sets run out.
    """
    from linter import schemacheck
    from linter.versions import fmt

    out: dict = {}
    left = {p.path for p in unknown}
    for version in sorted(v for v in sets if v > use):
        if not left:
            break
        newer = schemas.validator(sets[version], res.api_version, res.kind)
        if newer is None:
            continue
        still = {e.path for e in schemacheck.problems(newer, instance) if e.unknown_field}
        for path in left - still:
            out[path] = fmt(version)
        left &= still
    return out


def _reported(p, instance) -> bool:
    if p.keyword == "required":
        return False  # a kustomize/Helm patch leaves required fields out on purpose
    path = p.path
    for i in range(len(path) - 2):
        if path[i] == "metadata" and path[i + 1] in ("labels", "annotations"):
            return False  # label and annotation values: LNK104's
    if p.on == "value":
        cur = instance
        for part in path:
            try:
                cur = cur[part]
            except (KeyError, IndexError, TypeError):
                return True
        if cur is None:
            return False  # a null list item: decoded as the zero value, not a type error
    return True


def _tell_missing(ctx, root) -> None:
    """The user selected LNK509 but it cannot check anything: said on every object, kept once per
    run (``once``: the engine keeps the first, whichever worker process made it)."""
    what = ("needs the schemas extra: " + _EXTRA) if root is None else \
        f"found no schema sets (v1.X.0-local-strict) in {root}: reinstall with {_EXTRA}"
    ctx.report(value_of(ctx.resource.data, "apiVersion"), f"LNK509 {what}; no object was checked against the "
               "Kubernetes schemas", severity=Severity.INFO, once=True)
