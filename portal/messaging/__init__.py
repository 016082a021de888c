"""Messages to people, sent after the commit that decided them (``outbox.py``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind messaging to the app. The package wires its parts here, so the imports run one
    way: case_messages -> sending -> outbox, and neither of those imports the other back."""
    from portal.messaging import case_messages, outbox

    case_messages.init_app()  # a case's events become messages when their step commits
    outbox.init_app(app)  # messages are sent after the request's commit
