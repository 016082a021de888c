"""Follow every link from the home page, signed out and signed in, in both languages.

What the crawler does, precisely:

* it starts at ``/`` and follows every ``<a href>`` that stays on the site, by GET only,
  skipping ``/static/`` (files Flask serves as they are) and fragments;
* an HTML answer is parsed for more links; any other answer (a PDF, a CSV, a blank form)
  is fetched and must answer 200, but is not parsed;
* a page must answer 200. Two kinds of redirect are part of the site and are checked
  instead of followed blindly:
  - the language and text-size links answer 303 back to the page they were clicked on
    (their ``next``); they set a cookie, so they are tried once each on a separate client
    and the crawl keeps its own language;
  - signed out, a page behind ``applicant_required`` answers 302 to the sign-in page with
    the page as ``next``; the sign-in page itself is crawled like any other;
  - signed in, a draft's link in "my applications" answers 302 to the draft's next step.
  These redirects are followed and their target must answer 200 in its turn.
  Any other redirect, and any 4xx or 5xx, fails the test with the list of pages;
* it stops after ``MAX_PAGES`` and fails then: a crawl that does not finish has found a
  page that makes new links without end, which is a defect too.

Signed in, the applicant has a draft and a submitted application, so the pages behind
"my applications" (progress, receipt, attachments, check, questions, materials) are reached.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest

from tests.applying import COMPANY, file_an_application, start_application
from tests.factories import make_applicant, sign_in_as

MAX_PAGES = 1500
PREFERENCE_PREFIXES = ("/language/", "/text-size/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site(base: str, href: str) -> str | None:
    """The path and query of a link on this site, or None for another site or a scheme."""
    url = urlsplit(urljoin("http://localhost" + base, href))
    if url.scheme not in ("http", "https") or url.netloc != "localhost":
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(client, preferences_client, signed_in: bool) -> tuple[dict[str, int], list[str]]:
    """Every page reached from ``/`` with its status, and the problems found."""
    seen: dict[str, int] = {}
    problems: list[str] = []
    queue = ["/"]
    tried_preferences: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen or path.startswith("/static/"):
            continue
        if len(seen) >= MAX_PAGES:
            problems.append(f"stopped after {MAX_PAGES} pages; {len(queue)} still queued")
            break
        url = urlsplit(path)
        if url.path.startswith(PREFERENCE_PREFIXES):
            # One try per switch: they behave the same whatever page they came from.
            seen[path] = 0
            if url.path in tried_preferences:
                continue
            tried_preferences.add(url.path)
            response = preferences_client.get(path)
            seen[path] = response.status_code
            expected = parse_qs(url.query).get("next", ["/"])[0]
            if response.status_code != 303 or response.headers["Location"] != expected:
                problems.append(f"{path}: {response.status_code} to {response.location}")
            continue
        response = client.get(path)
        body = response.get_data()
        response.close()  # a download is a file Flask opened; read it whole and close it
        seen[path] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_site(path, response.headers["Location"])
            if not _expected_redirect(path, response.status_code, target, signed_in):
                problems.append(f"{path}: {response.status_code} to {target}")
            elif target not in seen:
                queue.append(target)
            continue
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
            continue
        if response.mimetype != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for href in parser.hrefs:
            link = _same_site(path, href)
            if link is not None and link not in seen:
                queue.append(link)
    return seen, problems


def _expected_redirect(path: str, status: int, target: str | None, signed_in: bool) -> bool:
    """The redirects the site means to make; the crawl follows them (their target must be 200)."""
    if status != 302 or target is None:
        return False
    if not signed_in:
        # applicant_required: sign in first, then come back here.
        return target == "/account/sign-in?" + urlencode({"next": path})
    # A draft has no progress page: its link resumes the draft at its next step.
    return re.fullmatch(r"/applications/[0-9a-f]{32}", path) is not None and target.startswith(
        path + "/"
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_reached_from_home_signed_out_answers_200(app, language):
    client = app.test_client()
    client.get(f"/language/{language}")
    seen, problems = crawl(client, app.test_client(), signed_in=False)
    assert problems == []
    assert len(seen) > 100, "the crawl reached the catalog"
    assert any(path.startswith("/items/") and "/files/" in path for path in seen)
    assert f"/items/{COMPANY}/apply" in seen


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_reached_from_home_signed_in_answers_200(app, language):
    client = app.test_client()
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    submitted = file_an_application(client)
    draft = start_application(client)
    client.get(f"/language/{language}")
    seen, problems = crawl(client, app.test_client(), signed_in=True)
    assert problems == []
    for reached in (
        "/account",
        "/applications",
        f"/applications/{submitted}",
        f"/applications/{submitted}/receipt.pdf",
    ):
        assert reached in seen, reached
    assert any(path.startswith(f"/applications/{submitted}/files/") for path in seen)
    assert any(path.startswith(f"/applications/{draft}/") for path in seen)
