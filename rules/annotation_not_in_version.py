from linter.annotations import CATALOGUE, VALUES_SINCE
from linter.context import key_of, value_of
from linter.located import YMap
from linter.rule import Example, Severity, rule
from linter.values import resolve_vars
from linter.versions import fmt, judged_target

from . import _native
from ._common import mapping
from ._linkerd_releases import OLDEST_LINE

_ROUTE_KINDS = ("Service", "HTTPRoute", "GRPCRoute", "EgressNetwork")


@rule(
    id="LNK505",
    name="annotation-not-in-version",
    severity=Severity.WARNING,
    severities=(Severity.WARNING, Severity.INFO),
    summary="A Linkerd annotation key or value that the target Linkerd version does not read yet, or no longer reads.",
    why=(
        "Linkerd ignores annotation keys and values it does not know, without a word: `config.linkerd.io/proxy-cpu-ratio-limit` "
        "before 2.18, `retry.linkerd.io/*` and `timeout.linkerd.io/*` before 2.16, `default-inbound-policy: audit` before "
        "2.16 leave the proxy or route with its defaults; `config.linkerd.io/init-image` does nothing from 2.20, where "
        "proxy-init ships in the proxy image. The setting looks applied in Git and is not in the cluster."
    ),
    how_to_fix=(
        "Upgrade Linkerd to the release the message names, or drop the annotation; if the target version is wrong, set "
        "it (--linkerd-version or `linkerd-version` in .linkerd-lint.yaml)."
    ),
    references=(
        "linkerd/linkerd2 pkg/k8s/labels.go at each release tag (which keys exist), pkg/inject/inject.go (ApplyAnnotationOverrides)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index.rs (retry, timeout and balancer annotations), src/defaults.rs (audit)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
    ),
    bad=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-cpu-ratio-limit: '0.5'  # <- LNK505\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"linkerd-version": "2.17"},
    ),
    good=Example(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "spec:\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "      annotations:\n"
        "        linkerd.io/inject: enabled\n"
        "        config.linkerd.io/proxy-cpu-limit: '1'\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n",
        config={"linkerd-version": "2.17"},
    ),
)
def check(ctx):
    res = ctx.resource
    places = []
    if res.kind == "Namespace" and res.metadata is not None:
        places.append((res.metadata, "pod"))
    elif ctx.pod is not None and ctx.pod.metadata is not None:
        places.append((ctx.pod.metadata, "pod"))
    if res.kind in _ROUTE_KINDS and res.metadata is not None:
        places.append((res.metadata, "service"))
    if not places:
        return
    lv = judged_target(ctx.settings)
    lk = lv.name
    for meta, where in places:
        ann = mapping(meta, "annotations")
        if ann is None:
            continue
        for key in ann:
            meta_key = CATALOGUE.get(key) if isinstance(key, str) else None
            if meta_key is None or meta_key.where != where or key in _native.KEYS:
                continue
            if not lv.covered:  # no data this old: one notice for the run, no judgment
                ctx.report(key_of(ann, key), f"{lk} is older than {fmt(OLDEST_LINE)}, the oldest release linkerd-lint "
                           "has version data for: Linkerd annotations are not checked against it", severity=Severity.INFO,
                           once=True)
                return
            if meta_key.since > lv.upto:
                ctx.report(key_of(ann, key), f"{key} is read from Linkerd {fmt(meta_key.since)} on; {lk} ignores it")
            elif meta_key.until is not None and meta_key.until <= lv.line:
                ctx.report(key_of(ann, key), f"{key} is no longer read since Linkerd {fmt(meta_key.until)}; {lk} ignores it")
            else:
                _value(ctx, ann, key, lv, lk)


def _value(ctx, ann: YMap, key, lv, lk):
    text = resolve_vars(ann[key]) if isinstance(ann[key], str) else None
    since = VALUES_SINCE.get((key, text)) if text is not None else None
    if since is not None and since > lv.upto:
        ctx.report(value_of(ann, key), f"{key}: {text} is accepted from Linkerd {fmt(since)} on; {lk} does not accept it")
