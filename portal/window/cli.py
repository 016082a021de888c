"""``flask staff`` and ``flask window``: staff accounts and the Art. 32 clock."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts import totp
from portal.clock import beijing
from portal.extensions import db
from portal.window import operations, staff
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
    """Create a staff account; prints a first password and the authenticator secret once.

    The first password must be changed at the first sign-in."""
    password = staff.first_password()
    try:
        member = staff.create_staff(username, name, role, center_slug, list(windows), password)
        secret = staff.totp_secret_of(member)
        db.session.commit()
    except staff.StaffError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"created {member.username} ({member.role}) at {center_slug}")
    click.echo(f"first password: {password}")
    click.echo(f"authenticator secret: {secret}")
    click.echo(f"authenticator link: {totp.provisioning_uri(secret, member.username)}")


def _member(username: str):
    member = staff.find_staff(username)
    if member is None:
        raise click.ClickException(f"no staff member '{username}'")
    return member


@staff_cli.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Close a staff account and end all its sessions (from the command line: no admin)."""
    member = _member(username)
    ended = staff.sessions.end_all(staff.sessions.STAFF, member.id)
    already = not member.active
    member.active = False
    operations.audit(None, "staff-deactivated", staff=member.id, sessions=ended, via="cli")
    db.session.commit()
    click.echo(f"{username} was already deactivated" if already else f"deactivated {username}")


@staff_cli.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """Give a staff member a new first password (printed once; changed at next sign-in)."""
    member = _member(username)
    password = staff.reset_password(None, member)
    db.session.commit()
    click.echo(f"new first password for {username}: {password}")


@window_cli.command("deem-accepted")
def deem_accepted() -> None:
    """Accept every filing the window left unanswered past 5 working days (Art. 32); run daily."""
    deemed = operations.deem_overdue_accepted(current_app.extensions["calendar"], beijing.today())
    db.session.commit()
    click.echo(f"{len(deemed)} filings deemed accepted")
