"""``flask filing``: housekeeping for online applications."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from portal.filing.cleanup import clean_up

filing_cli = AppGroup("filing", help="Housekeeping for online applications.")


@filing_cli.command("cleanup")
@click.option(
    "--grace-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=5),
    help="Leave objects younger than this alone.",
)
def cleanup(grace_minutes: int) -> None:
    """Delete expired drafts and stored files that no application refers to."""
    report = clean_up(current_app.extensions["storage"], timedelta(minutes=grace_minutes))
    click.echo(
        f"deleted {report.drafts_deleted} expired drafts and {report.objects_deleted} orphaned files"
    )
