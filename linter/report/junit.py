"""JUnit XML for CI test tabs: a test suite per file, a test case per finding.

A finding at or above ``fail-on`` is a failed case; one below it (an info finding under the
default ``fail-on: warning``) is a passing case that carries the finding as ``<system-out>``,
so the tab agrees with the exit code and still shows it.  Files without findings get one
passing case, so the tab shows what was checked.  Findings about the command line
(``--kubernetes-version``) are in a suite of the run itself, named like the report, without a file.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from linter.report import fails
from linter.rule import COMMAND_LINE

# Characters XML 1.0 cannot hold at all (messages quote values from the manifests).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


RUN = "linkerd-lint"  # the suite of findings about the run itself (the command line)


def _x(text) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def render(findings, ctx) -> str:
    by_file: dict = {p: [] for p in ctx.files}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    failing = sum(1 for f in findings if fails(f, ctx))
    root = ET.Element("testsuites", name="linkerd-lint", tests="0", failures=str(failing), errors="0")
    total = 0
    run = by_file.pop(COMMAND_LINE, None)
    suites = ([(RUN, run)] if run else []) + [(path, by_file[path]) for path in sorted(by_file)]
    for path, fs in suites:
        n_failing = sum(1 for f in fs if fails(f, ctx))
        suite = ET.SubElement(root, "testsuite", name=_x(path), tests=str(max(len(fs), 1)), failures=str(n_failing), errors="0")
        if not fs:
            ET.SubElement(suite, "testcase", name="no findings", classname=_x(path), file=_x(path))
        for f in fs:
            rule = ctx.rules.get(f.rule_id)
            name = f"{f.rule_id} {rule.name if rule else ''}".rstrip()
            if fs is run:  # about the invocation: no file, no line
                case = ET.SubElement(suite, "testcase", name=_x(name), classname=RUN)
                body = [f"command line: {f.rule_id} [{f.severity}] {f.message}"]
            else:
                name += f" at {f.span.line}:{f.span.col}"
                case = ET.SubElement(suite, "testcase", name=_x(name), classname=_x(path), file=_x(path), line=str(f.span.line))
                body = [f"{path}:{f.span.line}:{f.span.col}: {f.rule_id} [{f.severity}] {f.message}"]
            if f.resource:
                body.append(f"object: {f.resource}")
            if f.template_source:
                body.append(f"template: {f.template_source}")
            body += [f"{r.path}:{r.span.line}:{r.span.col}: note: {r.message}" for r in f.related]
            if fails(f, ctx):
                failure = ET.SubElement(case, "failure", message=_x(f.message), type=str(f.severity))
                failure.text = _x("\n".join(body))
            else:
                ET.SubElement(case, "system-out").text = _x("\n".join(body))
        total += max(len(fs), 1)
    root.set("tests", str(total))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
