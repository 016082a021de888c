"""The written notices of a case (Art. 32, 38, 42, 45): each issued once, numbered, dated
and stored as the PDF bytes sent, so it reads the same for ever.

``issue_notice`` is the one way a notice comes into being: the window's decisions call
it here, and the back office's extension, suspension and refusal reports are meant to
call it too. Notices are issued in Chinese, the language of the center's seal.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm

from portal.clock import beijing
from portal.documents.pdf import (
    document_header,
    key_value_table,
    numbered_list,
    para,
    render_document,
    section_heading,
    styles,
)
from portal.extensions import db
from portal.filing.models import Application, Notice, NoticeKind
from portal.filing.numbering import display_number, next_notice_number
from portal.i18n import localized, long_date, working_days

ISSUING_LOCALE = "zh_Hans_CN"

TITLES = {
    NoticeKind.ACCEPTANCE: _l("受理通知书"),
    NoticeKind.DEEMED_ACCEPTANCE: _l("受理通知书"),
    NoticeKind.SUPPLEMENTS: _l("补正材料通知书"),
    NoticeKind.DECLINE: _l("不予受理通知书"),
    NoticeKind.EXTENSION: _l("延长审批期限通知书"),
    NoticeKind.SUSPENSION: _l("暂停计时告知书"),
    NoticeKind.REFUSAL: _l("不予许可决定书"),
}


def remedies() -> str:
    """Art. 38: the right to administrative review (60 days) or a lawsuit (6 months)."""
    return _(
        "如不服本决定，可以自收到本通知之日起 60 日内向衡阳市人民政府申请行政复议，也可以自收到本通知之日起 6 个月内依法向人民法院提起行政诉讼。"
    )


def title(notice: Notice) -> str:
    return str(TITLES[notice.kind])


def issue_notice(application: Application, kind: str, detail: dict | None = None) -> Notice:
    """Number, date and render one notice now, and keep its bytes with the case.

    ``detail`` holds what the notice says beyond the case itself: the supplement
    reasons, the decline, the extension (days, reason, approver), the suspension
    (procedure, expected_working_days) or the refusal reasons.
    """
    if kind not in NoticeKind.ALL:
        raise ValueError(f"no notice of kind '{kind}'")
    detail = dict(detail or {})
    today = beijing.today()
    number = next_notice_number(today.year)
    with force_locale(ISSUING_LOCALE):
        pdf = _render(application, kind, number, today, detail)
    notice = Notice(
        number=number,
        kind=kind,
        issued_on=today,
        issued_at=beijing.now(),
        pdf=pdf,
        detail=detail,
    )
    application.notices.append(notice)
    db.session.flush()
    return notice


# The back office's reports that are written notices to the applicant.
BACKOFFICE_NOTICES = {
    "extended": NoticeKind.EXTENSION,  # Art. 42: the applicant is told why
    "suspended": NoticeKind.SUSPENSION,  # Art. 45: told in writing how long it takes
    "refused": NoticeKind.REFUSAL,  # Art. 38: reasons and remedies
}


def issue_backoffice_notice(application: Application, report_kind: str, detail: dict):
    """The notice a back-office report calls for, or None. Call it after the report has
    moved the case's clock, so an extension's notice carries the new decision date."""
    kind = BACKOFFICE_NOTICES.get(report_kind)
    return issue_notice(application, kind, detail) if kind else None


def find_notice(application: Application, number: str) -> Notice | None:
    return next((n for n in application.notices if n.number == number), None)


def latest_notice(application: Application) -> Notice | None:
    return application.notices[-1] if application.notices else None


def _render(application: Application, kind: str, number: str, today, detail: dict) -> bytes:
    st = styles()
    heading = str(TITLES[kind])
    rows = [
        (_("文书编号"), number, True),
        (_("申请编号"), display_number(application.number or ""), False),
        (_("申请事项"), localized(application.item.name), False),
        (_("申请人"), application.applicant.name, False),
        (_("日期"), long_date(today), False),
    ]
    story = [*document_header(_("衡阳市政务服务中心"), heading), key_value_table(rows, 170 * mm)]
    body = BODIES[kind](application, detail)
    for section, paragraphs in body:
        story += section_heading(section)
        for text in paragraphs:
            story += numbered_list(text) if isinstance(text, list) else [para(text, st.body)]
    return render_document(
        story,
        title=heading,
        author=_("衡阳市政务服务中心"),
        subject=f"{number} {display_number(application.number or '')}",
        footer=_("咨询电话：%(phone)s", phone=current_app.config["CONSULTATION_PHONE"]),
    )


def _decide_by(application: Application) -> str:
    if application.decide_by:
        return long_date(application.decide_by)
    return _("受理后 %(days)d 个工作日内", days=application.item.promised_limit)


def _acceptance(application: Application, detail: dict):
    return [
        (
            _("决定期限"),
            [_("本机关已受理您的申请，将在 %(date)s 前作出决定。", date=_decide_by(application))],
        )
    ]


def _deemed(application: Application, detail: dict):
    return [
        (
            _("视为受理"),
            [
                _(
                    "窗口未在收到申请之日起 5 个工作日内告知补正，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"
                ),
                _("本机关将在 %(date)s 前作出决定。", date=_decide_by(application)),
            ],
        )
    ]


def _supplements(application: Application, detail: dict):
    reasons = detail.get("reasons", {})
    return [
        (
            _("请一次补齐下列材料"),
            [
                [
                    f"{localized(m.name)} – {reasons[m.code]}"
                    for m in application.item.materials
                    if m.code in reasons
                ]
            ],
        )
    ]


def _decline(application: Application, detail: dict):
    paragraphs = [detail["reason"]]
    if detail.get("right_authority"):
        paragraphs.append(_("请向 %(authority)s 申请。", authority=detail["right_authority"]))
    return [(_("不予受理的理由"), paragraphs), (_("救济途径"), [remedies()])]


def _extension(application: Application, detail: dict):
    return [
        (
            _("延长审批期限"),
            [
                _(
                    "经本机关负责人 %(approver)s 批准，办理期限延长 %(days)s。理由：%(reason)s",
                    approver=detail.get("approver", ""),
                    days=working_days(int(detail.get("days", 0))),
                    reason=detail.get("reason", ""),
                ),
                _("本机关将在 %(date)s 前作出决定。", date=_decide_by(application)),
            ],
        )
    ]


def _suspension(application: Application, detail: dict):
    return [
        (
            _("暂停计时"),
            [
                _(
                    "您的申请需要依法进行听证、招标、拍卖、检验、检测、检疫、鉴定或专家评审，预计需要 %(days)s，这段时间不计入办理期限（《中华人民共和国行政许可法》第四十五条）。",
                    days=working_days(int(detail.get("expected_working_days", 0))),
                ),
                _("按预计时间，本机关将在 %(date)s 前作出决定。", date=_decide_by(application)),
            ],
        )
    ]


def _refusal(application: Application, detail: dict):
    return [(_("不予许可的理由"), [detail.get("reasons", "")]), (_("救济途径"), [remedies()])]


BODIES = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.DEEMED_ACCEPTANCE: _deemed,
    NoticeKind.SUPPLEMENTS: _supplements,
    NoticeKind.DECLINE: _decline,
    NoticeKind.EXTENSION: _extension,
    NoticeKind.SUSPENSION: _suspension,
    NoticeKind.REFUSAL: _refusal,
}
