import re

from linter.annotations import CATALOGUE, PREFIXES
from linter.context import key_of
from linter.fixes import rename_key
from linter.lazyre import pattern
from linter.rule import Example, Fix, Severity, rule
from linter.values import resolve_vars

from ._common import mapping, metadata_maps

# Other Linkerd-owned domains (multicluster, viz, route and balancer annotations...)
# are read by extensions and the policy controller; they are not this rule's business.
_OTHER_LINKERD_DOMAINS = pattern(r"^[a-z0-9-]+\.linkerd\.io/")
_NEAR_PREFIX = pattern(r"^(?P<prefix>[^/]*linker[a-z0-9]*[^/]*)/(?P<name>.+)$", re.I)
_DOTTED = pattern(r"^(?P<prefix>(?:config\.(?:alpha\.|beta\.)?)?linkerd\.io)[.:_](?P<name>[a-z0-9-]+)$", re.I)


def _suggest(key: str):
    import difflib  # only for a key that looks wrong: ~1.5 ms with heapq

    matches = difflib.get_close_matches(key, CATALOGUE.keys(), n=1, cutoff=0.8)
    return matches[0] if matches else None


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance (insertions, deletions, substitutions) when at most ``limit``, else ``limit + 1``.

    Only the diagonal band of width ``limit`` is computed: a key is compared with the whole catalogue,
    and the full table cost ~35 ms per misspelt key."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    prev = [j if j <= limit else over for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i if i <= limit else over] + [over] * len(b)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]), over)
        if min(cur) > limit:
            return over
        prev = cur
    return prev[-1]


# A typo, not a different word: the suggestion is at most this many edits away, and nearer than any other known key.
_TYPO = 2


def _the_one_meant(key: str, suggestion: str) -> bool:
    """Is ``suggestion`` the one known key ``key`` is a typo of?  difflib's cutoff alone admits many keys,
    as they share a long prefix (`config.linkerd.io/proxy-`): demand a typo-sized, unique nearest key."""
    d = _distance(key, suggestion, _TYPO)
    return d <= _TYPO and not any(k != suggestion and _distance(key, k, d) <= d for k in CATALOGUE)


def _rename(ctx, ann, key, suggestion):
    """Rename the key to the suggestion (never safe: the suggestion is a guess, and the key starts to apply)."""
    if CATALOGUE[suggestion].where not in ("pod", "service") or not _the_one_meant(key, suggestion):
        return None  # a key Linkerd writes itself, or a label: not what a user meant to set
    edit = rename_key(ctx.source, ann, key, suggestion)
    return Fix(f"rename {key} to {suggestion}", (edit,), safe=False) if edit is not None else None


def classify(key: str):
    """(is it a mistake?, suggestion) for a metadata key that may be meant for Linkerd."""
    if key in CATALOGUE or key.startswith("ignore.linkerd-lint.io/"):
        return False, None
    if key.startswith(PREFIXES):
        return True, _suggest(key)
    if _OTHER_LINKERD_DOMAINS.match(key) and not key.startswith(("config.", "linkerd.")):
        return False, None
    m = _DOTTED.match(key)
    if m:  # linkerd.io.inject, config.linkerd.io.proxy-cpu-limit: the slash is missing
        candidate = f"{m.group('prefix').lower()}/{m.group('name')}"
        return True, candidate if candidate in CATALOGUE else _suggest(candidate)
    m = _NEAR_PREFIX.match(key)
    if m:
        prefix = m.group("prefix").lower() + "/"
        import difflib

        close = difflib.get_close_matches(prefix, PREFIXES, n=1, cutoff=0.75)
        if close and prefix not in PREFIXES:
            candidate = close[0] + m.group("name")
            return True, candidate if candidate in CATALOGUE else _suggest(candidate)
    return False, None


@rule(
    id="LNK105",
    name="unknown-linkerd-annotation",
    severity=Severity.WARNING,
    summary="An annotation under a Linkerd prefix (or a near miss of one) that Linkerd does not read.",
    why=(
        "Linkerd ignores keys it does not know, without a word: a typo such as `config.linkerd.io/proxy-memory-limt`, "
        "a wrong domain such as `config.linkerd.com/` or a missing slash as in `linkerd.io.inject` leaves the "
        "proxy with its defaults, or the pod unmeshed."
    ),
    how_to_fix=(
        "Use the exact key from Linkerd's proxy configuration reference; the message suggests the closest known key. "
        "`--unsafe-fixes` renames the key to it (value and comments kept) where it is a typo's distance away and "
        "nearer than any other known key, and the mapping does not hold that key already: unsafe, as the "
        "suggestion is a guess and the setting starts to apply."
    ),
    fixable=True,
    references=(
        "linkerd/linkerd2 pkg/k8s/labels.go (every annotation key Linkerd reads or writes)",
        "https://linkerd.io/2-edge/reference/proxy-configuration/",
    ),
    bad=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limt: 256Mi  # <- LNK105\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
    ),
    good=Example(
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  annotations:\n"
        "    linkerd.io/inject: enabled\n"
        "    config.linkerd.io/proxy-memory-limit: 256Mi\n"
        "    linkerd.io/created-by: linkerd/proxy-injector stable-2.14.10\n"
        "    viz.linkerd.io/tap-enabled: \"true\"\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
    ),
)
def check(ctx):
    for meta, _role in metadata_maps(ctx.resource):
        ann = mapping(meta, "annotations")
        if ann is None:
            continue
        for key in ann:
            if not isinstance(key, str) or "linker" not in key.lower():
                continue
            judged = key
            if "${" in key:  # a Flux variable: judge the key its default makes, if it has one
                judged = resolve_vars(key)
                if judged is None:
                    continue  # filled in at deploy time
            mistake, suggestion = classify(judged)
            if not mistake:
                continue
            if judged is key:
                msg = f"{key} is not an annotation Linkerd reads"
            else:  # no fix: renaming would drop the variable
                msg = f"{key} (with its Flux default: {judged}) is not an annotation Linkerd reads"
            if suggestion:
                msg += f"; did you mean {suggestion}?"
            fix = _rename(ctx, ann, key, suggestion) if suggestion and judged is key else None
            ctx.report(key_of(ann, key), msg, fix=fix)
