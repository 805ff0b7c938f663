"""The language server (``linkerd-lint server``): lint-on-change in any LSP editor.

Layout, lowest first: ``positions`` (1-based character columns <-> LSP positions),
``yamlctx`` (where the cursor is in possibly half-typed YAML), ``knowledge`` (hover
and completion text from the annotation catalogue and the rule registry),
``actions`` (quick fixes and suppression comments as text edits), ``workspace``
(settings, the workspace index and linting one document against it) and
``server`` (the pygls glue: the only module that imports pygls).  Everything but
``server`` is plain Python and tested without an editor.
"""
