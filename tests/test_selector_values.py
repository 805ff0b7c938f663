"""LNK104 beyond metadata: the other string maps of built-in objects (Service selector, matchLabels of
label selectors, nodeSelector, StatefulSet volumeClaimTemplates metadata) take strings only; custom
resources with look-alike fields are not judged."""

from .lintkit import lint

WORKLOADS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector:
    matchLabels: &labels
      app: db
      tier: 2
  serviceName: db
  template:
    metadata:
      labels: *labels
    spec:
      nodeSelector:
        gpu: true
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels: {app: db, primary: yes}
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: zone
              labelSelector: {matchLabels: {cache: on}}
              namespaceSelector: {matchLabels: {env: 1.5}}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector:
            matchLabels:
              app: db
              shard: 0
      containers:
        - {name: db, image: postgres}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          backup: true
        annotations:
          size-gb: 10
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 10Gi}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: '0 1 * * *'
  jobTemplate:
    spec:
      selector: {matchLabels: {run: 1}}
      template:
        spec:
          restartPolicy: Never
          containers: [{name: a, image: b}]
"""

OTHERS = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector:
    app: db
    canary: no
  ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector:
    matchLabels: {app: db, v: 2}
  ingress:
    - from:
        - podSelector: {matchLabels: {client: true}}
        - namespaceSelector: {matchLabels: {team: 7}}
  egress:
    - to:
        - podSelector: {matchLabels: {dns: yes}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: db, ha: true}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  selector: {app: rc, v: 1}
  template:
    metadata: {labels: {app: rc, v: "1"}}
    spec:
      containers: [{name: a, image: b}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web, gone: ~, ver: "${VERSION:=2}"}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: b}]
"""

LOOKALIKES = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: kn}
spec:
  selector: {a: true}
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: s, namespace: shop}
spec:
  podSelector: {matchLabels: {app: true}}
  port: 80
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: x}
spec:
  selector: {matchLabels: {a: 1}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ok}
spec:
  selector:
    matchLabels: {app: ok, version: "2"}
    matchExpressions: [{key: tier, operator: In, values: [web]}]
  template:
    metadata: {labels: {app: ok, version: "2"}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: a, image: b}]
"""


def found(tmp_path, text):
    r = lint(tmp_path, {"x.yaml": text}, "LNK104")
    return [(f.span.line, f.span.col, f.message) for f in r.findings]


def test_workload_string_maps(tmp_path):
    q = "; the API server accepts only strings here: quote it"
    assert found(tmp_path, WORKLOADS) == [
        (9, 13, "label tier is the YAML number 2" + q),  # written once under matchLabels, aliased as the labels: once
        (16, 14, "nodeSelector gpu is the YAML boolean true" + q),
        (24, 51, "matchLabels primary is the YAML boolean yes" + q),
        (28, 52, "matchLabels cache is the YAML boolean on" + q),
        (29, 54, "matchLabels env is the YAML number 1.5" + q),
        (37, 22, "matchLabels shard is the YAML number 0" + q),
        (44, 19, "label backup is the YAML boolean true" + q),
        (46, 20, "annotation size-gb is the YAML number 10" + q),
        (58, 37, "matchLabels run is the YAML number 1" + q),
    ]


def test_selectors_of_other_kinds(tmp_path):
    got = found(tmp_path, OTHERS)
    assert [(line, col) for line, col, _ in got] == [
        (8, 13), (16, 31), (19, 47), (20, 51), (23, 44), (30, 41), (36, 26), (47, 35), (47, 43)]
    assert got[0][2] == "selector canary is the YAML boolean no; the API server accepts only strings here: quote it"
    assert got[7][2].startswith("matchLabels gone has a null value; Kubernetes stores an empty string")
    assert got[8][2].startswith("matchLabels ver is ${VERSION:=2}: Flux substitutes it as the YAML number 2")


def test_look_alike_fields_of_other_schemas_are_not_judged(tmp_path):
    assert found(tmp_path, LOOKALIKES) == []


def test_quoting_fix(run_cli, tmp_path):
    lint(tmp_path, {"x.yaml": OTHERS}, "LNK104")
    run_cli("check", "--fix", "--select", "LNK104", "x.yaml")
    fixed = (tmp_path / "x.yaml").read_text()
    assert fixed == (
        OTHERS.replace("canary: no", 'canary: "no"').replace("v: 2}", 'v: "2"}').replace("client: true", 'client: "true"')
        .replace("team: 7", 'team: "7"').replace("dns: yes", 'dns: "yes"').replace("ha: true", 'ha: "true"')
        .replace("{app: rc, v: 1}", '{app: rc, v: "1"}')
    )  # the null is left to --unsafe-fixes (an empty string is a guess); the Flux default has no fix


EXPRESSIONS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
    matchExpressions:
      - {key: tier, operator: In, values: [yes, "2", 3]}
  template:
    metadata:
      labels: {app: web, tier: "2"}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: zone
                    operator: In
                    values:
                      - 1
                      - ~
                      - eu-1
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 1
              preference:
                matchExpressions: [{key: gen, operator: NotIn, values: [2.5]}]
      containers: [{name: web, image: nginx:1.27}]
"""


def test_match_expression_values_are_strings(tmp_path):
    """LabelSelectorRequirement.Values and NodeSelectorRequirement.Values are []string."""
    q = "; the API server accepts only strings here: quote it"
    assert found(tmp_path, EXPRESSIONS) == [
        (9, 44, "matchExpressions values[0] is the YAML boolean yes" + q),
        (9, 54, "matchExpressions values[2] is the YAML number 3" + q),
        (22, 25, "matchExpressions values[0] is the YAML number 1" + q),
        (23, 25, 'matchExpressions values[1] has a null value; Kubernetes stores an empty string: write "" or remove it'),
        (28, 73, "matchExpressions values[0] is the YAML number 2.5" + q),
    ]


def test_match_expression_values_quoting_fix(run_cli, tmp_path):
    lint(tmp_path, {"x.yaml": EXPRESSIONS}, "LNK104")
    run_cli("check", "--fix", "--select", "LNK104", "x.yaml")
    assert (tmp_path / "x.yaml").read_text() == (
        EXPRESSIONS.replace('[yes, "2", 3]', '["yes", "2", "3"]').replace("- 1\n", '- "1"\n').replace("[2.5]", '["2.5"]')
    )
