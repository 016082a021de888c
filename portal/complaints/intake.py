"""A complaint from a mapping of fields: the JSON API and the 12345 hotline read it here.

``read_complaint`` checks every field and answers either a ``ComplaintDraft`` ready to file
or ``{field: message}``, each message (in the request's language) saying what to do, in the
order of ``FIELDS``. A case is named by its number and query code, checked by the filing
area's own tracking lookup, so a mistake in either gets one answer and tells nobody which
half was right. ``file`` computes what the record already shows (``portal.complaints
.findings``) and writes the complaint in one flush.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.identity import is_valid_mobile, normalize_identifier
from portal.catalog.models import Center, FeeItem, ServiceItem, Window
from portal.clock import beijing
from portal.clock.calendar import CalendarUnknown
from portal.complaints import findings
from portal.complaints.deadlines import ComplaintDeadlines, read_deadlines
from portal.complaints.limits import MAX_FEE_NAME, MAX_WHAT_HAPPENED, MAX_WHAT_THEY_WANT
from portal.complaints.models import Kind
from portal.complaints.operations import ComplaintDraft, Contact, Filed, file_complaint
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.filing.operations import look_up
from portal.i18n import current_language

# Bounds other code (forms, the OpenAPI document) imports, so every door says the same.
MAX_CODE = 64  # item, center, window and fee codes, as the catalog stores them
MAX_CASE_NUMBER = 40
MAX_QUERY_CODE = 20
MAX_AMOUNT = Decimal(10) ** 9
MAX_CONTACT_NAME = 50
MAX_EMAIL = 254
AMOUNT_PATTERN = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Field order: errors are listed in it, as a form's summary lists them.
FIELDS = (
    "kind",
    "case_number",
    "query_code",
    "item_code",
    "center_code",
    "window_code",
    "happened_on",
    "fee_code",
    "fee_name",
    "amount",
    "what_happened",
    "what_they_want",
    "anonymous",
    "contact_name",
    "contact_mobile",
    "contact_email",
)
FREE_TEXT = frozenset({"what_happened", "what_they_want"})

Errors = dict[str, str]


class _Reader:
    """Reads one field at a time from untrusted values, collecting the first error of each."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = fields
        self.errors: Errors = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, longest: int) -> str | None:
        """A stripped text, None when absent or blank; anything else is an error."""
        value = self.fields.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(name, _("请把这一项写成文字。"))
            return None
        allowed = "\n\r\t" if name in FREE_TEXT else ""
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
            self.fail(name, _("这一项含有不能显示的控制字符，请删去后重新填写。"))
            return None
        value = value.strip()
        if len(value) > longest:
            self.fail(name, _("这一项最多 %(max)d 个字，请删减后重新填写。", max=longest))
            return None
        return value or None


def read_complaint(fields: Mapping[str, object], applicant=None) -> ComplaintDraft | Errors:
    """The complaint the fields describe, or what to correct in each field, in field order."""
    if not isinstance(fields, Mapping):
        return {"kind": _("请以 JSON 对象的形式提交投诉的各项内容。")}
    read = _Reader(fields)
    kind = read.text("kind", 20)
    if kind not in Kind.ALL:
        read.fail("kind", _("请选择投诉类型：slow、inaction、misconduct、fee 或 other。"))
    about = _about(read)
    fee = _fee(read, kind, about)
    what_happened = read.text("what_happened", MAX_WHAT_HAPPENED)
    if what_happened is None:
        read.fail("what_happened", _("请写明发生了什么。"))
    what_they_want = read.text("what_they_want", MAX_WHAT_THEY_WANT)
    if what_they_want is None:
        read.fail("what_they_want", _("请写明希望如何处理。"))
    contact = _contact(read)
    if read.errors:
        return {name: read.errors[name] for name in FIELDS if name in read.errors}
    application, item, center, window, happened_on = about
    fee_item, fee_named, fee_asked = fee
    return ComplaintDraft(
        kind=kind,
        what_happened=what_happened,
        what_they_want=what_they_want,
        application=application,
        item=item,
        center=center,
        window=window,
        happened_on=happened_on,
        fee_item=fee_item,
        fee_named=fee_named,
        fee_asked=fee_asked,
        contact=contact,
        applicant=applicant if contact is not None else None,
        language=current_language(),
    )


def _about(read: _Reader):
    """(application, item, center, window, happened_on): a case, or an item at a center."""
    number = read.text("case_number", MAX_CASE_NUMBER)
    code = read.text("query_code", MAX_QUERY_CODE)
    center_code = read.text("center_code", MAX_CODE)
    center = _current(Center, Center.slug, center_code) if center_code else None
    if center_code and center is None:
        read.fail("center_code", _("没有编码为 %(code)s 的服务中心，请核对。", code=center_code))
    if number or code:
        application = look_up(number or "", code or "") if number and code else None
        if application is None or application.submitted_at is None:
            # One answer for a wrong number and a wrong code: neither half is confirmed.
            read.fail("case_number", _("办件编号或查询码不正确，请核对后重新填写。"))
            return None, None, None, None, None
        if application.center is None and center is None:
            read.fail("center_code", _("这个办件还没有服务中心，请填写投诉的服务中心编码。"))
        return application, application.item, center, None, None
    item_code = read.text("item_code", MAX_CODE)
    item = _current(ServiceItem, ServiceItem.code, item_code) if item_code else None
    if item_code is None:
        read.fail(
            "item_code",
            _("请填写办件编号和查询码；没有办件时，请填写事项编码和服务中心编码。"),
        )
    elif item is None:
        read.fail("item_code", _("没有编码为 %(code)s 的事项，请核对。", code=item_code))
    if center_code is None:
        read.fail("center_code", _("请填写服务中心编码。"))
    window = None
    window_code = read.text("window_code", MAX_CODE)
    if window_code and center is not None:
        window = db.session.scalar(
            select(Window).where(Window.center_id == center.id, Window.code == window_code)
        )
        if window is None:
            read.fail(
                "window_code", _("这个服务中心没有编码为 %(code)s 的窗口。", code=window_code)
            )
    return None, item, center, window, _happened_on(read)


