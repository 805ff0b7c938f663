"""Registers target-version detection (see ``_detect``) as a run-wide collector.

It runs in the engine's first pass, so every rule sees the effective versions in
``ctx.settings`` and what was found in ``ctx.inventory.facts["versions"]``.
"""

from linter.rule import collector

from ._detect import TRIGGER, collect, collect_document

versions = collector(name="versions", trigger=TRIGGER, documents=collect_document)(collect)
