"""Messages to people, sent after the commit that decided them (``outbox.py``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind messaging to the app. The package wires its parts here, so the imports run one
    way: case_messages -> sending -> outbox, and neither of those imports the other back."""
    from portal.messaging import on_commit, outbox

    on_commit.init_app()  # a case's or a complaint's events become messages when the step commits
    outbox.init_app(app)  # messages are sent after the request's commit
