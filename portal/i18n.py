"""Language choice, bilingual content and Babel formatting.

Content from guides/ is stored as ``{"zh": ..., "en": ...}``; ``localized``
picks the reader's language and falls back to Chinese, which is authoritative.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, g, request
from flask_babel import format_currency, format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
LANGUAGE_COOKIE = "lang"
TEXT_SIZE_COOKIE = "textsize"


def chosen_language() -> str:
    """'zh' or 'en' for this request: the language cookie when the reader has chosen one
    (it always wins), else the browser's Accept-Language on a first visit, else Chinese."""
    choice = request.cookies.get(LANGUAGE_COOKIE)
    if choice in LOCALES:
        return choice
    # best_match also takes "en-GB" or "zh-CN" for the primary tags offered here.
    return request.accept_languages.best_match(list(LOCALES), default="zh")


def select_locale() -> str:
    return LOCALES[chosen_language()] if request else LOCALES["zh"]


def vary_by_language(response):
    """Every page is in the language the cookie or Accept-Language chose, so a shared cache
    must keep one copy per value of both."""
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def current_language() -> str:
    """'zh' or 'en': the key used in bilingual content; asked hundreds of times a page, so kept."""
    if "language" not in g:
        locale = get_locale()
        g.language = "en" if locale is not None and locale.language == "en" else "zh"
    return g.language


def html_lang() -> str:
    return "en" if current_language() == "en" else "zh-Hans"


def localized(value: dict | None) -> str:
    if not value:
        return ""
    return value.get(current_language()) or value.get("zh", "")


def working_days(count: int) -> str:
    return per_locale(_working_days, count)


def _working_days(count: int) -> str:
    return ngettext("%(num)d 个工作日", "%(num)d 个工作日", count)


def per_locale(formatter, value):
    """``formatter(value)`` in the reader's locale, remembered per locale.

    Babel's formatting and gettext lookups cost about ten microseconds each, and a list of
    50 cases asks for the same few dates, day counts and labels hundreds of times. Their
    text depends only on the locale (translations and formats are fixed for a process), so
    each answer is kept with the locale as part of the key, never tied to a request.
    ``formatter`` must be a module-level function of ``value`` alone (hashable).
    """
    locale = get_locale()
    if locale is None:
        return formatter(value)
    return _remembered(locale, formatter, value)


def label(value: object) -> str:
    """``str(value)``; a constant made by ``lazy_gettext`` (a label of a code) is translated
    once per locale: the dispatcher renders a dozen of them per case document."""
    # LazyString keeps its call in private attributes; should a Flask-Babel upgrade rename
    # them, the label is still right, only translated on every call.
    call = (getattr(value, "_func", None), getattr(value, "_args", None))
    if isinstance(value, LazyString) and None not in call and not getattr(value, "_kwargs", 1):
        return per_locale(_lazy_text, call)
    return str(value)


def _lazy_text(call: tuple) -> str:
    func, args = call
    return str(func(*args))


@functools.lru_cache(maxsize=8192)
def _remembered(locale, formatter, value):
    return formatter(value)


def money(amount: Decimal | float | None) -> str:
    if amount is None:
        return ""
    return format_currency(amount, "CNY")


KILOBYTE, MEGABYTE, GIGABYTE = 1_000, 1_000_000, 1_000_000_000


def format_file_size(size: int) -> str:
    """A size as people read it: 0.6 KB, 4.8 MB, 20 MB (decimal units, as the upload limits
    are set), one decimal at most, in the reader's number format; remembered per locale
    (a case page shows one per material, each a gettext and a Babel number format)."""
    return per_locale(_format_file_size, size)


def _format_file_size(size: int) -> str:
    if size <= 0:
        return _("%(num)s KB", num=format_decimal(0))
    units = ((GIGABYTE, _("%(num)s GB")), (MEGABYTE, _("%(num)s MB")))
    for unit, text in units:
        # Rounded first, so 999,990 bytes reads "1 MB", never "1,000 KB".
        if _rounded(size / unit) >= 1:
            return text % {"num": format_decimal(_rounded(size / unit), format="#,##0.#")}
    # A file of a few bytes is still something: never "0 KB" for a file that is not empty.
    kilobytes = max(_rounded(size / KILOBYTE), Decimal("0.1"))
    return _("%(num)s KB", num=format_decimal(kilobytes, format="#,##0.#"))


def _rounded(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def long_date(value: date | datetime) -> str:
    # A datetime is moved to the reader's time zone first: only plain dates are remembered.
    if type(value) is not date:
        return _long_date(value)
    return per_locale(_long_date, value)


def _long_date(value: date | datetime) -> str:
    return format_date(value, format="long")


def large_text() -> bool:
    return request.cookies.get(TEXT_SIZE_COOKIE) == "large"


def is_staff() -> bool:
    from flask_login import current_user

    return current_user.is_authenticated and current_user.get_id().startswith("staff:")


def init_app(app: Flask) -> None:
    app.after_request(vary_by_language)
    app.jinja_env.filters.update(
        t=localized, money=money, long_date=long_date, file_size=format_file_size
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        html_lang=html_lang,
        working_days=working_days,
        large_text=large_text,
        is_staff=is_staff,
    )
