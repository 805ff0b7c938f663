"""``linkerd-lint server``: the click command only; pygls is imported when the server starts."""

from __future__ import annotations

import click


@click.command("server")
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Log level of the server's own log on stderr.",
)
def server(stdio, log_level):
    """Run the language server (LSP over stdio) for lint-on-change in editors."""
    try:
        from linter.lsp.server import serve
    except ImportError as e:  # pygls missing
        from linter.cli import UsageFailure

        raise UsageFailure(f'the language server needs pygls ({e}); install it with: pip install "linkerd-lint[server]"') from None
    serve(log_level)
