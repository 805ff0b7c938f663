"""Keeping private keys out of everything the linter prints.

Manifests carry key material (the identity issuer's ``key.pem``, a key pasted into the wrong
field), and rule messages quote values.  Two guards:

* ``redact(text)``: every finding's message, related messages and fix description go through it
  (``linter.rule.Finding``), so built-in rules, custom rules and plug-ins are covered alike.  It
  replaces a PEM private-key block (``-----BEGIN … PRIVATE KEY-----`` up to its END line or, when
  the text was cut short, its body) and a base64 run that decodes to one with ``<redacted>``.
* ``hidden_lines(lines, path)``: the lines ``--diff`` must not print (a Secret's ``data`` and
  ``stringData``, and lines holding key material).

``redact`` runs on every finding, so it first looks for a handful of substrings and only then
uses regular expressions (compiled on first use) and base64 decoding (imported on first use).
"""

from __future__ import annotations

import re

from linter.lazyre import pattern

REDACTED = "<redacted>"

# Substrings that every text needing redaction holds (see ``suspect``): the PEM markers, and the
# base64 of "-----BEGIN" at the start of a value ("LS0tLS1CRUdJ") or of "PRIVATE KEY" at each of
# the three byte alignments (a key after a certificate in one base64 blob).

# Between the lines of a key: a line break, or the \n escape of a quoted or repr'd string.
_BREAK = r"(?:\\[nr]|\r?\n)[ \t]*"
_BODY = r"(?:[A-Za-z0-9+/=]+|(?:Proc-Type|DEK-Info):[^\n\\'\"]*)"  # base64, or RFC 1421 headers
_KEY_HEAD = r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"
_KEY_END = r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----"
_CUT = r"(?:\.\.\.|\u2026)?"  # where a message cut the value short
_PEM = pattern(
    _KEY_HEAD + r"(?:.*?" + _KEY_END + r"(?:\\n)?|[A-Za-z0-9+/=]*(?:" + _BREAK + _BODY + r")*" + _CUT + r")"
    # a header cut short before it says what it begins: it may be a key's
    + r"|-----BEGIN(?: [A-Z0-9 ]*)?(?:\.\.\.|\u2026|(?=[\"'`])|\Z)",
    re.S,
)
_B64_RUN = pattern(r"[A-Za-z0-9+/]{16,}={0,2}(?:" + _BREAK + r"[A-Za-z0-9+/]{16,}={0,2})*" + _CUT)
_B64_NOISE = pattern(r"\\[nr]|\s|\.\.\.|\u2026")


def suspect(text) -> bool:
    """Whether ``text`` may hold key material (cheap: substring tests only).

    Written out rather than ``any(m in text for m in marks)``: this runs for every finding, and
    the generator cost more than the six tests (1.0 µs against 0.36 µs for a typical message)."""
    return isinstance(text, str) and (
        "PRIVATE KEY" in text
        or "-----BEGIN" in text
        or "LS0tLS1CRUdJ" in text
        or "UFJJVkFURSBL" in text
        or "BSSVZBVEUgS0VZ" in text
        or "QUklWQVRFIEtF" in text
    )


def redact(text):
    """``text`` with private keys (PEM, or base64 of PEM, whole or cut short) replaced by <redacted>."""
    if not suspect(text):
        return text
    if "-----BEGIN" in text:
        text = _PEM.sub(REDACTED, text)
    return _B64_RUN.sub(_b64_key, text)


def _b64_key(m) -> str:
    run = m.group(0)
    return REDACTED if decodes_to_key(run) else run


