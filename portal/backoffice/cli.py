"""``flask backoffice``: the dispatcher that delivers accepted cases to the back office."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.backoffice import dispatcher
from portal.extensions import db

backoffice_cli = AppGroup("backoffice", help="Deliver accepted cases to the back office.")


@backoffice_cli.command("dispatch")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--seconds", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.option("--batch", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option(
    "--idle-seconds",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="How long to wait when nothing is due.",
)
def dispatch(once: bool, seconds: float | None, batch: int, idle_seconds: float) -> None:
    """Run a dispatcher; several may run at once against one database."""
    backend = current_app.extensions["backoffice"]
    options = {"batch": batch, "max_attempts": current_app.config["BACKOFFICE_MAX_ATTEMPTS"]}
    if once:
        click.echo(f"tried {dispatcher.dispatch_once(backend, **options)} deliveries")
        return
    dispatcher.run(backend, stop_after=seconds, idle_seconds=idle_seconds, **options)


@backoffice_cli.command("resend")
@click.argument("message_id", type=int)
def resend(message_id: int) -> None:
    """Queue a parked delivery again, with its same idempotency key."""
    if not dispatcher.resend(message_id):
        raise click.ClickException(f"no undelivered message {message_id}")
    db.session.commit()
    click.echo(f"message {message_id} queued again")


@backoffice_cli.command("add-system")
@click.argument("name")
def add_system(name: str) -> None:
    """Allow a back-office system to report progress; prints its token once."""
    from portal.backoffice.inbound import add_system as add

    _, token = add(name)
    db.session.commit()
    click.echo(f"back-office system '{name}' added; its bearer token (shown once): {token}")
