"""Messages to people, sent after the commit that decided them (``outbox.py``)."""
