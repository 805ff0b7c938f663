"""Deterministic corpus of realistic manifests for the benchmarks.

Each file is a multi-document stream like a GitOps repository holds: a workload
(Deployment mostly; StatefulSet, DaemonSet, Job, CronJob, Argo Rollout, ReplicaSet,
bare Pod) with its ServiceAccount and Service, often a NetworkPolicy, sometimes a
Namespace, ConfigMap or Linkerd resources (Server, AuthorizationPolicy,
MeshTLSAuthentication, HTTPRoute, ServiceProfile), with comments.  About 3% of the
files are broken (bad YAML, invalid inject values, misplaced annotations) so error
paths are measured too.  The same seed gives the same bytes on every machine.

    python benchmarks/gen_corpus.py OUT_DIR --files 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random

WORKLOADS = ("Deployment",) * 4 + ("StatefulSet", "DaemonSet", "Job", "CronJob", "Rollout", "ReplicaSet", "Pod")


def _containers(rng, name, n):
    out = []
    for i in range(n):
        port = rng.choice((8080, 8443, 9090, 3000, 5000, 6379, 5432))
        out.append(
            f"""        - name: {name}{'' if i == 0 else f'-side{i}'}
          image: ghcr.io/example/{name}:{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}
          imagePullPolicy: IfNotPresent
          args: ["--port={port}", "--log-level=info"]
          ports:
            - name: http{i}
              containerPort: {port}
              protocol: TCP
          env:
            - name: APP_NAME
              value: "{name}"
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
          readinessProbe:
            httpGet:
              path: /ready
              port: {port}
            periodSeconds: 10
          resources:
            requests:
              cpu: {rng.choice(('50m', '100m', '250m'))}
              memory: {rng.choice(('64Mi', '128Mi', '256Mi'))}
            limits:
              memory: {rng.choice(('256Mi', '512Mi', '1Gi'))}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true"""
        )
    return "\n".join(out)


def _pod_annotations(rng, broken):
    lines = []
    choice = rng.random()
    if broken == "inject":
        lines.append('        linkerd.io/inject: "true"')
    elif choice < 0.5:
        lines.append("        linkerd.io/inject: enabled")
    if rng.random() < 0.6:
        lines.append(f"        config.linkerd.io/proxy-memory-limit: {rng.choice(('128Mi', '256Mi', '32Mi', '128MB'))}")
    if rng.random() < 0.3:
        lines.append("        config.linkerd.io/proxy-cpu-request: 100m")
    if rng.random() < 0.2:
        lines.append('        config.linkerd.io/opaque-ports: "5432,6379"')
    if rng.random() < 0.1:
        lines.append("        prometheus.io/scrape: \"true\"")
    if not lines:
        return ""
    return "      annotations:\n" + "\n".join(lines) + "\n"


def _workload(rng, kind, name, ns, broken):
    meta_ann = "  annotations:\n    linkerd.io/inject: enabled\n" if broken == "misplaced" else ""
    if kind == "Pod":
        return _pod(rng, name, ns, broken, meta_ann)
    pod = (
        f"""    metadata:
      labels:
        app: {name}
        app.kubernetes.io/part-of: shop
{_pod_annotations(rng, broken)}    spec:
      serviceAccountName: {name}
      {'restartPolicy: Never' if kind in ('Job', 'CronJob') else 'terminationGracePeriodSeconds: 30'}
      containers:
{_containers(rng, name, rng.choice((1, 1, 2)))}
"""
    )
    api = {"Job": "batch/v1", "CronJob": "batch/v1", "Rollout": "argoproj.io/v1alpha1"}.get(kind, "apps/v1")
    head = f"""# {kind} for {name}: owned by team-{rng.randint(1, 20)}
apiVersion: {api}
kind: {kind}
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
{meta_ann}spec:
"""
    if kind == "CronJob":
        indented = "\n".join(("    " + l) if l else l for l in pod.splitlines())
        return head + f"""  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
{indented}
"""
    sel = "" if kind == "Job" else f"  selector:\n    matchLabels:\n      app: {name}\n"
    extra = "  replicas: 2\n" if kind in ("Deployment", "StatefulSet", "Rollout") else ""
    return head + extra + sel + "  template:\n" + pod


def _dedent(text: str, n: int) -> str:
    return "\n".join(line[n:] if line.startswith(" " * n) else line for line in text.split("\n"))


def _pod(rng, name, ns, broken, meta_ann):
    """A bare Pod: the template's metadata and spec are its own (annotations included)."""
    ann = _dedent(_pod_annotations(rng, broken), 4)
    return f"""# one-off Pod {name}
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
{meta_ann or ann}spec:
  serviceAccountName: {name}
  containers:
{_dedent(_containers(rng, name, 1), 4)}
"""


