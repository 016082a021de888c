"""Error pages in the reader's language that cannot themselves fail."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.transactions import mark_failed

log = logging.getLogger("portal.errors")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, message: str) -> tuple[dict, int]:
    return {"error": {"status": status, "message": message}}, status


MESSAGES = {
    400: lambda: _("请求有误，请检查后重试。"),
    403: lambda: _("您没有查看此页面的权限。"),
    404: lambda: _("找不到这个页面。它可能已被移动或删除。"),
    405: lambda: _("不支持这种请求方式。"),
    413: lambda: _("提交的内容太大。"),
    429: lambda: _("请求太频繁，请稍等一分钟后再试。"),
    500: lambda: _("系统暂时出现问题，我们已记录下来。请稍后再试，或拨打咨询电话。"),
    503: lambda: _("系统正在短暂维护，您填写的内容没有丢失。请过一分钟后再试。"),
}

# How long a client should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


def render_error(status: int, message: str | None = None):
    mark_failed()
    message = message or MESSAGES.get(status, MESSAGES[500])()
    if _wants_json():
        return _json_error(status, message)
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # an error page must never fail: fall back to plain text
        log.exception("the error page itself failed")
        return message, status, {"Content-Type": "text/plain; charset=utf-8"}


DRAIN_LIMIT = 512 * 1024 * 1024


def _drain_request_body() -> None:
    """Read and drop an over-large upload, so the browser gets our page, not a reset connection."""
    stream = request.environ.get("wsgi.input")
    remaining = min(request.content_length or 0, DRAIN_LIMIT)
    while stream is not None and remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            break
        remaining -= len(chunk)


def init_app(app: Flask) -> None:
    @app.errorhandler(413)
    def too_large(error):
        _drain_request_body()
        limit = app.config["UPLOAD_MAX_FILE_BYTES"] / 1_000_000
        return render_error(
            413,
            _(
                "文件太大，没有上传。每个文件不能超过 %(size)s MB。请返回上一页，压缩或分页扫描后再上传。",
                size=f"{limit:g}",
            ),
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("页面已过期，请返回上一页刷新后重新提交。"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        # A restart or failover of the database (or SQLite busy): nothing was written, the
        # request rolled back, and trying again shortly works. That is a 503, not a 500.
        log.warning("database unavailable on %s: %s", request.path, type(error.orig).__name__)
        response = make_response(render_error(503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return render_error(500)
