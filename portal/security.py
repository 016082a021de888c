"""Security headers on every response, and HTTPS when the deployment asks for it.

The headers never change, so they are built once at start-up: a CSP without
inline script, no framing, no sniffing, a strict referrer policy, no powerful
browser features, and HSTS when HTTPS is forced. A private page (one behind
``applicant_required`` or ``staff_required``, see ``portal.access``) also says
``Cache-Control: no-store``, so neither a shared proxy nor the browser's history
keeps a person's case, files or the staff console.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, redirect, request

from portal.access import is_private

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HSTS_SECONDS = 31_536_000
PRIVATE_CACHE_CONTROL = "no-store"


def security_headers(force_https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": "; ".join(
            f"{k} {v}" for k, v in CONTENT_SECURITY_POLICY.items()
        ),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "geolocation=(), camera=(), microphone=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if force_https:
        headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}; includeSubDomains"
    return headers


def init_app(app: Flask) -> None:
    headers = security_headers(app.config["FORCE_HTTPS"])

    @app.after_request
    def _add_security_headers(response: Response) -> Response:
        response.headers.update(headers)
        if request.endpoint and is_private(current_app.view_functions.get(request.endpoint)):
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response

    if app.config["FORCE_HTTPS"]:

        @app.before_request
        def _redirect_to_https():
            if not request.is_secure:
                return redirect(request.url.replace("http://", "https://", 1), code=301)
            return None