def _current(model, column, code: str):
    found = db.session.scalar(select(model).where(column == code))
    return found if found is not None and found.is_current else None


def _happened_on(read: _Reader) -> date | None:
    text = read.text("happened_on", 10)
    if text is None:
        return None
    try:
        if not DATE_PATTERN.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        read.fail("happened_on", _("请按 2026-12-01 的格式填写日期。"))
        return None
    if day > beijing.today():
        read.fail("happened_on", _("日期不能晚于今天。"))
        return None
    return day


def _fee(read: _Reader, kind: str | None, about) -> tuple:
    """(fee item, fee named, amount asked) for a fee complaint; all None otherwise."""
    if kind != Kind.FEE:
        return None, None, None
    item = about[1]
    fee_code = read.text("fee_code", MAX_CODE)
    fee_named = read.text("fee_name", MAX_FEE_NAME)
    fee_item: FeeItem | None = None
    if fee_code is not None and item is not None:
        fee_item = next((fee for fee in item.fees if fee.code == fee_code), None)
        if fee_item is None:
            read.fail(
                "fee_code",
                _(
                    "这个事项没有公布编码为 %(code)s 的收费项目；不知道编码时，请填写收费名称。",
                    code=fee_code,
                ),
            )
    elif fee_code is None and fee_named is None:
        read.fail("fee_code", _("请填写收费项目编码，或写明收的是什么费。"))
    return fee_item, fee_named, _amount(read)


def _amount(read: _Reader) -> Decimal | None:
    value = read.fields.get("amount")
    if value is None or (isinstance(value, str) and not value.strip()):
        read.fail("amount", _("请填写被收取的金额（元），例如 120.50。"))
        return None
    if isinstance(value, str):
        # Full-width digits (１２０．５０) are what a Chinese keyboard may type: fold them.
        value = unicodedata.normalize("NFKC", value).strip()
    if not isinstance(value, str) or not AMOUNT_PATTERN.fullmatch(value):
        read.fail("amount", _('请把金额写成最多两位小数的文字，例如 "120.50"。'))
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:  # the pattern already rules this out; kept for safety
        read.fail("amount", _('请把金额写成最多两位小数的文字，例如 "120.50"。'))
        return None
    if not Decimal(0) < amount <= MAX_AMOUNT:
        read.fail("amount", _("金额应大于 0 元，且不超过 10 亿元。"))
        return None
    return amount


def _contact(read: _Reader) -> Contact | None:
    """Who to reply to, or None for an anonymous complaint (which keeps no contact at all)."""
    anonymous = read.fields.get("anonymous", False)
    if not isinstance(anonymous, bool):
        read.fail("anonymous", _("anonymous 只能是 true 或 false。"))
        return None
    name = read.text("contact_name", MAX_CONTACT_NAME)
    mobile = read.text("contact_mobile", 20)
    email = read.text("contact_email", MAX_EMAIL)
    if anonymous:
        if name or mobile or email:
            read.fail("anonymous", _("匿名投诉不留姓名和联系方式：请删去它们，或不选匿名。"))
        return None
    if name is None:
        read.fail("contact_name", _("请填写联系人姓名；不愿留名时，请选择匿名投诉。"))
    if mobile is None and email is None:
        read.fail("contact_mobile", _("请填写手机号码或电子邮箱，以便答复您。"))
    if mobile is not None:
        if is_valid_mobile(mobile):
            mobile = normalize_identifier(mobile)
        else:
            read.fail("contact_mobile", _("请输入 11 位手机号码，例如 13812345678。"))
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            read.fail("contact_email", _("请输入正确的电子邮箱，例如 name@example.com。"))
    if read.errors.keys() & {"contact_name", "contact_mobile", "contact_email"} or name is None:
        return None
    return Contact(name=name, mobile=mobile, email=email)


# Filing ------------------------------------------------------------------------------------


def complaint_deadlines() -> ComplaintDeadlines:
    """guides/complaints.yaml, read once per app."""
    extensions = current_app.extensions
    if "complaint_deadlines" not in extensions:
        extensions["complaint_deadlines"] = read_deadlines(PROJECT_ROOT / "guides")
    return extensions["complaint_deadlines"]


def findings_of(draft: ComplaintDraft, calendar, today: date) -> list[dict]:
    """What the record shows on the day of filing: the case's deadlines for slow service,
    the fee against the item's published schedule for a fee."""
    shown: list[dict] = []
    if draft.kind == Kind.SLOW and draft.application is not None:
        record = findings.case_record(draft.application)
        if record is not None:
            # A year without a holiday schedule: no guessed dates, no deadline findings.
            with contextlib.suppress(CalendarUnknown):
                shown += findings.deadline_findings(calendar, record, today)
    item = draft.item if draft.item is not None else getattr(draft.application, "item", None)
    if draft.kind == Kind.FEE and item is not None and draft.fee_asked is not None:
        shown.append(
            findings.fee_finding(
                findings.schedule_of(item),
                draft.fee_asked,
                fee_code=draft.fee_item.code if draft.fee_item is not None else None,
                fee_named=draft.fee_named,
            )
        )
    return shown


def file(draft: ComplaintDraft) -> Filed:
    """The complaint written whole, with its findings, in the current transaction."""
    calendar = current_app.extensions["calendar"]
    return file_complaint(
        draft, calendar, complaint_deadlines(), findings_of(draft, calendar, beijing.today())
    )
