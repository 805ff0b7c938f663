"""The built-in rule pack, installed as ``linter.rules``.

One module a rule; every ``Rule`` defined at module level is registered.  Modules
whose names start with an underscore hold shared data and helpers, not rules.
"""
