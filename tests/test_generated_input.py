"""Generated input at every form and every API operation, on PostgreSQL: nothing may answer 5xx.

Hypothesis posts odd values (NUL and other control characters, emoji, RTL marks,
full-width digits, very long strings, empty strings, numbers as text) to every route
that accepts POST, as the person who would use it, and sends odd path parts and query
strings to every GET route, the JSON API included; the back office's inbound API gets
generated JSON bodies. The field names come from the forms on the pages themselves, so
a new field is covered without touching this file, and a new POST route fails the
coverage test until it is given here. Runs are derandomised: CI sees the same examples.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.backoffice.inbound import TRANSITIONS, add_system
from portal.catalog.models import ServiceItem
from portal.clock import beijing
from portal.complaints import operations
from portal.complaints.models import Complaint, ComplaintStatus
from portal.extensions import db
from portal.proxy import requests as proxy_requests
from tests.backoffice.test_dispatcher import _accepted_case
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import (
    PASSWORD,
    citizen_id,
    make_applicant,
    make_staff,
    pdf_bytes,
    sign_in_as,
    sign_in_staff,
    upload,
)
from tests.filing.test_journey import ANSWERS, COMPANY, filed, start
from tests.proxy.journey import submitted_request
from tests.proxy.projects import LAND, PLANNING, accepted_project, add, permit_ids, version_of

ODD = [
    "\x00", "a\x00b", "王\x00芳", "\x00" * 40, "\x1b[31m红\x1b[0m", "\x07\x08\x0b\x0c", "\x7f", "\x85",
    "\t", "\r\n", "line\nbreak", "\u202eabc\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd", "مرحبا",
    "１２３４５６", "ＨＹ－２０２６１１２７－０００１２－７", "😀", "👨\u200d👩\u200d👧", "\ufeff",
    "\U0010ffff", "", " ", "　", "0", "-1", "007", "1e400", "-1e400", "NaN", "inf",
    str(10**30), "9" * 400, "2026-02-30", "0000-00-00", "y", "yes", "no", "on", "accept",
    "supplements", "decline", "individual", "company", "长" * 5000, "x" * 100_000,
    "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd",
]  # fmt: skip
odd_text = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(str),
    st.text(st.characters(max_codepoint=0x9F), max_size=8),
    st.tuples(st.text(max_size=6), st.text(max_size=6)).map("\x00".join),
)
odd_path_part = odd_text.filter(lambda text: text.strip("/. ") != "")
odd_bytes = st.one_of(
    st.sampled_from([b"", pdf_bytes(), b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]),
    st.tuples(
        st.sampled_from([b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"MZ"]),
        st.binary(max_size=300),
    ).map(b"".join),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class Forms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path, self.forms, self._current = page_path, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            action = urlsplit(attrs.get("action") or self.page_path).path
            self._current = self.forms.setdefault(action, set())
        elif (
            tag in ("input", "textarea", "select")
            and self._current is not None
            and attrs.get("name")
            and attrs.get("type") not in ("submit", "file")
        ):
            self._current.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class World:
    """Everything a generated request needs: people, cases, and the forms on their pages."""

    def __init__(self, app) -> None:
        self.app = app
        applicant_id, identifier = make_applicant(app)
        self.applicant_id, self.identifier = applicant_id, identifier
        client = self.applicant()
        self.draft = start(client)
        self.submitted = filed(client)
        page = client.get(f"/applications/{self.submitted}/submitted").get_data(as_text=True)
        self.number = re.search(r"<strong>(HY-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
        self.code = re.search(r"查询码<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
        self.for_supplements = filed(client)
        # Deleted and withdrawn by the first generated request to each: nothing else uses them.
        self.to_delete = start(client)
        self.to_withdraw = filed(client)
        self.accepted, self.message_id = _accepted_case(app)
        self.officer_id, self.username, self.staff_password, _ = make_staff(app, windows=("A01",))
        self.admin_id, *_ = make_staff(app, windows=("A01",), role="administrator")
        officer = self.staff()
        response = officer.post(
            f"/staff/cases/{self.for_supplements}",
            data={"decision": "supplements", "reason-M01": "请补充盖章页"},
        )
        assert response.status_code == 302
        with app.app_context():
            item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == COMPANY))
            self.questions = [question["code"] for question in item.questions]
            self.materials = [material.code for material in item.materials]
            _, self.token = add_system("审批系统")
            db.session.commit()
        self.head_id, self.ticket, self.statement_request = _complaint_in_handling(app)
        self.public_ids = [self.draft, self.submitted, self.for_supplements, self.accepted]
        # A new number waiting for its code, so the confirmation page has its form.
        assert client.post("/account/mobile", data={"mobile": "13900009999"}).status_code == 302
        self.forms: dict[str, set[str]] = {}
        # Delivery by post, so the draft has its postal-address page.
        client.post(
            f"/applications/{self.draft}/questions/licence-delivery", data={"answer": "post"}
        )
        self.address_page = f"/applications/{self.draft}/questions/licence-delivery/address"
        self.ticket, self.ticket_code = _replied_complaint(self)
        # The proxy window's head and a request waiting for its decision.
        self.proxy_head_id, *_ = make_staff(app, role="proxy-head", windows=())
        self.proxy_request = submitted_request(app)
        # An accepted project with two permits in its plan, and its agent.
        self.proxy_agent_id, *_ = make_staff(app, role="proxy-agent", windows=(), name="孙代理员")
        self.proxy_project, self.proxy_investor = accepted_project(app, self.proxy_agent_id)
        for item in (LAND, PLANNING):
            assert (
                add(self.staff(self.proxy_agent_id), app, self.proxy_project, item).status_code
                == 302
            )
        self.proxy_permit = permit_ids(app, self.proxy_project)[LAND]
        # The agent files the planning permit for the investor: an assisted draft.
        filing_page = self.staff(self.proxy_agent_id).post(
            f"/staff/proxy/projects/{self.proxy_project}/plan/"
            f"{permit_ids(app, self.proxy_project)[PLANNING]}/file",
            data={"version": version_of(app, self.proxy_project)},
        )
        self.assisted = filing_page.headers["Location"].rsplit("/", 1)[1]
        with app.app_context():
            item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == PLANNING))
            self.assisted_materials = [material.code for material in item.materials]
        # A request of the project's investor refused by the head: its page has the rating form.
        self.proxy_rater = app.test_client()
        self.proxy_refused = submitted_request(app, self.proxy_rater)
        assert (
            self.staff(self.proxy_head_id)
            .post(f"/staff/proxy/{self.proxy_refused}/refuse", data={"reasons": "选址未定。"})
            .status_code
            == 302
        )
        # A county officer and the city-level draft they file for the applicant.
        self.county_officer_id, *_ = make_staff(app, center="hengyang-county", windows=("X11",))
        county = self.county_officer()
        letter = county.post(
            f"{COUNTY_START}/letter",
            data=upload(pdf_bytes(), "委托书.pdf"),
            content_type="multipart/form-data",
        )
        self.county_draft = letter.headers["Location"].rsplit("/", 1)[1]
        # An ended case for the rating form, and a bad rating's follow-up for the office.
        self.ended, self.follow_up, self.supervisor_id = _rated_cases(self)
        self._read_forms()

    def applicant(self):
        client = self.app.test_client()
        sign_in_as(client, self.applicant_id)
        return client

    def county_officer(self):
        """A county officer's client whose start pages are answered up to the letter."""
        client = self.staff(self.county_officer_id)
        client.post(COUNTY_START, data={"identifier": self.identifier})
        client.post(f"{COUNTY_START}/applicant")
        client.post(f"{COUNTY_START}/item", data={"item": COMPANY})
        page = client.get(f"{COUNTY_START}/window").get_data(as_text=True)
        window = re.search(r'name="window"[^>]*value="(\d+)"', page).group(1)
        client.post(f"{COUNTY_START}/window", data={"window": window})
        client.post(f"{COUNTY_START}/received", data={"received_on": beijing.today().isoformat()})
        return client

    def complainant(self):
        """A client whose complaint draft has reached every page (a fee, about an item)."""
        client = self.app.test_client()
        client.post("/complaints/new")
        client.post("/complaints/new/kind", data={"kind": "fee"})
        client.post("/complaints/new/about", data={"about": "item"})
        client.post("/complaints/new/item", data={"item": FEE_ITEM})
        page = client.get("/complaints/new/place").get_data(as_text=True)
        place = re.search(r'name="place"[^>]*value="(w\d+)"', page).group(1)
        client.post("/complaints/new/place", data={"place": place})
        client.post("/complaints/new/what", data={"what": "多收了钱。"})
        client.post("/complaints/new/want", data={"want": "退还。"})
        client.post(
            "/complaints/new/fee", data={"fee": "not-listed", "fee_named": "资料费", "asked": "30"}
        )
        client.post("/complaints/new/contact", data={"way": "anonymous"})
        return client

    def follower(self):
        """A client that followed the world's replied complaint with its code."""
        client = self.app.test_client()
        client.post("/complaints/follow", data={"ticket": self.ticket, "code": self.ticket_code})
        return client

    def staff(self, staff_id: int | None = None):
        client = self.app.test_client()
        sign_in_staff(client, staff_id or self.officer_id)
        return client

    def _read_forms(self) -> None:
        pages = [
            (self.app.test_client(), "/track"),
            (self.app.test_client(), "/account/sign-in"),
            (self.app.test_client(), "/account/register"),
            (self.app.test_client(), "/account/register/individual"),
            (self.app.test_client(), "/account/register/company"),
            (self.app.test_client(), "/account/forgot-password"),
            (self.app.test_client(), "/account/reset-password"),
            (self.app.test_client(), "/staff/sign-in"),
            (self.applicant(), "/account"),
            (self.applicant(), "/account/password"),
            (self.applicant(), "/account/mobile"),
            (self.applicant(), "/account/email"),
            (self.applicant(), "/account/mobile/confirm"),
            (self.applicant(), f"/items/{COMPANY}/apply"),
            (self.applicant(), f"/applications/{self.draft}/check"),
            (self.applicant(), self.address_page),
            (self.applicant(), f"/applications/{self.for_supplements}/supplements"),
            (self.applicant(), f"/applications/{self.to_delete}/delete"),
            (self.applicant(), f"/applications/{self.to_withdraw}/withdraw"),
            *[
                (self.applicant(), f"/applications/{self.draft}/questions/{code}")
                for code in self.questions
            ],
            *[
                (self.applicant(), f"/applications/{self.draft}/materials/{code}")
                for code in self.materials
            ],
            (self.app.test_client(), "/complaints/new"),
            *[(self.complainant(), f"/complaints/new/{step}") for step in COMPLAINT_STEPS],
            (self.complainant(), "/complaints/new/check"),
            (self.follower(), f"/complaints/tickets/{self.ticket}"),
            (self.staff(), f"/staff/cases/{self.submitted}"),
            (self.staff(), "/staff"),
            (self.staff(self.admin_id), "/staff/deliveries"),
            *[(self.applicant(), f"/proxy/request/{step}") for step in proxy_requests.STEPS],
            (self.applicant(), "/proxy/request/check"),
            (self.staff(self.proxy_head_id), f"/staff/proxy/{self.proxy_request}"),
            (self.staff(self.proxy_agent_id), f"/staff/proxy/projects/{self.proxy_project}/plan"),
            (
                self.staff(self.proxy_agent_id),
                f"/staff/assisted/applications/{self.assisted}/where",
            ),
            (
                self.staff(self.proxy_agent_id),
                f"/staff/assisted/applications/{self.assisted}/check",
            ),
            *[
                (
                    self.staff(self.proxy_agent_id),
                    f"/staff/assisted/applications/{self.assisted}/materials/{code}",
                )
                for code in self.assisted_materials
            ],
            (self.proxy_investor, f"/proxy/projects/{self.proxy_project}"),
            (self.proxy_rater, f"/proxy/requests/{self.proxy_refused}"),
            (self.staff(self.proxy_head_id), f"/staff/proxy/projects/{self.proxy_project}/agent"),
            (
                self.staff(self.proxy_agent_id),
                f"/staff/proxy/projects/{self.proxy_project}/plan/search?q=卫生许可",
            ),
            *[
                (self.county_officer(), f"{COUNTY_START}{step}")
                for step in ("", "/applicant", "/item", "/window", "/received", "/letter")
            ],
            (
                self.county_officer(),
                f"{COUNTY_START}/drafts/{self.county_draft}/received",
            ),
            (self.applicant(), f"/applications/{self.ended}"),
            (self.staff(self.supervisor_id), f"/staff/ratings/{self.follow_up}"),
        ]
        for client, path in pages:
            parser = Forms(path)
            parser.feed(client.get(path).get_data(as_text=True))
            for action, names in parser.forms.items():
                self.forms.setdefault(action, set()).update(names)

        # The outcome form shows only after the call-back: its fields are taught here.
        outcome = f"/staff/ratings/{self.follow_up}/outcome"
        self.forms.setdefault(outcome, set()).update({"csrf_token", "outcome", "fix_by", "note"})
        fixed = f"/staff/ratings/{self.follow_up}/fixed"
        self.forms.setdefault(fixed, set()).add("csrf_token")
        appeal = f"/staff/ratings/window/{self.follow_up}/appeal"
        self.forms.setdefault(appeal, set()).update({"csrf_token", "grounds"})
        decision = f"/staff/ratings/{self.follow_up}/appeal-decision"
        self.forms.setdefault(decision, set()).update({"csrf_token", "decision", "reasons"})
        again = f"/applications/{self.ended}/rating/again"
        self.forms.setdefault(again, set()).update({"csrf_token", "level", "words"})
        pick = f"/staff/proxy/drafts/{self.assisted}/materials/M01/pick"
        self.forms.setdefault(pick, set()).update({"csrf_token", "document"})
        for again in (
            f"/proxy/requests/{self.proxy_refused}/rating/again",
            f"/complaints/tickets/{self.ticket}/rating/again",
        ):
            self.forms.setdefault(again, set()).update({"csrf_token", "level", "words"})
        for step, fields in OFFICE_STEPS.values():
            path = self.complaint_path(step.format(request=self.statement_request))
            self.forms.setdefault(path, set()).update({"csrf_token", *fields})

    def complaint_path(self, step: str, ticket: str | None = None) -> str:
        return f"/staff/complaints/{_part(ticket or self.ticket)}/{step}"

    def fields(self, path: str) -> list[str]:
        return sorted(self.forms.get(path, set()))

    def valid_values(self) -> dict[str, str]:
        """Values that pass each field's own check, so an odd one beside them reaches the end."""
        return {
            "identifier": citizen_id(),
            "name": "王芳",
            "mobile": "13812345678",
            "email": "wang@example.com",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "legal_representative": "李明",
            "contact_name": "赵六",
            "kind": "individual",
            "number": self.number,
            "secret": self.code,
            "username": self.username,
            "declaration": "y",
            "decision": "decline",
            "decline_reason": "不属于本机关职权范围",
            "opinion": "材料齐全",
            "right_authority": "市场监督管理局",
            "reason-M01": "请补充盖章页",
            "province": "43",
            "city": "衡阳市",
            "district": "蒸湘区",
            "street": "解放西路 22 号",
            "postcode": "421001",
            "recipient": "王芳",
            "about": "item",
            "what": "窗口工作人员态度很差。",
            "want": "请调查并道歉。",
            "fee": "not-listed",
            "fee_named": "资料费",
            "asked": "30",
            "way": "anonymous",
            "reason": "no-content",
            "asked_of": "综合受理窗口",
            "question": "请说明为何未一次性告知。",
            "statement": "已补正告知。",
            "reply": "经核查，已整改。",
            "why": "需调取监控",
            "reply_by": "2026-12-10",
            "level": "unsatisfied",
            "reasons": "slow",
            "words": "等了很久。",
            "note": "已电话回访申请人。",
            "outcome": "explained",
            "grounds": "申请人评价的是另一件事。",
            "received_on": beijing.today().isoformat(),
        }


