"""Site-wide preferences: language and text size, remembered in cookies.

Both are plain links so they work without JavaScript; ``next`` must be a path
on this site, never another host.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request

from portal.access import public
from portal.i18n import LANGUAGE_COOKIE, LOCALES, TEXT_SIZE_COOKIE

site = Blueprint("site", __name__)
TEXT_SIZES = ("normal", "large")


def safe_next(target: str | None) -> str:
    """Only a local path: an open redirect would let a phishing link borrow our name."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target:
        return "/"
    return target


def _remembering(name: str, value: str):
    response = redirect(safe_next(request.args.get("next")), code=303)
    response.set_cookie(
        name,
        value,
        max_age=int(timedelta(days=current_app.config["PREFERENCE_COOKIE_DAYS"]).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@site.get("/language/<code>")
@public
def choose_language(code: str):
    return _remembering(LANGUAGE_COOKIE, code if code in LOCALES else "zh")


@site.get("/text-size/<size>")
@public
def choose_text_size(size: str):
    return _remembering(TEXT_SIZE_COOKIE, size if size in TEXT_SIZES else "normal")


@site.get("/healthz")
@public
def health():
    return {"status": "ok"}