def decodes_to_key(run: str) -> bool:
    """Whether a base64 run (line breaks and a trailing '...' allowed) decodes to a private key, a
    PEM header cut short, or text naming a PRIVATE KEY; any byte alignment (the run may start
    mid-value)."""
    import base64
    import binascii

    s = _B64_NOISE.sub("", run)
    for skip in range(4):
        t = s[skip:].split("=", 1)[0]  # padding ends the data (or a line of it: enough to judge)
        t = t[: len(t) // 4 * 4]
        if not t:
            continue
        try:
            raw = base64.b64decode(t, validate=True)
        except (binascii.Error, ValueError):
            continue
        if b"PRIVATE KEY" in raw:
            return True
        begin = raw.find(b"-----BEGIN")
        if begin >= 0 and b"-----" not in raw[begin + 10:]:
            return True
    return False


def sanitise(message, related=(), fix=None) -> tuple:
    """(message, related, fix) of a finding with key material redacted; unchanged objects when
    there is none (the usual case costs a few substring tests)."""
    message = redact(message)
    if related and any(suspect(getattr(r, "message", None)) for r in related):
        related = tuple(r.replace(message=redact(r.message)) if suspect(r.message) else r for r in related)
    if fix is not None and suspect(getattr(fix, "description", None)):
        fix = fix.replace(description=redact(fix.description))
    return message, related, fix


# -- --diff --------------------------------------------------------------------------------


def hidden_lines(lines, path: str = "-") -> set:
    """1-based numbers of the lines of a file (``lines`` with their line breaks) that ``--diff`` must
    show as <redacted>:

    * the ``data``/``stringData`` of every Secret the reader finds, wherever it stands (a document,
      an item of a ``kind: List``, JSON, flow style: a one-line Secret hides that whole line);
    * the same by line rules, for text that does not parse (top-level keys of a document that
      says ``kind: Secret``);
    * every line holding a PEM private key or a base64 run that decodes to one, and the lines of
      that key's body that follow it.
    """
    hidden: set = set()
    text = "".join(lines)
    if "Secret" in text:
        _parsed_secrets(text, path, lines, hidden)
        _secret_lines_by_text(lines, hidden)
    if suspect(text):
        _material_lines(lines, hidden)
    return hidden


def _parsed_secrets(text: str, path: str, lines, hidden: set) -> None:
    from linter.located import YMap, YSeq
    from linter.source import parse_text

    try:
        src = parse_text(path, text)
    except Exception:  # noqa: BLE001 - the line rules below still apply
        return
    stack, seen = [d.data for d in src.documents], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, (YMap, YSeq)) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YMap):
            if node.get("kind") == "Secret":
                for key in ("data", "stringData"):
                    spans = node.spans.get(key)
                    if key in node and spans and spans[0] is not None:
                        last = _last_line(spans[1] or spans[0], lines)
                        hidden.update(range(spans[0].line, last + 1))
            stack.extend(node.values())
        else:
            stack.extend(node)


def _last_line(span, lines) -> int:
    """The last line a value covers: a block value ends where the next token starts (the start of
    a later line, or its indentation), which is not part of it."""
    end, col = span.end_line, span.end_col
    if end > span.line and (col <= 1 or (end <= len(lines) and not lines[end - 1][: col - 1].strip())):
        return end - 1
    return end


_SECRET_KIND = pattern(r"[\"']?kind[\"']?\s*:\s*[\"']?Secret[\"']?\s*,?\s*(?:#.*)?$")
_DATA_KEY = pattern(r"[\"']?(?:data|stringData)[\"']?\s*:")


def _secret_lines_by_text(lines, hidden: set) -> None:
    """Line rules that need no parser: in each document that says ``kind: Secret`` at the top
    level, the top-level data/stringData mappings."""
    start = 0
    for i, line in enumerate(lines):
        if line.startswith("---"):
            _secret_data(lines, start, i, hidden)
            start = i + 1
    _secret_data(lines, start, len(lines), hidden)


def _secret_data(lines, start: int, end: int, hidden: set) -> None:
    if not any(_SECRET_KIND.match(line) for line in lines[start:end]):
        return
    inside = False
    for i in range(start, end):
        line = lines[i]
        if _DATA_KEY.match(line):
            inside = True
            hidden.add(i + 1)
            continue
        if inside and line.strip() and not line[0].isspace() and not line.startswith("#"):
            inside = False
        if inside:
            hidden.add(i + 1)


_PEM_BEGIN = pattern(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_PEM_END = pattern(r"-----END [A-Z0-9 ]*PRIVATE KEY-----")
_BODY_LINE = pattern(r"(?:[A-Za-z0-9+/]+={0,2}|(?:Proc-Type|DEK-Info):.*)?")
_LINE_DECOR = pattern(r"\\[nr]|\\$|^- |[\"',]")


def _material_lines(lines, hidden: set) -> None:
    """Lines holding a private key (PEM or base64), and the body lines of a key that continues."""
    going = False  # inside a key's body that started on an earlier line
    for i, line in enumerate(lines):
        if redact(line) != line:
            hidden.add(i + 1)
            going = _opens_key(line)
        elif going and (not line.strip() or _PEM_END.search(line) or _body_line(line)):
            hidden.add(i + 1)
            going = not _PEM_END.search(line)
        else:
            going = False


def _opens_key(line: str) -> bool:
    """Whether the key on this line may go on below it: no END after its last BEGIN."""
    begins = list(_PEM_BEGIN.finditer(line))
    if begins:
        return not _PEM_END.search(line, begins[-1].end())
    return True  # a base64 run: the value may be wrapped over the next lines


def _body_line(line: str) -> bool:
    text = _LINE_DECOR.sub("", line.strip()).strip()
    return bool(text) and _BODY_LINE.fullmatch(text) is not None
