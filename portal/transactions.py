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
        if g.get("request_failed"):
            db.session.rollback()
        else:
            db.session.commit()
        return response
