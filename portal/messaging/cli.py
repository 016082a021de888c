"""``flask messages``: send queued messages to people (the worker does this each tick)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.messaging.outbox import deliver_due_messages
from portal.outbox import run_until

messages_cli = AppGroup("messages", help="Send queued messages to people.")


@messages_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--seconds", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.option("--batch", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--idle-seconds", default=1.0, show_default=True, type=click.FloatRange(min=0.05))
def deliver(once: bool, seconds: float | None, batch: int, idle_seconds: float) -> None:
    """Send due messages; several may run at once against one database."""
    notifier = current_app.extensions["notifier"]
    if once:
        click.echo(f"tried {deliver_due_messages(notifier, batch=batch)} messages")
        return
    run_until(
        lambda: deliver_due_messages(notifier, batch=batch),
        idle_seconds=idle_seconds,
        stop_after=seconds,
    )
