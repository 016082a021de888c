"""Declarative access decisions. Every view says who may use it; a test checks that."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from flask import redirect, request, url_for
from flask_login import current_user

View = TypeVar("View", bound=Callable)
ACCESS_ATTRIBUTE = "access_rule"


def public(view: View) -> View:
    """Anyone may use this page: it shows only published information or starts a journey."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def applicant_required(view: View) -> View:
    """A signed-in applicant; anyone else is sent to sign in and brought back."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, "applicant")
    return wrapper  # type: ignore[return-value]


def access_rule(view: Callable) -> str | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)
