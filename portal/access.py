"""Declarative access decisions. Every view says who may use it; a test checks that."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from flask import abort, redirect, request, url_for
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
        from portal.accounts.models import Applicant

        if not isinstance(current_user._get_current_object(), Applicant):
            return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, "applicant")
    return wrapper  # type: ignore[return-value]


def staff_required(*roles: str) -> Callable[[View], View]:
    """Signed-in window staff, of one of ``roles`` if given; applicants never get in."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from portal.window.models import StaffMember

            member = current_user._get_current_object()
            if not isinstance(member, StaffMember):
                return redirect(url_for("window.sign_in", next=request.full_path.rstrip("?")))
            if roles and member.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, "staff:" + ",".join(roles or ("any",)))
        return wrapper  # type: ignore[return-value]

    return decorator


def access_rule(view: Callable) -> str | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


def is_private(view: Callable | None) -> bool:
    """A page for one signed-in person (or one back-office system): never to be stored."""
    rule = access_rule(view) if view is not None else None
    return rule is not None and rule.startswith(
        ("applicant", "staff:", "backoffice-token", "hotline-token", "signed-link")
    )


def backoffice_token(view: View) -> View:
    """A back-office system with a bearer token; the view checks the token itself."""
    setattr(view, ACCESS_ATTRIBUTE, "backoffice-token")
    return view


def hotline_token(view: View) -> View:
    """A 12345 hotline system with a bearer token; the view checks the token itself."""
    setattr(view, ACCESS_ATTRIBUTE, "hotline-token")
    return view


def signed_link(view: View) -> View:
    """Whoever holds an unexpired signed link (one material's download); the view checks it."""
    setattr(view, ACCESS_ATTRIBUTE, "signed-link")
    return view