FEE_ITEM = "430400-GA-DJ-0002"
COUNTY_START = "/staff/county-filing"
COUNTY_STEPS = {
    "county_filing.applicant": "",
    "county_filing.confirm": "/applicant",
    "county_filing.item": "/item",
    "county_filing.window": "/window",
    "county_filing.received": "/received",
}
COMPLAINT_STEPS = ["kind", "about", "item", "place", "what", "want", "fee", "contact"]


def _replied_complaint(world: World) -> tuple[str, str]:
    """A complaint filed through the pages and replied to, so its page offers the rating."""
    client = world.complainant()
    client.post("/complaints/new/submit")
    page = client.get("/complaints/filed").get_data(as_text=True)
    ticket = re.search(r"<strong>(HYTS-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
    code = re.search(r"<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
    with world.app.app_context():
        complaint = db.session.scalar(
            select(Complaint).where(Complaint.ticket == ticket.replace("-", ""))
        )
        for to in ("accepted", "investigating", "reply-approved"):
            operations.move(complaint, to, "office")
        operations.move(complaint, ComplaintStatus.REPLIED, "office", reply="已核实。")
        db.session.commit()
    return ticket.replace("-", ""), code


def _rated_cases(world: World) -> tuple[str, str, int]:
    """A completed case not yet rated, and one rated badly with its open follow-up."""
    from portal.filing.models import Application
    from portal.ratings.models import FollowUp, Rating

    client = world.applicant()
    ended, rated = filed(client), filed(client)
    with world.app.app_context():
        for public_id in (ended, rated):
            application = db.session.scalar(
                select(Application).where(Application.public_id == public_id)
            )
            application.status = "completed"
        db.session.commit()
    client.post(f"/applications/{rated}/rating", data={"level": "unsatisfied", "reasons": ["slow"]})
    with world.app.app_context():
        follow_up = db.session.scalar(
            select(FollowUp.public_id)
            .join(Rating)
            .join(Application)
            .where(Application.public_id == rated)
        )
    supervisor_id, *_ = make_staff(world.app, windows=(), role="supervisor")
    return ended, follow_up, supervisor_id


def _complaint_in_handling(app) -> tuple[int, str, int]:
    """A complaint under investigation with a statement asked, and the office head."""
    from portal.catalog.models import Center
    from portal.complaints import handling
    from portal.complaints.deadlines import read_deadlines
    from portal.complaints.operations import ComplaintDraft, Contact, file_complaint
    from portal.config import PROJECT_ROOT
    from portal.window.models import StaffMember

    head_id, *_ = make_staff(app, windows=(), role="supervision-head")
    with app.app_context():
        deadlines = read_deadlines(PROJECT_ROOT / "guides")
        item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == COMPANY))
        center = db.session.scalar(select(Center).where(Center.slug == "city"))
        draft = ComplaintDraft(
            kind="slow",
            what_happened="太慢",
            what_they_want="快一点",
            item=item,
            center=center,
            contact=Contact("李娜", mobile="13900002222"),
        )
        complaint = file_complaint(draft, app.extensions["calendar"], deadlines).complaint
        head = db.session.get(StaffMember, head_id)
        handling.accept(head, complaint)
        handling.start_investigating(head, complaint, head)
        asked = handling.ask_statement(
            head, complaint, "窗口", "请说明", app.extensions["calendar"], deadlines
        )
        db.session.commit()
        return head_id, complaint.ticket, asked.id


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    with fresh_database("postgresql", tmp_path_factory.mktemp("generated")) as url:
        app = make_app(url)
        load_guides(app)
        yield World(app)
        with app.app_context():
            db.engine.dispose()


