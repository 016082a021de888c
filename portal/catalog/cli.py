"""``flask content``: check and load guides/ into the catalog."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

# The content reader and its pydantic schema (about 8 MB) are imported by the commands that
# use them: every process registers these commands, and only ``flask content`` reads guides.

content_cli = AppGroup("content", help="Check and load the service guides.")


def _guides_dir(path: str | None) -> Path:
    return Path(path) if path else current_app.config["GUIDES_DIR"]


@content_cli.command("check")
@click.option("--guides", "path", help="The content folder (default: GUIDES_DIR).")
def check(path: str | None) -> None:
    """Check every content file without touching the database."""
    from portal.catalog.content import ContentError, read_content

    try:
        content = read_content(_guides_dir(path))
    except ContentError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"content is valid: {len(content.items)} service items, {len(content.fees)} fee items, "
        f"{len(content.centers)} centers, {len(content.departments)} departments"
    )


@content_cli.command("load")
@click.option("--guides", "path", help="The content folder (default: GUIDES_DIR).")
def load(path: str | None) -> None:
    """Check, then load everything in one transaction: all of it or nothing."""
    from portal.catalog.content import ContentError
    from portal.catalog.loader import load_content

    try:
        report = load_content(_guides_dir(path))
        db.session.commit()
    except ContentError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} — nothing was loaded") from error
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"content loaded: {report.summary()}")
