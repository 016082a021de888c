"""One check of the basics every HTML page must carry."""

from __future__ import annotations

import re


def assert_page_basics(response, lang: str, csrf: bool = False) -> None:
    """Title, language, one h1, skip link, security headers; CSRF tokens when ``csrf``."""
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert f'<html lang="{lang}"' in page
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and title.group(1).strip(), "every page has a title"
    assert page.count("<h1") == 1, "one main heading per page"
    assert 'class="skip-link" href="#main"' in page
    assert 'id="main"' in page
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if csrf:
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", page, re.S | re.I)
        for form in forms:
            assert 'name="csrf_token"' in form, "every POST form carries a CSRF token"


def assert_no_chinese_left(response, path: str, typed: list[str] = ()) -> None:
    """An English page shows no Chinese but what the reader typed and the link to 中文."""
    body = re.sub(r'<a [^>]*lang="zh-Hans"[^>]*>[^<]*</a>', "", response.get_data(as_text=True))
    for text in typed:
        body = body.replace(text, "")
    # Chinese characters, and full-width punctuation such as ：（），
    leftover = re.findall(r"[^<>\n]*[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+[^<>\n]*", body)
    assert not leftover, f"untranslated on {path}: {leftover[:5]}"