def _form_data(world: World, names: list[str], answer: str | None = None):
    """Either every field odd or not, or every field right but one odd one."""
    valid = world.valid_values()
    if answer is not None:
        valid["answer"] = answer
    mixed = st.fixed_dictionaries(
        {}, optional={name: st.one_of(st.just(valid.get(name, "")), odd_text) for name in names}
    )
    if not names:
        return mixed
    one_odd = st.tuples(st.sampled_from(names), odd_text).map(
        lambda odd: {**{name: valid.get(name, "") for name in names}, odd[0]: odd[1]}
    )
    return st.one_of(one_odd, mixed)


def _no_server_error(call, description: str) -> None:
    try:
        response = call()
    except Exception as error:  # TESTING propagates a view's exception instead of a 500
        raise AssertionError(f"{description} raised {error!r}") from error
    status = response.status_code
    response.close()
    assert status < 500, f"{description} answered {status}"


def _post_target(world: World, endpoint: str):
    """(client maker, path strategy, data strategy, multipart?) for one POST route."""
    applicant, anonymous = world.applicant, world.app.test_client
    ids = st.one_of(st.sampled_from(world.public_ids), odd_path_part)
    questions = st.one_of(st.sampled_from(world.questions), odd_path_part)
    materials = st.one_of(st.sampled_from(world.materials), odd_path_part)

    def form_at(path: str):
        return _form_data(world, world.fields(path))

    if endpoint == "filing.question":
        pairs = st.tuples(st.sampled_from(world.public_ids[:1]), questions).flatmap(
            lambda pair: st.tuples(
                st.just(f"/applications/{_part(pair[0])}/questions/{_part(pair[1])}"),
                _form_data(world, ["answer"], ANSWERS.get(pair[1], "")),
            )
        )
        return applicant, pairs, False
    if endpoint == "filing.material":
        files = st.tuples(odd_bytes, odd_text).map(lambda f: {"file": (io.BytesIO(f[0]), f[1])})
        paths = st.tuples(ids, materials).map(
            lambda p: f"/applications/{_part(p[0])}/materials/{_part(p[1])}"
        )
        return applicant, st.tuples(paths, files), True
    agent = lambda: world.staff(world.proxy_agent_id)  # noqa: E731
    assisted = st.one_of(st.just(world.assisted), odd_path_part)
    assisted_materials = st.one_of(st.sampled_from(world.assisted_materials), odd_path_part)
    if endpoint == "assisted.material":
        files = st.tuples(odd_bytes, odd_text).map(lambda f: {"file": (io.BytesIO(f[0]), f[1])})
        paths = st.tuples(assisted, assisted_materials).map(
            lambda p: f"/staff/assisted/applications/{_part(p[0])}/materials/{_part(p[1])}"
        )
        return agent, st.tuples(paths, files), True
    if endpoint == "county_filing.letter":
        files = st.tuples(odd_bytes, odd_text).map(lambda f: {"file": (io.BytesIO(f[0]), f[1])})
        return world.county_officer, st.tuples(st.just(f"{COUNTY_START}/letter"), files), True
    if endpoint == "proxy_window.document_upload":
        files = st.tuples(odd_bytes, odd_text).map(lambda f: {"file": (io.BytesIO(f[0]), f[1])})
        codes = st.one_of(st.just(world.proxy_project), odd_path_part)
        paths = codes.map(lambda c: f"/staff/proxy/projects/{_part(c)}/documents")
        return agent, st.tuples(paths, files), True
    if endpoint == "complaints.files":
        files = st.tuples(odd_bytes, odd_text).map(lambda f: {"file": (io.BytesIO(f[0]), f[1])})
        return world.complainant, st.tuples(st.just("/complaints/new/files"), files), True
    tickets = st.one_of(st.just(world.ticket), odd_path_part)
    # Never the officer or the administrator the later examples sign in as.
    colleague_ids = st.integers(-1, 2**63).filter(
        lambda m: m not in (world.officer_id, world.admin_id)
    )
    simple = {
        "filing.remove_material": (
            applicant,
            st.tuples(ids, materials).map(
                lambda p: f"/applications/{_part(p[0])}/materials/{_part(p[1])}/remove"
            ),
        ),
        "filing.submit": (applicant, ids.map(lambda p: f"/applications/{_part(p)}/submit")),
        "filing.place": (applicant, ids.map(lambda p: f"/applications/{_part(p)}/where")),
        "filing.postal_address": (
            applicant,
            st.tuples(ids, questions).map(
                lambda p: f"/applications/{_part(p[0])}/questions/{_part(p[1])}/address"
            ),
        ),
        "filing.supplements": (
            applicant,
            ids.map(lambda p: f"/applications/{_part(p)}/supplements"),
        ),
        "filing.delete_draft": (
            applicant,
            st.one_of(st.just(world.to_delete), odd_path_part).map(
                lambda p: f"/applications/{_part(p)}/delete"
            ),
        ),
        "filing.withdraw": (
            applicant,
            st.one_of(st.just(world.to_withdraw), odd_path_part).map(
                lambda p: f"/applications/{_part(p)}/withdraw"
            ),
        ),
        "filing.start": (
            applicant,
            st.one_of(st.just(COMPANY), odd_path_part).map(lambda c: f"/items/{_part(c)}/apply"),
        ),
        "assisted.place": (
            agent,
            assisted.map(lambda p: f"/staff/assisted/applications/{_part(p)}/where"),
        ),
        "assisted.question": (
            agent,
            st.tuples(assisted, odd_path_part).map(
                lambda p: f"/staff/assisted/applications/{_part(p[0])}/questions/{_part(p[1])}"
            ),
        ),
        "assisted.postal_address": (
            agent,
            st.tuples(assisted, odd_path_part).map(
                lambda p: (
                    f"/staff/assisted/applications/{_part(p[0])}/questions/{_part(p[1])}/address"
                )
            ),
        ),
        "assisted.remove_material": (
            agent,
            st.tuples(assisted, assisted_materials).map(
                lambda p: (
                    f"/staff/assisted/applications/{_part(p[0])}/materials/{_part(p[1])}/remove"
                )
            ),
        ),
        "assisted.submit": (
            agent,
            assisted.map(lambda p: f"/staff/assisted/applications/{_part(p)}/submit"),
        ),
        "proxy_window.document_pick": (
            agent,
            st.tuples(assisted, assisted_materials).map(
                lambda p: f"/staff/proxy/drafts/{_part(p[0])}/materials/{_part(p[1])}/pick"
            ),
        ),
        "filing.track": (anonymous, st.just("/track")),
        "complaints.follow": (anonymous, st.just("/complaints/follow")),
        "proxy.check": (anonymous, st.just("/proxy/check")),
        "complaints.start": (anonymous, st.just("/complaints/new")),
        "complaints.step": (
            world.complainant,
            st.one_of(st.sampled_from(COMPLAINT_STEPS), odd_path_part).map(
                lambda step: f"/complaints/new/{_part(step)}"
            ),
        ),
        "complaints.remove_file": (
            world.complainant,
            st.integers(0, 2**63).map(lambda n: f"/complaints/new/files/{n}/remove"),
        ),
        "complaints.submit": (world.complainant, st.just("/complaints/new/submit")),
        "complaints.rate": (
            world.follower,
            tickets.map(lambda t: f"/complaints/tickets/{_part(t)}/rating"),
        ),
        "complaints.ask_again": (
            world.follower,
            tickets.map(lambda t: f"/complaints/tickets/{_part(t)}/ask-again"),
        ),
        "proxy.request_step": (
            applicant,
            st.one_of(st.sampled_from(PROXY_STEPS), odd_path_part).map(
                lambda step: f"/proxy/request/{_part(step)}"
            ),
        ),
        "proxy.request_submit": (applicant, st.just("/proxy/request/submit")),
        **{
            f"proxy_window.{decision}": (
                lambda: world.staff(world.proxy_head_id),
                st.one_of(st.just(world.proxy_request), odd_path_part).map(
                    lambda p, decision=decision: f"/staff/proxy/{_part(p)}/{decision}"
                ),
            )
            for decision in ("accept", "refuse")
        },
        "accounts.sign_in": (anonymous, st.just("/account/sign-in")),
        "accounts.register_kind": (anonymous, st.just("/account/register")),
        "accounts.register": (
            anonymous,
            st.sampled_from(["/account/register/individual", "/account/register/company"]),
        ),
        "accounts.forgot_password": (anonymous, st.just("/account/forgot-password")),
        "accounts.reset_password": (anonymous, st.just("/account/reset-password")),
        "messages.choose_channels": (applicant, st.just("/account/messages/channels")),
        "accounts.change_password": (applicant, st.just("/account/password")),
        "accounts.change_contact": (
            applicant,
            st.sampled_from(["/account/mobile", "/account/email"]),
        ),
        "accounts.confirm_contact": (
            applicant,
            st.sampled_from(["/account/mobile/confirm", "/account/email/confirm"]),
        ),
        "accounts.sign_out": (applicant, st.just("/account/sign-out")),
        "accounts.sign_out_everywhere": (applicant, st.just("/account/sign-out-everywhere")),
        "window.sign_in": (anonymous, st.just("/staff/sign-in")),
        "window.case": (world.staff, ids.map(lambda p: f"/staff/cases/{_part(p)}")),
        "window.sign_out": (world.staff, st.just("/staff/sign-out")),
        "window.sign_out_everywhere": (world.staff, st.just("/staff/sign-out-everywhere")),
        "window.change_password": (world.staff, st.just("/staff/account/password")),
        "window.deactivate_staff": (
            lambda: world.staff(world.admin_id),
            colleague_ids.map(lambda m: f"/staff/admin/staff/{m}/deactivate"),
        ),
        "window.reset_staff_password": (
            lambda: world.staff(world.admin_id),
            colleague_ids.map(lambda m: f"/staff/admin/staff/{m}/reset-password"),
        ),
        "window.resend": (
            lambda: world.staff(world.admin_id),
            st.one_of(st.just(world.message_id), st.integers(0, 2**63)).map(
                lambda m: f"/staff/deliveries/{m}/resend"
            ),
        ),
        "ratings.rate": (
            applicant,
            st.one_of(st.just(world.ended), ids).map(lambda p: f"/applications/{_part(p)}/rating"),
        ),
        "ratings.rate_again": (
            applicant,
            st.one_of(st.just(world.ended), ids).map(
                lambda p: f"/applications/{_part(p)}/rating/again"
            ),
        ),
        **{
            f"rating_office.{step}": (
                lambda: world.staff(world.supervisor_id),
                st.one_of(st.just(world.follow_up), odd_path_part).map(
                    lambda p, step=step: f"/staff/ratings/{_part(p)}/{step}"
                ),
            )
            for step in ("call", "outcome", "fixed")
        },
        "rating_office.lodge_appeal": (
            world.staff,
            st.one_of(st.just(world.follow_up), odd_path_part).map(
                lambda p: f"/staff/ratings/window/{_part(p)}/appeal"
            ),
        ),
        "rating_office.decide_appeal": (
            lambda: world.staff(world.head_id),
            st.one_of(st.just(world.follow_up), odd_path_part).map(
                lambda p: f"/staff/ratings/{_part(p)}/appeal-decision"
            ),
        ),
        "hotline_staff.resend": (
            lambda: world.staff(world.admin_id),
            st.integers(0, 2**63).map(lambda c: f"/staff/hotline-callbacks/{c}/resend"),
        ),
    }
    for name, step in COUNTY_STEPS.items():
        simple[name] = (world.county_officer, st.just(f"{COUNTY_START}{step}"))
    simple["county_filing.draft_received"] = (
        world.county_officer,
        st.one_of(st.just(world.county_draft), odd_path_part).map(
            lambda p: f"{COUNTY_START}/drafts/{_part(p)}/received"
        ),
    )
    codes = st.one_of(st.just(world.proxy_project), odd_path_part)
    permits = st.one_of(st.just(world.proxy_permit), st.integers(0, 2**63))
    simple["proxy_window.plan_add"] = (
        lambda: world.staff(world.proxy_agent_id),
        codes.map(lambda c: f"/staff/proxy/projects/{_part(c)}/plan/add"),
    )
    for change in PLAN_CHANGES:
        simple[f"proxy_window.plan_{change}"] = (
            lambda: world.staff(world.proxy_agent_id),
            st.tuples(codes, permits).map(
                lambda p, change=change: f"/staff/proxy/projects/{_part(p[0])}/plan/{p[1]}/{change}"
            ),
        )
    simple["proxy_window.plan_add_found"] = (
        lambda: world.staff(world.proxy_agent_id),
        codes.map(lambda c: f"/staff/proxy/projects/{_part(c)}/plan/add-found"),
    )
    simple["proxy_window.reassign"] = (
        lambda: world.staff(world.proxy_head_id),
        codes.map(lambda c: f"/staff/proxy/projects/{_part(c)}/agent"),
    )
    simple["proxy.rate"] = (
        lambda: world.proxy_rater,
        st.one_of(st.just(world.proxy_refused), odd_path_part).map(
            lambda p: f"/proxy/requests/{_part(p)}/rating"
        ),
    )
    simple["proxy.rate_again"] = (
        lambda: world.proxy_rater,
        st.one_of(st.just(world.proxy_refused), odd_path_part).map(
            lambda p: f"/proxy/requests/{_part(p)}/rating/again"
        ),
    )
    simple["complaints.rate_again"] = (
        world.follower,
        tickets.map(lambda t: f"/complaints/tickets/{_part(t)}/rating/again"),
    )
    simple["proxy.make_token"] = (
        lambda: world.proxy_investor,
        codes.map(lambda c: f"/proxy/projects/{_part(c)}/tokens"),
    )
    simple["proxy.revoke_token"] = (
        lambda: world.proxy_investor,
        st.tuples(codes, st.integers(0, 2**63)).map(
            lambda p: f"/proxy/projects/{_part(p[0])}/tokens/{p[1]}/revoke"
        ),
    )
    tickets = st.one_of(st.just(world.ticket), odd_path_part)
    for name, (step, _fields) in OFFICE_STEPS.items():
        simple[f"complaint_office.{name}"] = (
            lambda: world.staff(world.head_id),
            tickets.map(
                lambda t, step=step: world.complaint_path(
                    step.format(request=world.statement_request), t
                )
            ),
        )
    if endpoint not in simple:
        return None
    maker, paths = simple[endpoint]
    return maker, paths.flatmap(lambda path: st.tuples(st.just(path), form_at(path))), False


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 300 else f"{text[:300]}… ({len(text)} characters)"


