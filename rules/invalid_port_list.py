from linter.context import value_of
from linter.fixes import replace_scalar
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars

from ._common import mapping, metadata_maps, widens_exposure
from ._grammar import describe_entry, port_entries
from ._ports import OPAQUE, entry_where, named_ports

SKIP_IN = "config.linkerd.io/skip-inbound-ports"
SKIP_OUT = "config.linkerd.io/skip-outbound-ports"
REQUIRE_ID = "config.linkerd.io/proxy-require-identity-inbound-ports"
POD_INBOUND = "config.linkerd.io/pod-inbound-ports"
POD_INBOUND_UNTIL = (2, 16)  # from 2.16 the injector overwrites it with the computed list

_CONSEQUENCE = {
    SKIP_IN: "proxy-init drops that entry, so its traffic still goes through the proxy",
    SKIP_OUT: "proxy-init drops that entry, so its traffic still goes through the proxy",
    REQUIRE_ID: "Linkerd's policy controller then discards the whole list: no port requires identity",
    POD_INBOUND: "the proxy rejects the list",
}
_POD_OPAQUE = (
    "the injector drops that entry, and Linkerd's policy controller, which reads the list too, then treats none of "
    "the pod's ports as opaque"
)
_SERVICE_OPAQUE = (
    "Linkerd's policy controller discards the whole list: no port of this Service is opaque, not even the defaults"
)


@rule(
    id="LNK302",
    name="invalid-port-list",
    severity=Severity.ERROR,
    fixable=True,
    kinds=("Namespace", "PodTemplate", "Service"),
    summary="A Linkerd port-list annotation is not a comma list of ports 1-65535 and lo-hi ranges.",
    why=(
        "`skip-inbound-ports`, `skip-outbound-ports`, `opaque-ports`, `proxy-require-identity-inbound-ports` and "
        "(before 2.16) `pod-inbound-ports` are read by several programs, none of which reports a bad entry where "
        "you would see it. proxy-init drops entries it cannot parse, and it does not trim spaces: in "
        "`skip-outbound-ports: \"25, 587\"` the second entry is ` 587` and is not skipped. Linkerd's policy "
        "controller reads opaque and require-identity lists with a stricter parser and discards the *whole* list on "
        "one bad entry. On pods, an opaque-ports entry may name a container port, which must then exist."
    ),
    how_to_fix=(
        "Write numbers from 1 to 65535 and ranges like `4000-4010`, separated by commas without spaces; on a pod, "
        "use only container port names the pod declares."
    ),
    references=(
        "linkerd/linkerd2-proxy-init pkg/iptables/iptables.go (makeMultiportDestinations drops bad entries), pkg/util/portrange.go",
        "linkerd/linkerd2 policy-controller/k8s/index/src/ports.rs (parse_portset, ports_annotation)",
        "linkerd/linkerd2 pkg/util/parsing.go (ParseContainerOpaquePorts)",
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
        "        config.linkerd.io/skip-outbound-ports: \"25, 587\"  # <- LNK302 @587\n"
        "        config.linkerd.io/opaque-ports: \"3306\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
        "          ports:\n"
        "            - containerPort: 3306\n"
        "              name: mysql\n"
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
        "        config.linkerd.io/skip-outbound-ports: \"25,587,${EXTRA_SKIP:=9000-9010}\"\n"
        "        config.linkerd.io/opaque-ports: \"3306,mysql\"\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: nginx:1.27\n"
        "          ports:\n"
        "            - containerPort: 3306\n"
        "              name: mysql\n"
    ),
)
def check(ctx):
    res = ctx.resource
    version = ctx.settings.linkerd_version
    if res.kind == "Service":
        if res.group == "":
            ann = mapping(res.metadata, "annotations") if res.metadata is not None else None
            if ann is not None and OPAQUE in ann:
                _check(ctx, ann, OPAQUE, "service", None)
        return
    for meta, role in metadata_maps(res):
        if role not in ("namespace", "pod"):
            continue
        ann = mapping(meta, "annotations")
        if ann is None:
            continue
        named = named_ports(ctx.pod, ctx.settings) if role == "pod" and ctx.pod is not None else None
        for key in (SKIP_IN, SKIP_OUT, OPAQUE, REQUIRE_ID, POD_INBOUND):
            if key == POD_INBOUND and version >= POD_INBOUND_UNTIL:
                continue
            if key in ann:
                _check(ctx, ann, key, role, named)


def _check(ctx, ann, key, role, named):
    raw = ann[key]
    if not isinstance(raw, str):
        return  # a YAML number is LNK104's (a single port is otherwise fine)
    text = resolve_vars(raw)
    if text is None:
        return
    entries = port_entries(text)
    skip = key in (SKIP_IN, SKIP_OUT)
    problems = []
    for i, e in enumerate(entries):
        if e.kind == "empty":
            continue
        if e.kind == "name":
            if key != OPAQUE:
                problems.append((i, f"{e.raw.strip()!r} is not a port number (this list takes no names)"))
            elif role == "pod" and named is not None and e.raw.strip() not in named:
                problems.append((i, f"{e.raw.strip()!r} names no container port of this pod"))
            # Namespace: resolved per pod; Service: LNK305's
            continue
        if e.kind not in ("port", "range"):
            problems.append((i, describe_entry(e)))
        elif skip and any(c.isspace() for c in e.raw):
            problems.append((i, f"{e.raw!r} has spaces, which proxy-init does not trim"))
    if not problems:
        return
    index, problem = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    consequence = _SERVICE_OPAQUE if role == "service" else _POD_OPAQUE if key == OPAQUE else _CONSEQUENCE[key]
    where = entry_where(ctx.source, ann, key, index, entries) if raw == text else value_of(ann, key)
    fix = None
    compact = ",".join("".join(e.raw.split()) for e in entries)
    if skip and raw == text and compact != text and all(
        e.kind in ("port", "range", "empty") for e in port_entries(compact)
    ):
        # the entries start to bypass the proxy (no mTLS, no policy): as the text asks, but a reviewer decides
        fix = Fix(f"remove the spaces from {key}", (replace_scalar(ctx.source, value_of(ann, key).span, compact),),
                  safe=not widens_exposure(key, compact))
    ctx.report(where, f"{key}: {problem}{more}; {consequence}", fix=fix)
