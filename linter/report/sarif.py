"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Columns count Unicode code points (the run says so: ``columnKind``), as every other
output does; SARIF's alternative, UTF-16 code units, differs only on lines holding
characters outside the Basic Multilingual Plane.

URIs are relative to the repository root (``%SRCROOT%``); partial fingerprints hash the
rule, file, object identity and field path, never line numbers, so a finding keeps its
identity when unrelated lines move.
"""

from __future__ import annotations

import hashlib
import json
import os

from linter import fixsafety
from linter.located import format_path
from linter.report import repo_path
from linter.rule import COMMAND_LINE

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str, ctx) -> dict:
    from urllib.parse import quote

    # A URI, not a path: '#', '%', '?' and spaces in file names must be percent-encoded.
    uri = quote(repo_path(path, ctx), safe="/")
    if uri.startswith("/"):  # outside the repository: an absolute file URI, no base
        return {"uri": "file://" + uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def _notification(f, index) -> dict:
    """A finding about the invocation itself (no file): GitHub code scanning rejects the
    whole upload when one result lacks a file location, so it is reported as a notification
    of the run's configuration instead of a result."""
    return {
        "level": LEVEL[str(f.severity)],
        "message": {"text": f.message},
        "associatedRule": {"id": f.rule_id, "index": index[f.rule_id]},
    }


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.col, "endLine": span.end_line, "endColumn": span.end_col}


def _rule_descriptor(rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.summary}\n\nHow to fix: {rule.how_to_fix}", "markdown": fixsafety.markdown(rule)},
        "helpUri": rule.doc_url,
        "defaultConfiguration": {"level": LEVEL[str(rule.severity)]},
        "properties": {"tags": ["linkerd", "kubernetes"], "fixable": rule.fixable},
    }


def render(findings, ctx) -> str:
    rules = list(ctx.rules.values())
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    notifications = []
    seen: dict = {}
    for f in findings:
        if f.path == COMMAND_LINE:
            notifications.append(_notification(f, index))
            continue
        artifact = _artifact(f.path, ctx)
        basis = "\0".join((f.rule_id, artifact["uri"], f.resource, format_path(f.field_path)))
        n = seen.get(basis, 0)
        seen[basis] = n + 1
        fp = hashlib.sha256(f"{basis}\0{n}".encode()).hexdigest()[:32]
        result = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": LEVEL[str(f.severity)],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": _region(f.span),
                    }
                }
            ],
            "partialFingerprints": {"linkerdLint/v1": fp},
        }
        props = {}
        if f.resource:
            props["resource"] = f.resource
        if f.field_path:
            props["field"] = format_path(f.field_path)
        if f.template_source:
            props["template"] = f.template_source
        if props:
            result["properties"] = props
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    "message": {"text": r.message},
                    "physicalLocation": {
                        "artifactLocation": _artifact(r.path, ctx),
                        "region": _region(r.span),
                    },
                }
                for i, r in enumerate(f.related)
            ]
        if f.fix is not None:
            result["fixes"] = [
                {
                    "description": {"text": f.fix.description},
                    "properties": {"safe": f.fix.safe},
                    "artifactChanges": [
                        {
                            "artifactLocation": artifact,
                            "replacements": [
                                {"deletedRegion": _region(e.span), "insertedContent": {"text": e.text}}
                                for e in f.fix.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    root_uri = "file://" + os.path.abspath(ctx.root).replace(os.sep, "/").rstrip("/") + "/"
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "linkerd-lint",
                        "version": ctx.tool_version,
                        "semanticVersion": ctx.tool_version,
                        "informationUri": "https://github.com/linkerd-lint/linkerd-lint",
                        "rules": [_rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                # SARIF 2.1.0 §3.14.27: SHALL be present when results carry columns
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True, "toolConfigurationNotifications": notifications}],
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
