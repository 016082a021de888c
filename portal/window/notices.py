"""The written notices of a window decision (Art. 32, 38): acceptance, supplements, decline."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from reportlab.lib.units import mm

from portal.documents.pdf import (
    document_header,
    key_value_table,
    numbered_list,
    para,
    render_document,
    section_heading,
    styles,
)
from portal.filing.models import Application, Status
from portal.filing.numbering import display_number
from portal.i18n import localized, long_date


def _remedies() -> str:
    return _(
        "如不服本决定，可以自收到本通知之日起 60 日内向衡阳市人民政府申请行政复议，也可以自收到本通知之日起 6 个月内依法向人民法院提起行政诉讼。"
    )


NOTICE_STATUSES = frozenset(
    {Status.ACCEPTED, Status.FORWARDED, Status.DECLINED, Status.SUPPLEMENTS_REQUESTED}
)


def has_notice(application: Application) -> bool:
    return application.status in NOTICE_STATUSES


def notice_title(application: Application) -> str:
    if application.status == Status.DECLINED:
        return _("不予受理通知书")
    if application.status == Status.SUPPLEMENTS_REQUESTED:
        return _("补正材料通知书")
    return _("受理通知书")


def notice_pdf(application: Application) -> bytes:
    """The dated notice for the case's decision, under the center's name."""
    st = styles()
    title = notice_title(application)
    rows = [
        (_("申请编号"), display_number(application.number or ""), True),
        (_("申请事项"), localized(application.item.name), False),
        (_("申请人"), application.applicant.name, False),
        (_("日期"), long_date(application.updated_at), False),
    ]
    story = [*document_header(_("衡阳市政务服务中心"), title), key_value_table(rows, 170 * mm)]
    if application.status == Status.DECLINED:
        story += section_heading(_("不予受理的理由"))
        story.append(para(application.decline["reason"], st.body))
        if application.decline.get("right_authority"):
            story.append(
                para(
                    _(
                        "请向 %(authority)s 申请。",
                        authority=application.decline["right_authority"],
                    ),
                    st.body,
                )
            )
        story += section_heading(_("救济途径"))
        story.append(para(_remedies(), st.body))
    elif application.status == Status.SUPPLEMENTS_REQUESTED:
        story += section_heading(_("请一次补齐下列材料"))
        reasons = application.supplement_request["reasons"]
        story += numbered_list(
            [
                f"{localized(m.name)} – {reasons[m.code]}"
                for m in application.item.materials
                if m.code in reasons
            ]
        )
    else:
        decide_by = (
            long_date(application.decide_by)
            if application.decide_by
            else _("受理后 %(days)d 个工作日内", days=application.item.promised_limit)
        )
        story += section_heading(_("决定期限"))
        story.append(
            para(_("本机关已受理您的申请，将在 %(date)s 前作出决定。", date=decide_by), st.body)
        )
    return render_document(
        story,
        title=title,
        author=_("衡阳市政务服务中心"),
        subject=display_number(application.number or ""),
        footer=_("咨询电话：%(phone)s", phone=current_app.config["CONSULTATION_PHONE"]),
    )
