from linter.fixes import replace_scalar
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars

from ._common import mapping
from ._grammar import port_entries
from ._ports import OPAQUE, POLICY_OUTBOUND_SINCE, entry_where, service_ports


@rule(
    id="LNK305",
    name="named-port-in-service-opaque-ports",
    severity=Severity.WARNING,
    fixable=True,
    kinds=("Service",),
    summary="A Service's `config.linkerd.io/opaque-ports` holds a port name; the policy controller accepts only numbers and ranges.",
    why=(
        "Meshed clients learn which Service ports are opaque from Linkerd's policy controller (2.13+). It parses "
        "the Service's `opaque-ports` as numbers and `lo-hi` ranges only, and one entry it cannot parse makes it "
        "discard the whole list: the Service then has no opaque port at all, not even the defaults, and "
        "server-speaks-first protocols behind it stall on protocol detection. Port names work on pods (the "
        "injector resolves them), which is why they end up on Services too."
    ),
    how_to_fix="Write the Service port numbers instead of their names (`--fix` does it when the names are the Service's own port names).",
    references=(
        "linkerd/linkerd2 policy-controller/k8s/index/src/ports.rs (parse_portset: NonZeroU16 or ranges)",
        "linkerd/linkerd2 policy-controller/k8s/index/src/outbound/index.rs (ports_annotation on the Service)",
        "https://linkerd.io/2-edge/features/protocol-detection/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: db\n"
        "  annotations:\n"
        "    config.linkerd.io/opaque-ports: \"mysql\"  # <- LNK305 @mysql\n"
        "spec:\n"
        "  selector: {app: db}\n"
        "  ports:\n"
        "    - name: mysql\n"
        "      port: 3306\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: db\n"
        "  annotations:\n"
        "    config.linkerd.io/opaque-ports: \"3306\"\n"
        "spec:\n"
        "  selector: {app: db}\n"
        "  ports:\n"
        "    - name: mysql\n"
        "      port: 3306\n"
    ),
)
def check(ctx):
    res = ctx.resource
    if res.group != "" or ctx.settings.linkerd_version < POLICY_OUTBOUND_SINCE:
        return
    ann = mapping(res.metadata, "annotations") if res.metadata is not None else None
    if ann is None or not isinstance(ann.get(OPAQUE), str):
        return
    raw = ann[OPAQUE]
    text = resolve_vars(raw)
    if text is None:
        return
    entries = port_entries(text)
    names = [i for i, e in enumerate(entries) if e.kind == "name"]
    if not names:
        return
    by_name = {sp.name: sp.port for sp in service_ports(res) if sp.name and sp.port is not None}
    first = entries[names[0]].raw.strip()
    fix = None
    if raw == text and all(entries[i].raw.strip() in by_name for i in names):
        new = ",".join(str(by_name[e.raw.strip()]) if e.kind == "name" else e.raw.strip() for e in entries if e.kind != "empty")
        where = ctx.value(ann, OPAQUE)
        fix = Fix(f"write the port numbers: {new}", (replace_scalar(ctx.source, where.span, new),))
    shown = ", ".join(repr(entries[i].raw.strip()) for i in names)
    hint = f" (port {by_name[first]})" if first in by_name else ""
    ctx.report(
        entry_where(ctx.source, ann, OPAQUE, names[0], entries) if raw == text else ctx.value(ann, OPAQUE),
        f"{OPAQUE} on Service {res.name} names ports ({shown}{hint}); Linkerd's policy controller accepts only "
        "numbers and ranges, discards the whole list, and no port of this Service is opaque",
        fix=fix,
    )
