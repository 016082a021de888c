"""One transaction per request: domain code flushes, this commits or rolls back.

A request that raised (including ``abort``) rolls back everything it wrote;
any other request commits, so a failed sign-in is still counted even though the
page answers with an error.
"""

from __future__ import annotations

from flask import Flask, Response, g

from portal.extensions import db


def mark_failed() -> None:
    g.request_failed = True


def init_app(app: Flask) -> None:
    @app.after_request
    def _commit_or_roll_back(response: Response) -> Response:
        session = db.session()
        if not session.in_transaction():
            return response  # nothing was read or written: most cached pages
        if g.get("request_failed"):
            session.rollback()
        else:
            session.commit()
        return response