def _service_account(name, ns):
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
"""


def _service(rng, name, ns):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app: {name}
  ports:
    - name: http
      port: 80
      targetPort: http0
"""


def _netpol(name, ns):
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}-ingress
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app: {name}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {ns}
      ports:
        - port: 8080
        - port: 4143
"""


def _namespace(rng, ns):
    inject = rng.choice(("enabled", "enabled", "disabled"))
    return f"""apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  annotations:
    linkerd.io/inject: {inject}
    config.linkerd.io/proxy-memory-limit: 256Mi
"""


def _linkerd_routes(rng, name, ns):
    routes = f"""apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata:
  name: {name}-api
  namespace: {ns}
spec:
  parentRefs:
    - name: {name}-http
      kind: Server
      group: policy.linkerd.io
  rules:
    - matches:
        - path:
            value: /api/v{rng.randint(1, 3)}
            type: PathPrefix
          method: GET
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata:
  name: {name}-clients
  namespace: {ns}
spec:
  identities:
    - "*.{ns}.serviceaccount.identity.linkerd.cluster.local"
"""
    if rng.random() < 0.5:
        routes += f"""---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata:
  name: {name}.{ns}.svc.cluster.local
  namespace: {ns}
spec:
  routes:
    - name: GET /api
      condition:
        method: GET
        pathRegex: /api/.*
      isRetryable: true
  retryBudget:
    retryRatio: 0.2
    minRetriesPerSecond: 10
    ttl: 10s
"""
    return routes


def _linkerd_policy(name, ns):
    return f"""apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: {name}-http
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app: {name}
  port: http0
  proxyProtocol: HTTP/1
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: {name}-http
  namespace: {ns}
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: {name}-http
  requiredAuthenticationRefs:
    - name: {name}-clients
      kind: MeshTLSAuthentication
      group: policy.linkerd.io
"""


def _configmap(rng, name, ns):
    body = "\n".join(f"    line {i}: value {rng.randint(0, 10**6)}" for i in range(rng.randint(5, 30)))
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  app.yaml: |
{body}
"""


def make_file(rng: random.Random, index: int) -> str:
    ns = f"team-{index % 50}"
    name = f"svc-{index}"
    roll = rng.random()
    broken = None
    if roll < 0.01:
        broken = "syntax"
    elif roll < 0.02:
        broken = "inject"
    elif roll < 0.03:
        broken = "misplaced"
    kind = rng.choice(WORKLOADS)
    docs = [_workload(rng, kind, name, ns, broken)]
    if rng.random() < 0.7:
        docs.insert(0, _service_account(name, ns))
    if kind not in ("Job", "CronJob"):
        docs.append(_service(rng, name, ns))
    if rng.random() < 0.4:
        docs.append(_netpol(name, ns))
    if rng.random() < 0.3:
        docs.append(_configmap(rng, name, ns))
    if rng.random() < 0.15:
        docs.append(_linkerd_policy(name, ns))
        if rng.random() < 0.5:
            docs.append(_linkerd_routes(rng, name, ns))
    if index % 50 == 0:
        docs.insert(0, _namespace(rng, ns))
    text = "---\n".join(docs)
    if broken == "syntax":
        text = text.replace("  labels:\n", "  labels:\n   bad: [indent\n", 1)
    return text


def generate(out_dir: str, files: int, seed: int = 1) -> list:
    rng = random.Random(seed)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i in range(files):
        sub = os.path.join(out_dir, f"team-{i % 50:02d}")
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"svc-{i:05d}.yaml")
        with open(path, "w") as fh:
            fh.write(make_file(rng, i))
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.out, args.files, args.seed)
    size = sum(os.path.getsize(p) for p in paths)
    print(f"{len(paths)} files, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