def _part(value: str) -> str:
    return quote(value, safe="")


# Sign-outs end the session every later example would use: they go last.
# The supervision office's steps on a ticket (portal/complaints/console_views.py): endpoint
# name → (the path after /staff/complaints/<ticket>, the fields its form posts).
OFFICE_STEPS = {
    "accept": ("accept", ()),
    "not_accept": ("not-accept", ("reason", "contact", "earlier_ticket")),
    "investigate": ("investigate", ("handler",)),
    "ask_statement": ("statements", ("asked_of", "question")),
    "enter_statement": ("statements/{request}", ("statement",)),
    "draft_reply": ("reply", ("reply",)),
    "approve_reply": ("reply/approve", ()),
    "ask_extension": ("extension", ("why", "reply_by")),
    "approve_extension": ("extension/approve", ()),
    "refuse_extension": ("extension/refuse", ()),
    "show_identity": ("identity", ()),
}

PLAN_CHANGES = ("waits", "remove", "link", "file")

POST_ENDPOINTS = [
    "filing.place",
    "filing.question",
    "filing.postal_address",
    "filing.material",
    "filing.remove_material",
    "filing.supplements",
    "filing.submit",
    "filing.start",
    "filing.track",
    "assisted.place",
    "assisted.question",
    "assisted.postal_address",
    "assisted.material",
    "assisted.remove_material",
    "assisted.submit",
    "proxy_window.document_upload",
    "proxy_window.document_pick",
    *COUNTY_STEPS,
    "county_filing.letter",
    "county_filing.draft_received",
    "complaints.follow",
    "proxy.check",
    "complaints.start",
    "complaints.step",
    "complaints.files",
    "complaints.remove_file",
    "complaints.submit",
    "complaints.rate",
    "complaints.ask_again",
    "proxy.request_step",
    "proxy.request_submit",
    "proxy_window.accept",
    "proxy_window.refuse",
    "proxy_window.plan_add",
    *(f"proxy_window.plan_{change}" for change in PLAN_CHANGES),
    "proxy.make_token",
    "proxy.revoke_token",
    "proxy_window.reassign",
    "proxy_window.plan_add_found",
    "proxy.rate",
    "proxy.rate_again",
    "complaints.rate_again",
    "accounts.register_kind",
    "accounts.register",
    "accounts.sign_in",
    "accounts.forgot_password",
    "accounts.reset_password",
    "messages.choose_channels",
    "window.sign_in",
    "window.case",
    "window.resend",
    "hotline_staff.resend",
    "window.deactivate_staff",
    "window.reset_staff_password",
    "window.change_password",
    "filing.delete_draft",
    "filing.withdraw",
    "accounts.change_password",
    "accounts.change_contact",
    "accounts.confirm_contact",
    "accounts.sign_out",
    "accounts.sign_out_everywhere",
    "ratings.rate",
    "ratings.rate_again",
    "rating_office.call",
    "rating_office.outcome",
    "rating_office.fixed",
    "rating_office.lodge_appeal",
    "rating_office.decide_appeal",
    "window.sign_out",
    "window.sign_out_everywhere",
    *(f"complaint_office.{name}" for name in OFFICE_STEPS),
]


