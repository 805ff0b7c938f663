"""Coverage: may a cross-resource rule conclude that something is *absent* from the input?

A reference (a Server's podSelector, an AuthorizationPolicy's targetRef, a ServiceProfile's
Service…) can only be called dangling when the input holds that part of the cluster.
A pull request that touches one file, a repository that keeps policies apart from the
apps, a namespace filled by a Helm chart: in all of these the target exists, just not
here.  So a rule judges a reference into namespace N only when N is *covered*:

* the input holds other objects of N of the kind the reference looks for (a Server
  looking for pods needs pod templates of N; an AuthorizationPolicy naming a Server
  needs Servers of N), the referring object itself not counting; or, for the policy
  lookups that pass ``near`` (LNK604, LNK607, LNK608), the input holds N's *workloads*
  in the referring object's directory tree (see below); and
* nothing in the input renders objects into N that the input does not show: a Flux
  ``HelmRelease`` or ``Kustomization`` with a ``targetNamespace`` N, or an Argo CD
  ``Application`` whose destination is N; and
* no file that may hold objects of N was left partly unread (a syntax error, an unreadable
  or oversized file): its Deployment is not absent, just not seen.  The engine records
  the namespaces such a file's text names (``inventory.unread``); one whose text is
  unknown leaves no namespace covered.

The issue's definition is "the input holds other objects of that namespace".  Taken
literally it misfires on a policy directory linted without its apps (or a pre-commit run
on one changed file): it holds Servers and AuthorizationPolicies of N but none of its
Deployments, and must not be told that every Server selects nothing.  Taken as "objects
of the kind looked for" only, it misses the plainest case: one file with a Namespace, a
Deployment and the Server for it, and no AuthorizationPolicy anywhere, says nothing.

So policy lookups (``near=referrer``) also count N as covered when a pod template or a
Service of N was read from the referring object's directory tree: the same directory, or
one directory inside the other (a kustomize base and its overlays).  Policy objects are
written beside the workloads they protect; N's workloads next to the Server mean this is
where N's policies live.  What does not count:

* objects of N elsewhere (a sibling ``apps/`` directory beside ``policy/``): another
  team's tree, maybe another repository's;
* other policy objects (a directory of Servers says nothing about where the
  AuthorizationPolicies are);
* the Namespace object: a kustomize overlay often holds ``namespace.yaml`` and the
  policies while its workloads and ServiceAccounts come from a base elsewhere (measured:
  fluxcd/flagger ``kustomize/linkerd/`` would be told that the ServiceAccount its
  AuthorizationPolicy names does not exist).

LNK603 and LNK610 (selectors) keep the stricter rule: their subject is the pods themselves,
and a policy directory linted alone holds none.

``assume-complete: true`` in the configuration switches the caution off: the input is the
whole cluster, every namespace is covered.

Kinds the engine keeps for coverage are in ``KEEP``; every inventory rule that uses this
module adds them to its own ``kinds`` so that coverage does not depend on which rules are
selected.
"""

from __future__ import annotations

import os
from collections import namedtuple

from linter.located import get_in

POD_TEMPLATE = "PodTemplate"  # any object with a pod template (the engine's convention)

# Objects that render other objects into a namespace at deploy time.
_GENERATORS = {
    ("helm.toolkit.fluxcd.io", "HelmRelease"),
    ("kustomize.toolkit.fluxcd.io", "Kustomization"),
    ("argoproj.io", "Application"),
}

# Kinds kept for coverage questions (evidence) and for the generators above.
KEEP = (
    POD_TEMPLATE,
    "Service",
    "ServiceAccount",
    "Server",
    "ServerAuthorization",
    "AuthorizationPolicy",
    "MeshTLSAuthentication",
    "NetworkAuthentication",
    "HTTPRoute",
    "GRPCRoute",
    "ServiceProfile",
    "EgressNetwork",
    "HelmRelease",
    "Kustomization",
    "Application",
)

_FACT = "_coverage-index"


# A plain namedtuple, not typing.NamedTuple: importing typing costs ~4 ms of every run.
class Unwritten(namedtuple("Unwritten", ("directory",), module=__name__)):
    """The namespace of objects that do not write one: whatever they are applied into.

    ``kubectl apply -n``, kustomize's ``namespace:`` or a Flux Kustomization's
    ``targetNamespace`` decide it, and they decide it per directory, not per repository.
    So such objects are related only to unwritten-namespace objects of the same
    directory (unless configuration ``default-namespace`` names a namespace for all).
    """

    __slots__ = ()

    def __str__(self) -> str:
        # Shown in messages ("is not in namespace … in the input"): say what it means, relative
        # to where the user runs the linter.
        where = os.path.relpath(self.directory) if self.directory else "."
        if where.startswith(".."):
            where = self.directory
        return f"(unset: wherever {where.replace(os.sep, '/')}/ is applied)"


def kinds(*own: str) -> tuple:
    """The ``kinds`` of an inventory rule that uses coverage: its own plus KEEP."""
    out = list(own)
    out.extend(k for k in KEEP if k not in out)
    return tuple(out)


