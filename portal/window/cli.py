"""``flask staff`` and ``flask window``: staff accounts and the Art. 32 clock."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts import totp
from portal.clock import beijing
from portal.extensions import db
from portal.window import operations
from portal.window.models import Role

staff_cli = AppGroup("staff", help="Window staff accounts.")
window_cli = AppGroup("window", help="The window's legal clock.")


@staff_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", required=True, help="The name shown on decisions and in the audit trail.")
@click.option("--role", required=True, type=click.Choice(Role.ALL))
@click.option("--center", "center_slug", required=True, help="The center's slug, e.g. city.")
@click.option(
    "--window", "windows", multiple=True, help="A window code at that center; repeat for several."
)
def create(username: str, name: str, role: str, center_slug: str, windows: tuple[str, ...]) -> None:
    """Create a staff account; prints a first password and the authenticator secret once."""
    password = secrets.token_urlsafe(12)
    try:
        member = operations.create_staff(username, name, role, center_slug, list(windows), password)
        db.session.commit()
    except operations.StaffError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"created {member.username} ({member.role}) at {center_slug}")
    click.echo(f"first password: {password}")
    click.echo(f"authenticator secret: {member.totp_secret}")
    click.echo(f"authenticator link: {totp.provisioning_uri(member.totp_secret, member.username)}")


@window_cli.command("deem-accepted")
def deem_accepted() -> None:
    """Accept every filing the window left unanswered past 5 working days (Art. 32); run daily."""
    deemed = operations.deem_overdue_accepted(current_app.extensions["calendar"], beijing.today())
    db.session.commit()
    click.echo(f"{len(deemed)} filings deemed accepted")