def test_every_post_route_is_covered(world):
    posting = {
        rule.endpoint
        for rule in world.app.url_map.iter_rules()
        if "POST" in rule.methods
        and not rule.endpoint.startswith(("backoffice_api.", "complaints_api."))
    }
    assert posting == set(POST_ENDPOINTS)
    assert all(_post_target(world, endpoint) is not None for endpoint in POST_ENDPOINTS)


def _run(description: str, examples, check, failures: list[str]) -> None:
    @SETTINGS
    @given(example=examples)
    def generated(example) -> None:
        check(example)

    try:
        generated()
    except Exception as error:  # hypothesis has shrunk it: keep the smallest input and go on
        failures.append(f"{description}: {str(error)[:600]}")


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_no_generated_form_post_answers_a_server_error(world, endpoint):
    maker, examples, multipart = _post_target(world, endpoint)

    def check(example) -> None:
        path, data = example
        client = maker()
        content_type = "multipart/form-data" if multipart else None
        _no_server_error(
            lambda: client.post(path, data=data, content_type=content_type),
            f"POST {path} {_short(data)}",
        )

    failures: list[str] = []
    _run(endpoint, examples, check, failures)
    assert not failures, "\n\n".join(failures)


PROXY_STEPS = list(proxy_requests.STEPS)


