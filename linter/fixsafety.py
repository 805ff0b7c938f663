"""Whether a rule's fixes are safe (applied by ``--fix``) or unsafe (only with ``--unsafe-fixes``):
the one criterion, and each built-in fixable rule's answer, for ``rules``, ``explain`` and the
rule reference.

The criterion (docs/ci.md says it for users): a fix is **safe** when the manifest already says
what it wants in a form Linkerd or Kubernetes does not read, there is one way to say it in the
form they do read, and the fix writes exactly that (or removes text that has no effect); the
cluster then changes only as the finding describes.  A fix is **unsafe** when it picks one of
several readings, changes something the finding does not describe (adds a setting or a
requirement on the cluster, makes another field start to apply), or widens what is exposed /
switches a protection off, even as the text asks (a reviewer should see those first).

Each finding's ``Fix.safe`` is what ``--fix`` obeys; this table describes it per rule, and
tests/test_fix_safety.py holds the two together on the rules' bad examples.
"""

from __future__ import annotations

SAFE, UNSAFE, MIXED = "safe", "unsafe", "mixed"

# rule id -> (kind, when/why).  MIXED: safe, except where the note says.
SAFETY = {
    "LNK101": (SAFE, ""),
    "LNK102": (MIXED, "the moved key bypasses the proxy (`skip-*`) or opens the inbound policy (`default-inbound-policy` other than `deny`)"),
    "LNK103": (MIXED, "the moved key bypasses the proxy (`skip-*`) or opens the inbound policy (`default-inbound-policy` other than `deny`)"),
    "LNK104": (MIXED, "a key without a value (an empty string or no annotation at all is a guess), or a quoted "
                      "`skip-*-ports` annotation that starts to bypass the proxy"),
    "LNK105": (UNSAFE, "the known key it renames to is a guess at what was meant, and the setting starts to apply"),
    "LNK110": (UNSAFE, "the label switches Linkerd's admission webhooks off for the whole namespace"),
    "LNK111": (SAFE, ""),
    "LNK202": (MIXED, "the unit is a guess (`128MB` -> `128Mi`, though `128M` is as likely)"),
    "LNK205": (MIXED, "the corrected `default-inbound-policy` is not `deny`: it starts to apply and opens the pod"),
    "LNK206": (SAFE, ""),
    "LNK207": (SAFE, ""),
    "LNK302": (UNSAFE, "the ports it makes readable start to bypass the proxy (no mTLS, no policy)"),
    "LNK305": (SAFE, ""),
    "LNK401": (UNSAFE, "it switches native sidecars on: a new setting, which needs Kubernetes 1.29+"),
    "LNK404": (MIXED, "before Linkerd 2.20, where switching native sidecars off is the other way out"),
    "LNK502": (SAFE, ""),
    "LNK503": (SAFE, ""),
    "LNK504": (MIXED, "the object has a field only the newer version applies (`accessPolicy`, "
                      "`externalWorkloadSelector`), or a v1alpha1 podSelector v1alpha1 itself rejects"),
    "LNK506": (MIXED, "the key is one the target ignores (the setting starts to apply: `true` switches native "
                      "sidecars on, which needs Kubernetes 1.29+), a Namespace key pods no longer inherit, or a "
                      "deprecated key on a Namespace or beside another native-sidecar key that reaches the pod "
                      "(which key wins may change)"),
    "LNK803": (MIXED, "it exports the Service to other clusters (moving the annotation to the labels) or "
                      "picks a mode (`yes` -> `true`, not `remote-discovery`)"),
}


def of(rule) -> tuple:
    """(kind, note): kind is SAFE, UNSAFE, MIXED, '' (not fixable) or None (fixable, not declared:
    a custom or plug-in rule; each finding's fix says)."""
    if not rule.fixable:
        return "", ""
    return SAFETY.get(rule.id, (None, ""))


def label(rule) -> str:
    """The `rules` listing's word: fixable(safe), fixable(unsafe), fixable(safe/unsafe), fixable or ''."""
    kind, _ = of(rule)
    if kind == "":
        return ""
    return "fixable" + {SAFE: "(safe)", UNSAFE: "(unsafe)", MIXED: "(safe/unsafe)"}.get(kind, "")


def text(rule) -> str:
    """'safe', 'unsafe (why)', 'safe, unsafe where …', 'no' or 'yes (safe or unsafe per finding)'."""
    kind, note = of(rule)
    if kind == "":
        return "no"
    if kind == SAFE:
        return "safe"
    if kind == UNSAFE:
        return f"unsafe ({note})"
    if kind == MIXED:
        return f"safe; unsafe where {note}"
    return "yes (safe or unsafe per finding)"


def markdown(rule) -> str:
    """The rule's documentation with its fix's safety in the heading line ("Fix: safe")."""
    md = rule.markdown()
    old = f" · Fixable: {'yes' if rule.fixable else 'no'}"
    return md.replace(old, f" · Fix: {text(rule)}", 1) if old in md else md
