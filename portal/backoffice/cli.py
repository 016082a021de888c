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
    if once:
        click.echo(f"tried {dispatcher.dispatch_once(backend, batch=batch)} deliveries")
        return
    dispatcher.run(backend, stop_after=seconds, idle_seconds=idle_seconds, batch=batch)


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
@click.option("--new-token", is_flag=True, help="Replace the token of a system that has one.")
def add_system(name: str, new_token: bool) -> None:
    """Allow a back-office system to report progress; prints its token once.

    NAME is the system BACKOFFICE_SYSTEM names (default "back-office") when it is the one
    BACKOFFICE_URL delivers to: a system reports only on cases delivered to it.
    """
    from portal.backoffice.inbound import add_system as add

    try:
        _, token = add(name.strip(), new_token=new_token)
    except ValueError as error:
        raise click.ClickException(f"{error}; use --new-token to replace it") from None
    db.session.commit()
    click.echo(f"back-office system '{name}' ready; its bearer token (shown once): {token}")
    if name.strip() != current_app.config["BACKOFFICE_SYSTEM"]:
        click.echo(
            f"note: BACKOFFICE_SYSTEM is '{current_app.config['BACKOFFICE_SYSTEM']}', so this "
            "portal's deliveries do not go to this system and it cannot report on them"
        )