def _sweep_paths(world: World, endpoint: str) -> list[tuple[str, dict[str, str]]]:
    """The real page(s) of a POST route, each with the values that pass there."""
    if endpoint == "filing.question":
        return [
            (f"/applications/{world.draft}/questions/{code}", {"answer": ANSWERS.get(code, "")})
            for code in world.questions
        ]
    paths = {
        "filing.remove_material": f"/applications/{world.draft}/materials/M01/remove",
        "filing.postal_address": world.address_page,
        "filing.supplements": f"/applications/{world.for_supplements}/supplements",
        "filing.submit": f"/applications/{world.draft}/submit",
        "filing.delete_draft": f"/applications/{world.to_delete}/delete",
        "filing.withdraw": f"/applications/{world.to_withdraw}/withdraw",
        "filing.start": f"/items/{COMPANY}/apply",
        "filing.track": "/track",
        "assisted.place": f"/staff/assisted/applications/{world.assisted}/where",
        "assisted.remove_material": f"/staff/assisted/applications/{world.assisted}/materials/M01/remove",
        "assisted.submit": f"/staff/assisted/applications/{world.assisted}/submit",
        "proxy_window.document_pick": (f"/staff/proxy/drafts/{world.assisted}/materials/M01/pick"),
        **{name: f"{COUNTY_START}{step}" for name, step in COUNTY_STEPS.items()},
        "county_filing.draft_received": f"{COUNTY_START}/drafts/{world.county_draft}/received",
        "proxy.check": "/proxy/check",
        "proxy.request_submit": "/proxy/request/submit",
        "proxy_window.accept": f"/staff/proxy/{world.proxy_request}/accept",
        "proxy_window.refuse": f"/staff/proxy/{world.proxy_request}/refuse",
        "proxy_window.plan_add": f"/staff/proxy/projects/{world.proxy_project}/plan/add",
        **{
            f"proxy_window.plan_{change}": (
                f"/staff/proxy/projects/{world.proxy_project}/plan/{world.proxy_permit}/{change}"
            )
            for change in PLAN_CHANGES
        },
        "proxy.make_token": f"/proxy/projects/{world.proxy_project}/tokens",
        "proxy.rate": f"/proxy/requests/{world.proxy_refused}/rating",
        "proxy_window.reassign": f"/staff/proxy/projects/{world.proxy_project}/agent",
        "proxy_window.plan_add_found": f"/staff/proxy/projects/{world.proxy_project}/plan/add-found",
        "accounts.register_kind": "/account/register",
        "accounts.register": "/account/register/individual",
        "accounts.sign_in": "/account/sign-in",
        "accounts.forgot_password": "/account/forgot-password",
        "accounts.reset_password": "/account/reset-password",
        "accounts.change_password": "/account/password",
        "accounts.change_contact": "/account/mobile",
        "accounts.confirm_contact": "/account/mobile/confirm",
        "window.sign_in": "/staff/sign-in",
        "window.case": f"/staff/cases/{world.submitted}",
        "window.resend": f"/staff/deliveries/{world.message_id}/resend",
        "complaints.start": "/complaints/new",
        "complaints.submit": "/complaints/new/submit",
        "complaints.rate": f"/complaints/tickets/{world.ticket}/rating",
        "complaints.ask_again": f"/complaints/tickets/{world.ticket}/ask-again",
    }
    extra = {"window.case": {"decision": "supplements"}}
    if endpoint == "complaints.step":
        return [(f"/complaints/new/{step}", {}) for step in COMPLAINT_STEPS]
    if endpoint not in paths and endpoint != "proxy.request_step":
        return []
    if endpoint == "accounts.register":
        return [(paths[endpoint], {}), ("/account/register/company", {})]
    if endpoint == "proxy.request_step":
        return [(f"/proxy/request/{step}", {}) for step in PROXY_STEPS]
    return [(paths[endpoint], extra.get(endpoint, {}))]


