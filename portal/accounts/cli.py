"""``flask accounts``: housekeeping for sign-in sessions and failure counts."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts import sessions, throttle
from portal.extensions import db

accounts_cli = AppGroup("accounts", help="Sign-in sessions and failure counts.")


@accounts_cli.command("forget-old")
def forget_old() -> None:
    """Delete long-ended sessions and failure counts that have run out (run it daily)."""
    ended = sessions.forget_old()
    counts = throttle.forget_old(current_app.config["SIGN_IN_LOCK_MINUTES"])
    db.session.commit()
    click.echo(f"{ended} old sessions and {counts} old failure counts deleted")
