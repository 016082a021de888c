"""Declarative access decisions. Every view says who may see it; a test checks that."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

View = TypeVar("View", bound=Callable)
ACCESS_ATTRIBUTE = "access_rule"


def public(view: View) -> View:
    """Anyone may see this page: it shows only published information."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def access_rule(view: Callable) -> str | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)