SWEPT = [
    e
    for e in POST_ENDPOINTS
    if e
    not in (
        "filing.material",
        "assisted.material",
        "complaints.files",
        "proxy_window.document_upload",
        "county_filing.letter",
    )
    and "sign_out" not in e
]


@pytest.mark.parametrize("endpoint", SWEPT)
def test_a_nul_in_any_field_beside_right_values_is_never_a_server_error(world, endpoint):
    """Every field of the form in turn gets a NUL while the others are right."""
    maker = _post_target(world, endpoint)[0]
    failures = []
    for path, overrides in _sweep_paths(world, endpoint):
        names = world.fields(path)
        for odd_name in names:
            data = {**world.valid_values(), **overrides}
            data = {name: data.get(name, "") for name in names}
            data[odd_name] = "王\x00芳"
            try:
                _no_server_error(
                    lambda path=path, data=data: maker().post(path, data=data),
                    f"POST {path} {data!r}",
                )
            except AssertionError as error:
                failures.append(str(error)[:600])
    assert not failures, "\n\n".join(failures)


def _get_paths(world: World):
    """Every GET route with its path parts either real or odd."""
    real = {
        "public_id": world.public_ids,
        "attachment_id": ["0" * 32],
        "question_code": world.questions,
        "material_code": world.materials,
        "code": [COMPANY, "en", "zh"],
        "slug": ["city"],
        "name": ["company-registration-form.pdf"],
        "size": ["large", "normal"],
        "number": [world.number.replace("-", "")],
        "filename": ["css/site.css"],
        "message_id": [world.message_id],
    }
    routes = []
    for rule in world.app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        parts = {
            name: st.one_of(st.sampled_from(real.get(name, ["x"])), odd_path_part)
            for name in rule.arguments
        }
        routes.append((rule, st.fixed_dictionaries(parts)))
    return sorted(routes, key=lambda route: route[0].rule)


