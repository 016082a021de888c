"""Shape applications for pages, receipts and notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask import current_app, url_for
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.identity import mask_name
from portal.catalog.presenters import list_separator
from portal.clock import beijing
from portal.documents.pdf import Receipt, ReceiptMaterial, render_receipt
from portal.filing import delivery, notices, operations
from portal.filing.models import Application, Status
from portal.filing.numbering import display_number
from portal.i18n import format_file_size, localized, long_date, per_locale, working_days

STATUS_LABELS = {
    Status.DRAFT: _l("草稿"),
    Status.SUBMITTED: _l("已提交，等待窗口预审"),
    Status.SUPPLEMENTS_REQUESTED: _l("需要补正材料"),
    Status.RESUBMITTED: _l("已补正，等待窗口预审"),
    Status.ACCEPTED: _l("已受理"),
    Status.DECLINED: _l("不予受理"),
    Status.FORWARDED: _l("已转办理"),
    Status.IN_REVIEW: _l("审查中"),
    Status.SUSPENDED: _l("暂停计时（听证、检验、鉴定等）"),
    Status.APPROVED: _l("准予许可"),
    Status.REFUSED: _l("不予许可"),
    Status.COMPLETED: _l("已办结"),
    Status.WITHDRAWN: _l("已撤回"),
}
EVENT_LABELS = {
    "started": _l("开始填写申请"),
    "submitted": _l("网上提交申请"),
    "supplements-requested": _l("窗口一次性告知需要补正的材料"),
    "resubmitted": _l("补正材料后重新提交"),
    "accepted": _l("窗口受理"),
    "deemed-accepted": _l("窗口未在 5 个工作日内答复，依法视为受理"),
    "declined": _l("窗口决定不予受理"),
    "forwarded": _l("转交审批"),
    "completed": _l("办结"),
    "withdrawn": _l("申请人撤回申请"),
    "backoffice-in-review": _l("进入审查"),
    "backoffice-inspection-scheduled": _l("已安排现场检查、勘验"),
    "backoffice-inspected": _l("现场检查、勘验已完成"),
    "backoffice-signed-off": _l("负责人已签发审批意见"),
    "backoffice-suspended": _l("因听证、检验、鉴定或专家评审等暂停计时（不计入办理时限）"),
    "backoffice-resumed": _l("恢复计时"),
    "backoffice-extended": _l("经批准延长办理期限"),
    "backoffice-approved": _l("准予许可"),
    "backoffice-refused": _l("不予许可（附理由）"),
    "backoffice-certificate-issued": _l("证照已制发"),
    "backoffice-fee-notice": _l("收费通知（按公示标准）"),
    "backoffice-completed": _l("办结"),
    "county-received": _l("县市区政务服务中心收件"),
    "forwarded-to-city": _l("转报市级窗口办理"),
}
# A forwarded case's life begins at the county: these lines come first on its timeline.
COUNTY_EVENTS = ("county-received", "forwarded-to-city")
REJECTIONS = {
    operations.Rejection.EMPTY: _l("这个文件是空的（0 字节）。请选择其他文件。"),
    operations.Rejection.TOO_LARGE: _l(
        "文件太大。每个文件不能超过 %(size)s，请压缩或分页扫描后再上传。"
    ),
    operations.Rejection.APPLICATION_FULL: _l(
        "本次申请的材料合计不能超过 %(total)s。请压缩文件后再上传。"
    ),
    operations.Rejection.WRONG_TYPE: _l(
        "只能上传 PDF、JPG、PNG 或 OFD 文件。这个文件不是这几种格式（只改文件名后缀是不行的）。"
    ),
    operations.Rejection.DAMAGED: _l(
        "这个文件已损坏或不完整，无法打开。请重新扫描或从原系统重新导出后再上传。"
    ),
    operations.Rejection.NO_PAGES: _l(
        "这个 PDF 文件里没有任何页面。请重新扫描或导出，确认打开后能看到内容再上传。"
    ),
    operations.Rejection.ENCRYPTED: _l(
        "这个文件设置了密码或加密保护，窗口无法打开。请去掉密码（另存为不加密的文件）后再上传。"
    ),
    operations.Rejection.TOO_COMPLEX: _l(
        "这个文件的结构过于复杂（页数或层级过多），无法检查。请分成几个文件或重新导出后再上传。"
    ),
    operations.Rejection.ARCHIVE_TOO_LARGE: _l(
        "这个 OFD 文件解压后过大或包含的文件过多，不像正常的电子文件。请从签发系统重新导出，或转成 PDF 后再上传。"
    ),
    operations.Rejection.EXECUTABLE_INSIDE: _l(
        "这个 OFD 文件里夹带了程序或脚本，我们没有保存它。请从签发系统重新导出，或转成 PDF 后再上传。"
    ),
    operations.Rejection.NESTED_ARCHIVE: _l(
        "这个 OFD 文件里还套着压缩包，我们不能接收。请从签发系统重新导出，或转成 PDF 后再上传。"
    ),
    operations.Rejection.INFECTED: _l(
        "这个文件带有病毒，我们没有保存它。请用杀毒软件检查电脑后，重新扫描或导出材料再上传。"
    ),
    operations.Rejection.SCANNER_DOWN: _l(
        "文件安全检查暂时不可用，文件没有保存。请过几分钟再上传，已填写的内容都已保存。"
    ),
    operations.Rejection.STORAGE_DOWN: _l(
        "文件暂时无法保存，请过几分钟再试。已填写的内容都已保存。"
    ),
    operations.Rejection.NOT_IN_LIST: _l("这份材料不在本事项的材料清单里。"),
}


def upload_limits() -> operations.UploadLimits:
    config = current_app.config
    return operations.UploadLimits(
        max_file_bytes=config["UPLOAD_MAX_FILE_BYTES"],
        max_application_bytes=config["UPLOAD_MAX_APPLICATION_BYTES"],
        hold_when_scanner_down=config["SCANNER_DOWN_POLICY"] == "hold",
    )


def rejection_message(reason: operations.Rejection) -> str:
    limits = upload_limits()
    return str(REJECTIONS[reason]) % {
        "size": format_file_size(limits.max_file_bytes),
        "total": format_file_size(limits.max_application_bytes),
    }


PLACE_STEP = ("place", "where")
# From acceptance to the decision: the statuses in which a decision deadline runs.
DECIDING = frozenset({Status.ACCEPTED, Status.FORWARDED, Status.IN_REVIEW, Status.SUSPENDED})


def place_label(window) -> str:
    """A center and one of its windows, as the applicant chooses them and staff see them."""
    return f"{localized(window.center.name)} · {localized(window.name)}"


def place_hint(window) -> str:
    return _(
        "%(address)s，%(location)s",
        address=localized(window.center.address),
        location=localized(window.location),
    )


@dataclass(frozen=True)
class AnswerRow:
    """One line of the check page: the question, the answer as shown, where to change it."""

    label: str
    lines: list[str]
    change_url: str


class Journey:
    """The pages of one application: its questions, then its materials, then the check.

    A delivery question answered "by post" is followed by the postal-address page.
    ``blueprint`` is where its pages are: ``filing`` for the applicant, ``assisted`` for a
    staff member filing for the applicant (portal.filing.assisted).
    """

    def __init__(self, application: Application, blueprint: str = "filing") -> None:
        self.application = application
        self.blueprint = blueprint
        self.assisted = blueprint != "filing"
        # Where the filing goes is asked first, and only when the item is offered at more
        # than one window; with one window the guide has decided (operations.places).
        self.places = operations.places(application.item)
        questions = []
        for q in application.item.questions:
            questions.append(("question", q["code"]))
            if delivery.asks_for_address(q, application.answers):
                questions.append(("address", q["code"]))
        self.steps = (
            ([PLACE_STEP] if len(self.places) > 1 else [])
            + questions
            + [("material", m.code) for m in application.item.materials]
        )

    def question(self, code: str) -> dict | None:
        return next((q for q in self.application.item.questions if q["code"] == code), None)

    def url(self, step: tuple[str, str]) -> str:
        kind, code = step
        public_id = self.application.public_id
        if kind == "place":
            return self._url("place", public_id=public_id)
        if kind == "question":
            return self._url("question", public_id=public_id, question_code=code)
        if kind == "address":
            return self._url("postal_address", public_id=public_id, question_code=code)
        return self._url("material", public_id=public_id, material_code=code)

    def _url(self, page: str, **values) -> str:
        return url_for(f"{self.blueprint}.{page}", **values)

    def check_url(self) -> str:
        return self._url("check", public_id=self.application.public_id)

    def submit_url(self) -> str:
        return self._url("submit", public_id=self.application.public_id)

    def remove_url(self, material_code: str) -> str:
        return self._url(
            "remove_material", public_id=self.application.public_id, material_code=material_code
        )

    def start_url(self) -> str:
        if self.assisted:
            # The staff member's overview of the draft: whose it is, and back to where they came from.
            return self._url("overview", public_id=self.application.public_id)
        return url_for("filing.start_page", code=self.application.item.code)

    def first_url(self) -> str:
        return self.url(self.steps[0]) if self.steps else self.check_url()

    def after(self, step: tuple[str, str]) -> str:
        position = self.steps.index(step)
        return (
            self.url(self.steps[position + 1])
            if position + 1 < len(self.steps)
            else self.check_url()
        )

    def before(self, step: tuple[str, str]) -> str | None:
        position = self.steps.index(step)
        return self.url(self.steps[position - 1]) if position > 0 else None

    def back_url(self, step: tuple[str, str] | None = None) -> str:
        """Every step has a way back: the step before, the start page before the first, and
        the last step before the check page (``step`` None)."""
        if step is None:
            return self.url(self.steps[-1]) if self.steps else self.start_url()
        return self.before(step) or self.start_url()

    def progress(self, step: tuple[str, str]) -> str:
        return _(
            "第 %(n)d 步，共 %(total)d 步", n=self.steps.index(step) + 1, total=len(self.steps) + 1
        )

    def resume_url(self) -> str:
        missing = operations.missing_parts(self.application)
        for step in self.steps:
            kind, code = step
            if kind == "place" and missing.place:
                return self.url(step)
            if kind == "question" and any(q["code"] == code for q in missing.questions):
                return self.url(step)
            if kind == "address" and any(q["code"] == code for q in missing.addresses):
                return self.url(step)
            if kind == "material" and any(m.code == code for m in missing.materials):
                return self.url(step)
        return self.check_url()

    def answers(self) -> list[AnswerRow]:
        """Every answer with its change link, for the check page."""
        rows = []
        if PLACE_STEP in self.steps:
            window = self.application.window
            rows.append(
                AnswerRow(
                    _("到哪里办理"),
                    [place_label(window) if window else _("未填写")],
                    self.url(PLACE_STEP),
                )
            )
        answers = self.application.answers
        for question in self.application.item.questions:
            code = question["code"]
            lines = [_shown_answer(question, answers.get(code, ""))]
            if delivery.delivery_of(question, answers.get(code)) == delivery.WINDOW:
                lines.append(delivery.collection_details(self.application.window))
            rows.append(
                AnswerRow(localized(question["label"]), lines, self.url(("question", code)))
            )
            if delivery.asks_for_address(question, answers):
                address = delivery.postal_address(answers, code)
                rows.append(
                    AnswerRow(
                        _("邮寄地址"),
                        address.lines() if address else [_("未填写")],
                        self.url(("address", code)),
                    )
                )
        return rows


def delivery_summary(application: Application) -> str | None:
    """How the result reaches the applicant, in one line (for the receipt), or None."""
    answers = application.answers
    for question in application.item.questions:
        chosen = delivery.delivery_of(question, answers.get(question["code"]))
        if chosen == delivery.POST:
            address = delivery.postal_address(answers, question["code"])
            shown = _shown_answer(question, answers[question["code"]])
            return "\n".join([shown, *address.lines()]) if address else shown
        if chosen == delivery.WINDOW:
            return delivery.collection_details(application.window)
    return None


def option_hints(question: dict, application: Application) -> dict[str, str]:
    """A line under a choice where it needs one: where and when to collect at the window."""
    return {
        c["value"]: delivery.collection_details(application.window)
        for c in question.get("choices", ())
        if c.get("delivery") == delivery.WINDOW
    }


def _shown_answer(question: dict, raw: str) -> str:
    if not raw:
        return _("未填写")
    if question["type"] == "yes-no":
        return _("是") if raw == "yes" else _("否")
    if question["type"] == "choice":
        return next((localized(c["label"]) for c in question["choices"] if c["value"] == raw), raw)
    if question["type"] == "date":
        return long_date(date.fromisoformat(raw))
    if question["type"] == "number":
        return format_decimal(int(raw)) if raw.isdigit() else raw
    return raw


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


def _time_left_text(left_and_due: tuple[int, date]) -> str:
    left, due = left_and_due
    if left < 0:
        return _("已超过截止日期 %(date)s", date=long_date(due))
    return _("还剩 %(days)s（截止 %(date)s）", days=working_days(left), date=long_date(due))


class Case:
    """One submitted application as its applicant (or a lookup) sees it.

    ``owner`` is True on the applicant's own signed-in pages (and their receipt): they see
    their name in full. Everyone else (a lookup without sign-in) sees it masked.
    """

    # What a page asks more than once (a test, then the text) is worked out once per Case:
    # a Case lives for one page. The proxy agent is a query.

    def __init__(self, application: Application, *, owner: bool = False) -> None:
        self.application = application
        self.owner = owner

    @classmethod
    def listed(cls, applications: list[Application], *, owner: bool = False) -> list[Case]:
        """Cases for a list: each one's proxy agent read for all of them in one query."""
        from portal.proxy.plan import proxy_agents  # the proxy package builds on filing

        agents = proxy_agents([a.id for a in applications])
        cases = [cls(a, owner=owner) for a in applications]
        for case in cases:
            case.__dict__["proxy_agent"] = agents.get(case.application.id)  # cached_property
        return cases

    @cached_property
    def number(self) -> str:
        return display_number(self.application.number or "")

    @property
    def can_be_decided(self) -> bool:
        """Still waiting for the window's pre-review decision (accept, supplements, decline)."""
        return self.application.status in (Status.SUBMITTED, Status.RESUBMITTED)

    @property
    def can_be_withdrawn(self) -> bool:
        """Submitted, and the window has neither accepted nor declined it."""
        return self.application.status in Status.WITHDRAWABLE

    @property
    def withdrawn_on(self) -> str | None:
        """The day the applicant withdrew, as a date."""
        if self.application.status != Status.WITHDRAWN:
            return None
        withdrawn = [e for e in self.application.events if e.kind == "withdrawn"]
        return long_date(beijing.day_of(withdrawn[-1].created_at)) if withdrawn else None

    @cached_property
    def status(self) -> str:
        return per_locale(status_label, self.application.status)

    @cached_property
    def item_name(self) -> str:
        return localized(self.application.item.name)

    @cached_property
    def place(self) -> str | None:
        window = self.application.window
        return place_label(window) if window else None

    @property
    def place_address(self) -> str | None:
        window = self.application.window
        return place_hint(window) if window else None

    @property
    def applicant_name(self) -> str:
        name = self.application.applicant.name
        return name if self.owner else mask_name(name)

    @cached_property
    def proxy_agent(self) -> str | None:
        """The proxy window's agent who filed it for the investor (Art. 29), if one did."""
        from portal.proxy.plan import permit_of_application  # the proxy package builds on filing

        permit = permit_of_application(self.application.id)
        return permit.filed_by.name if permit and permit.filed_by else None

    @property
    def forwarded_by(self) -> str | None:
        """The county center that took the case in and forwarded it to the city, if one did."""
        forwarding = self.application.forwarding
        return localized(forwarding.center.name) if forwarding else None

    @property
    def received_at_county(self) -> str | None:
        forwarding = self.application.forwarding
        return long_date(forwarding.received_at_county) if forwarding else None

    @property
    def filed_by(self) -> str | None:
        """The staff member who filed it for the applicant (Art. 29), if one did."""
        member = self.application.filed_by
        return member.name if member else None

    @property
    def being_filed_for_applicant(self) -> bool:
        """A draft a staff member is filling in for the applicant: theirs to finish."""
        return self.application.status == Status.DRAFT and self.application.filed_by_id is not None

    @property
    def submitted_at(self) -> str:
        moment = self.application.submitted_at
        return format_datetime(beijing.aware(moment), "medium") if moment else ""

    @property
    def pre_review_by(self) -> str | None:
        day = self.application.pre_review_by
        return long_date(day) if day else None

    @property
    def decide_by(self) -> str | None:
        """The decision deadline, from acceptance until the decision (never before or after a
        decline): the date itself, moved by any extension or suspension."""
        day = self.application.decide_by
        if day is None or self.application.status not in DECIDING:
            return None
        return long_date(day)

    @property
    def decide_by_is_provisional(self) -> bool:
        """While an Art. 45 procedure runs, its real end may still move the date."""
        return self.application.status == Status.SUSPENDED

    @property
    def refusal_reasons(self) -> str | None:
        """The back office's reasons for refusing the licence (Art. 38), as reported."""
        if self.application.status != Status.REFUSED:
            return None
        refused = [e for e in self.application.events if e.kind == "backoffice-refused"]
        return (refused[-1].detail or {}).get("reasons") if refused else None

    @cached_property
    def time_left(self) -> str | None:
        """Working days left to the next deadline the applicant is waiting on, in words."""
        from portal.clock.calendar import CalendarUnknown
        from portal.clock.deadlines import working_days_left

        application = self.application
        due = application.decide_by if application.status in DECIDING else application.pre_review_by
        # A suspended clock does not run down (Art. 45): no count while it is paused.
        if due is None or application.status not in (
            Status.SUBMITTED,
            Status.RESUBMITTED,
            Status.ACCEPTED,
            Status.FORWARDED,
            Status.IN_REVIEW,
        ):
            return None
        try:
            left = working_days_left(current_app.extensions["calendar"], beijing.today(), due)
        except CalendarUnknown:
            return None
        return per_locale(_time_left_text, (left, due))

    @property
    def promised_limit(self) -> int:
        return self.application.item.promised_limit

    @cached_property
    def timeline(self) -> list[tuple[str, str, str]]:
        """(when, what happened, the details a person needs) for each step."""
        events = list(self.application.events)
        if self.application.forwarding is not None:
            events = [e for e in events if e.kind in COUNTY_EVENTS] + [
                e for e in events if e.kind not in COUNTY_EVENTS
            ]
        return [
            (
                self._event_moment(event),
                str(EVENT_LABELS.get(event.kind, event.kind)),
                self._county_note(event.kind) or self._event_note(event.detail or {}),
            )
            for event in events
        ]

    def _event_moment(self, event) -> str:
        if event.kind == "county-received" and self.application.forwarding is not None:
            return self.received_at_county or ""  # the day the county took the materials
        return format_datetime(beijing.aware(event.created_at), "medium")

    def _county_note(self, kind: str) -> str | None:
        if self.application.forwarding is None:
            return None
        if kind == "county-received":
            return _(
                "%(center)s 于 %(date)s 收到申请材料，办理时限从这一天起算。",
                center=self.forwarded_by,
                date=self.received_at_county,
            )
        if kind == "forwarded-to-city":
            return _("转至 %(place)s 审查决定。", place=self.place)
        return None

    def _event_note(self, detail: dict) -> str:
        if detail.get("certificate"):
            return _("证照编号：%(number)s", number=detail["certificate"])
        if detail.get("reasons"):
            return _("理由：%(reasons)s", reasons=detail["reasons"])
        if detail.get("days") and detail.get("reason"):
            return _(
                "延长 %(days)s。理由：%(reason)s（批准人：%(approver)s）",
                days=working_days(detail["days"]),
                reason=detail["reason"],
                approver=detail.get("approver", ""),
            )
        if detail.get("expected_working_days"):
            return _(
                "预计需要 %(days)s，不计入办理时限。",
                days=working_days(detail["expected_working_days"]),
            )
        if detail.get("fee_items"):
            fees = {fee.code: fee for fee in self.application.item.fees}
            return list_separator().join(
                f"{localized(fees[c].name)} {localized(fees[c].standard)}"
                for c in detail["fee_items"]
                if c in fees
            )
        if detail.get("on"):
            return long_date(date.fromisoformat(detail["on"]))
        return ""

    @cached_property
    def notices(self) -> list[tuple[str, str, str]]:
        """(title, 文书编号, issue date) of every notice the case received, oldest first."""
        return [
            (notices.title(n), n.number, long_date(n.issued_on)) for n in self.application.notices
        ]

    @cached_property
    def attachments(self):
        return [a for a in self.application.attachments if a.replaced_at is None]

    @property
    def next_steps(self) -> list[str]:
        steps = []
        if self.pre_review_by:
            steps.append(
                _(
                    "窗口工作人员会在 %(date)s 前完成预审：受理，或者一次性告诉您需要补正的全部材料。",
                    date=self.pre_review_by,
                )
            )
        else:
            steps.append(
                _(
                    "窗口工作人员会在 5 个工作日内完成预审：受理，或者一次性告诉您需要补正的全部材料。"
                )
            )
        steps.append(
            _("受理后按承诺时限办理，每一步都会显示在办理进度里，并通过短信或邮件通知您。")
        )
        steps.append(_("凭申请编号和查询码，不登录也可以查询进度。"))
        return steps