class Coverage:
    """An index of the kept objects by namespace and kind, built once per run."""

    def __init__(self, inventory):
        self.assume_complete = bool(getattr(inventory.settings, "assume_complete", False))
        self.default_namespace = getattr(inventory.settings, "default_namespace", "default")
        # A configured default-namespace places every unwritten object; the built-in "default" does not.
        self._scope_unwritten = self.default_namespace == "default"
        self._by_ns_kind: dict = {}
        self._pods_by_ns: dict = {}
        self._generated: dict = {}  # namespace -> the generator Resource
        self.derived: dict = {}  # indexes other helpers build from this one, once per run
        for res in inventory.resources:
            ns = self.ns_of(res)
            if ns is not None:
                self._by_ns_kind.setdefault((ns, res.kind), []).append(res)
                if res.pod_template is not None:
                    self._pods_by_ns.setdefault(ns, []).append(res)
            target = _generated_namespace(res)
            if target:
                self._generated.setdefault(target, res)
        self._unwritten_keys = {ns for ns, _ in self._by_ns_kind if isinstance(ns, Unwritten)}
        self._unread: set = set()  # namespace keys a partly unread file may hold objects of
        self._all_unread = False
        for path, names in inventory.unread.items():
            for name in names:
                if name == "*":
                    self._all_unread = True
                elif name:
                    self._unread.add(name)
                else:  # its objects that name no namespace
                    self._unread.add(Unwritten(os.path.dirname(path)) if self._scope_unwritten else self.default_namespace)

    @classmethod
    def of(cls, inventory) -> "Coverage":
        hit = inventory.facts.get(_FACT)
        if hit is None or hit[0] is not inventory.resources or hit[1] != len(inventory.resources):
            hit = (inventory.resources, len(inventory.resources), cls(inventory))
            inventory.facts[_FACT] = hit
        return hit[2]

    def ns_of(self, res):
        """The namespace key of an object: its written namespace, or ``Unwritten(directory)``."""
        if res.namespace is None:
            return None
        if res.namespace_written or not self._scope_unwritten:
            return res.namespace
        return Unwritten(os.path.dirname(res.file))

    # -- what the input holds ---------------------------------------------------------

    def objects(self, namespace, kind: str, group: str | None = None) -> list:
        """Kept objects of ``kind`` (and API ``group`` when given) in ``namespace``."""
        if kind == POD_TEMPLATE:
            return list(self._pods_by_ns.get(namespace, ()))
        found = self._by_ns_kind.get((namespace, kind), ())
        return [r for r in found if group is None or r.group == group]

    def candidates(self, namespace, kind: str, group: str | None = None) -> list:
        """Kept objects of ``kind`` that may be in ``namespace``: to decide whether a target exists.

        Objects that do not write their namespace may be applied into any namespace, and an
        object that does not write its own may be applied next to any of them; both count.
        """
        if isinstance(namespace, Unwritten):
            if kind == POD_TEMPLATE:
                return self.pod_templates()
            return self.all_objects(kind, group)
        key = ("unwritten", kind, group)
        if key not in self.derived:
            self.derived[key] = [r for ns in self._unwritten_keys for r in self.objects(ns, kind, group)]
        return self.objects(namespace, kind, group) + self.derived[key]

    def all_objects(self, kind: str, group: str | None = None) -> list:
        """Kept objects of ``kind`` in every namespace."""
        key = ("all", kind, group)
        if key not in self.derived:
            self.derived[key] = [
                r for (_, k), rs in self._by_ns_kind.items() if k == kind for r in rs if group is None or r.group == group
            ]
        return list(self.derived[key])

    def pod_templates(self, namespace=None) -> list:
        if namespace is not None:
            return list(self._pods_by_ns.get(namespace, ()))
        return [r for rs in self._pods_by_ns.values() for r in rs]

    def generator(self, namespace):
        """The HelmRelease/Kustomization/Application that renders into ``namespace``, if any."""
        return self._generated.get(namespace)

    # -- the question -----------------------------------------------------------------

    def partly_unread(self, res) -> bool:
        """Whether a partly unread file may hold more objects of ``res``'s namespace."""
        return self._all_unread or self.ns_of(res) in self._unread or res.namespace in self._unread

    def covers(self, namespace, kinds, *, exclude=None, group: str | None = None, near=None) -> bool:
        """May a rule conclude that an object of ``kinds`` is absent from ``namespace``?

        ``exclude``: the referring object (it is no evidence for itself).  ``near``: the
        referring object of a policy lookup; the namespace's workloads in its directory
        tree cover the namespace too (module docstring).
        """
        if namespace is None:
            return False
        if self._all_unread or namespace in self._unread:
            return False  # even with assume-complete: part of the input was not read
        if self.assume_complete:
            return True
        if namespace in self._generated:
            return False
        if isinstance(kinds, str):
            kinds = (kinds,)
        for kind in kinds:
            for res in self.objects(namespace, kind, group):
                if res is not exclude:
                    return True
        return near is not None and self.workload_near(namespace, near) is not None

    def workload_near(self, namespace, near):
        """A pod template or Service of ``namespace`` read from ``near``'s directory tree, or None."""
        key = ("workloads", namespace)
        found = self.derived.get(key)
        if found is None:
            found = {}  # directory -> the first such object read from it
            for res in (*self._pods_by_ns.get(namespace, ()), *self.objects(namespace, "Service", "")):
                found.setdefault(_directory(res.file), res)
            self.derived[key] = found
        here = _directory(near.file)
        for directory, res in found.items():
            if res is not near and _same_tree(here, directory):
                return res
        return None


def _generated_namespace(res) -> str | None:
    if (res.group, res.kind) not in _GENERATORS:
        return None
    if res.kind == "Application":
        ns = get_in(res.data, "spec", "destination", "namespace")
    else:
        ns = get_in(res.data, "spec", "targetNamespace")
        if not ns and res.kind == "HelmRelease" and res.namespace_written:
            ns = res.namespace  # a HelmRelease installs into its own namespace by default
    return ns if isinstance(ns, str) and ns and "${" not in ns else None


def _directory(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def _same_tree(a: str, b: str) -> bool:
    """The same directory, or one inside the other."""
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short.rstrip(os.sep) + os.sep)