QUERY_NAMES = ["q", "page", "per_page", "center", "department", "sector", "kind", "next", "lang"]


def test_no_generated_page_or_api_request_answers_a_server_error(world):
    """Odd path parts and query strings at every GET route, as applicant and as staff."""
    failures: list[str] = []
    queries = st.dictionaries(
        st.one_of(st.sampled_from(QUERY_NAMES), odd_text), odd_text, max_size=3
    )
    for rule, parts in _get_paths(world):
        maker = world.staff if rule.rule.startswith("/staff") else world.applicant

        def check(example, rule=rule, maker=maker) -> None:
            values, query = example
            path = rule.rule
            for name, value in values.items():
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", _part(str(value)), path)
            url = f"{path}?{urlencode(query)}" if query else path
            _no_server_error(lambda: maker().get(url), f"GET {url}")

        _run(rule.rule, st.tuples(parts, queries), check, failures)
    assert not failures, "\n\n".join(failures)


def test_no_generated_back_office_report_answers_a_server_error(world):
    """The inbound API: generated JSON bodies (hardened by its own owner; this only watches)."""
    number = world.app.test_client()
    reports = st.one_of(
        JSON_VALUE,
        st.fixed_dictionaries(
            {
                "event_id": st.one_of(st.uuids().map(str), odd_text),
                "type": st.sampled_from(list(TRANSITIONS)),
            },
            optional=dict.fromkeys(
                ("reasons", "date", "days", "fee_items", "certificate_number", "extension"),
                JSON_VALUE,
            ),
        ),
    )
    numbers = st.one_of(st.just(world.number.replace("-", "")), odd_path_part)

    def check(example) -> None:
        case_number, report = example
        path = f"/api/v1/backoffice/cases/{_part(case_number)}/events"
        body = json.dumps(report, allow_nan=True)
        _no_server_error(
            lambda: number.post(
                path,
                data=body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {world.token}"},
            ),
            f"POST {path} {_short(body)}",
        )

    failures: list[str] = []
    _run("backoffice_api.report_progress", st.tuples(numbers, reports), check, failures)
    assert not failures, "\n\n".join(failures)


COMPLAINT_VALUES = {
    "kind": st.sampled_from(["slow", "fee", "other", "inaction"]),
    "item_code": st.just("430400-GA-DJ-0002"),
    "center_code": st.just("vehicle-plates"),
    "window_code": st.just("V01"),
    "happened_on": st.just("2026-11-30"),
    "fee_code": st.just("FA-0001"),
    "amount": st.sampled_from(["100", "0.01", "1000000000"]),
    "what_happened": st.just("等了很久。"),
    "what_they_want": st.just("尽快办理。"),
    "contact_name": st.just("王芳"),
    "contact_mobile": st.just("13812345678"),
    "contact_email": st.just("wang@example.com"),
    "anonymous": st.booleans(),
}


def test_no_generated_complaint_or_work_order_answers_a_server_error(world):
    """The complaints API and the hotline intake: generated JSON bodies, each field right,
    odd text or any JSON value (the two doors read fields through one intake)."""
    from portal.complaints.hotline import add_source
    from portal.complaints.intake import FIELDS

    with world.app.app_context():
        _, token = add_source("generated-12345")
        db.session.commit()
    valid = COMPLAINT_VALUES | {
        "case_number": st.just(world.number),
        "query_code": st.just(world.code),
        "work_order_id": st.uuids().map(str),
    }
    bodies = st.one_of(
        JSON_VALUE,
        st.fixed_dictionaries(
            {},
            optional={
                name: st.one_of(valid.get(name, odd_text), odd_text, JSON_VALUE)
                for name in (*FIELDS, "work_order_id")
            },
        ),
    )
    client = world.app.test_client()

    def check(example) -> None:
        path, body = example
        data = json.dumps(body, allow_nan=True)
        _no_server_error(
            lambda: client.post(
                path,
                data=data,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            ),
            f"POST {path} {_short(data)}",
        )

    paths = st.sampled_from(["/api/v1/complaints", "/api/v1/hotline/work-orders"])
    failures: list[str] = []
    _run("complaints_api", st.tuples(paths, bodies), check, failures)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    "secret",
    [
        "😀😀😀😀😀😀",
        "１２３４５６",
        "\u202eABCDEF\u202c",
        "مرحبا",
        "王芳",
        "\u05e9\u05dc\u05d5\u05dd",
    ],
)
def test_a_lookup_code_that_is_not_ascii_is_simply_not_found(world, secret):
    response = world.app.test_client().post(
        "/track", data={"number": world.number, "secret": secret}
    )
    assert response.status_code == 404
    assert "申请编号和查询码（或证件号码）对不上" in response.get_data(as_text=True)


def test_a_lookup_typed_in_full_width_characters_finds_the_case(world):
    def full_width(text: str) -> str:
        return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)

    response = world.app.test_client().post(
        "/track", data={"number": full_width(world.number), "secret": full_width(world.code)}
    )
    assert response.status_code == 200 and "办理进度" in response.get_data(as_text=True)
