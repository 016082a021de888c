"""``flask hotline``: the 12345 systems allowed to send work orders, and their callbacks."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.complaints import hotline, hotline_callbacks
from portal.extensions import db

hotline_cli = AppGroup("hotline", help="The 12345 hotline's work orders and callbacks.")


@hotline_cli.command("add-source")
@click.argument("name")
@click.option("--callback-url", help="Where status changes and replies go back (http/https).")
@click.option("--new-token", is_flag=True, help="Replace the token of a source that has one.")
def add_source(name: str, callback_url: str | None, new_token: bool) -> None:
    """Allow a hotline system to send work orders; prints its token and secret once."""
    from portal.backoffice.delivery import WebhookBackend

    if callback_url is not None:
        try:
            WebhookBackend(callback_url, b"check")  # the same URL rules as deliveries
        except ValueError as error:
            raise click.ClickException(
                str(error).replace("back-office URL", "callback URL")
            ) from None
    try:
        source, token = hotline.add_source(name.strip(), callback_url, new_token=new_token)
    except ValueError as error:
        raise click.ClickException(f"{error}; use --new-token to replace it") from None
    db.session.commit()
    click.echo(f"hotline source '{source.name}' ready; its bearer token (shown once): {token}")
    click.echo(f"callbacks are signed (X-OneWindow-Signature) with: {source.callback_secret}")
    if not source.callback_url:
        click.echo("note: no --callback-url yet, so its callbacks are parked, not sent")


@hotline_cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """End a hotline system's token at once."""
    if not hotline.revoke_source(name.strip()):
        raise click.ClickException(f"no active hotline source '{name}'")
    db.session.commit()
    click.echo(f"hotline source '{name}' revoked")


@hotline_cli.command("deliver")
def deliver() -> None:
    """Send the callbacks due now (the worker does this continuously)."""
    click.echo(f"tried {hotline_callbacks.deliver_due_callbacks()} callbacks")