def tracking_url(number: str) -> str:
    """The lookup page with the number filled in. Never the query code: a URL ends up in
    histories and logs, and the code is what proves the person holds the receipt."""
    return url_for("filing.track", number=number, _external=True)


def receipt_pdf(application: Application) -> bytes:
    """The receipt, for its owner (the only one who can download it): their name in full."""
    case = Case(application, owner=True)
    labels = {
        "application_number": _("申请编号"),
        "query_code": _("查询码"),
        "item": _("申请事项"),
        "applicant": _("申请人"),
        "submitted_at": _("提交时间"),
        "forwarded": _("转报"),
        "materials": _("已收到的材料"),
        "next_steps": _("接下来"),
        "decide_by": _("预审截止日期"),
        "track": _("扫码查询进度"),
        "delivery": _("领取方式"),
        "note": _("温馨提示"),
    }
    return render_receipt(
        Receipt(
            title=_("网上申请回执"),
            center_name=_("衡阳市政务服务中心"),
            labels=labels,
            application_number=case.number,
            query_code=application.query_code or "",
            item_name=case.item_name,
            applicant_name=case.applicant_name,
            submitted_at=case.submitted_at,
            decide_by=case.pre_review_by,
            delivery=delivery_summary(application),
            forwarded=_(
                "由 %(center)s 转报，该中心 %(date)s 收到材料（时限从这一天起算）",
                center=case.forwarded_by,
                date=case.received_at_county,
            )
            if case.forwarded_by
            else None,
            materials=[
                ReceiptMaterial(
                    name=localized(a.material.name),
                    filename=a.display_name,
                    size_text=format_file_size(a.size),
                    sha256_short=a.sha256[:16],
                )
                for a in case.attachments
            ],
            next_steps=case.next_steps,
            tracking_url=tracking_url(case.number),
            footer=_(
                "本回执只证明已收到网上申请，不是许可决定。咨询电话：%(phone)s",
                phone=current_app.config["CONSULTATION_PHONE"],
            ),
            lang="en" if application.applicant.language == "en" else "zh-Hans",
        )
    )
