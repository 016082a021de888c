"""One check of the basics every HTML page must carry."""

from __future__ import annotations

import re


def assert_page_basics(response, lang: str) -> None:
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
    for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", page, re.S | re.I):
        assert 'name="csrf_token"' in form, "every POST form carries a CSRF token"
