"""``flask performance``: the monthly counts of the public figures."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.performance import counters

performance_cli = AppGroup("performance", help="The public performance figures.")


@performance_cli.command("rebuild")
def rebuild() -> None:
    """Recompute the monthly counts from the record (decisions, filings, ratings).

    Safe at any time: one transaction replaces them all. Needed only after data was written
    outside the portal's own doors (an import, a repair by hand)."""
    rows = counters.rebuild()
    db.session.commit()
    click.echo(f"monthly figures rebuilt: {rows} (month, center, item) rows")
