"""The proxy request's acknowledgement (受理回执 of the request, not of a permit), as a PDF
built with the portal's document helpers, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.documents.pdf import (
    FRAME_WIDTH,
    document_header,
    key_value_table,
    numbered_list,
    render_document,
    section_heading,
)
from portal.i18n import current_language, long_date
from portal.proxy.models import ProxyRequest
from portal.proxy.presenters import answer_rows, request_answers
from portal.proxy.requests import display_number


def acknowledgement_pdf(request: ProxyRequest) -> bytes:
    number = display_number(request.number)
    rows = [
        (_("代理申请编号"), number, True),
        (_("提交时间"), long_date(request.received_at), False),
        (
            _("受理截止日期"),
            long_date(request.accept_by) if request.accept_by else _("待定"),
            True,
        ),
    ]
    rows += [(row.label, row.value, False) for row in answer_rows(request_answers(request))]
    story = [
        *document_header(_("衡阳市政务服务中心"), _("全程委托代理申请回执")),
        key_value_table(rows, FRAME_WIDTH),
        *section_heading(_("接下来")),
        *numbered_list(
            [
                _("代理窗口在受理截止日期前决定是否受理，受理后为您指派代理员并编制项目代码。"),
                _("每一步都会通知您。全程委托代理一律免费，不收任何委托代理服务费。"),
            ]
        ),
    ]
    return render_document(
        [flowable for flowable in story if flowable is not None],
        title=_("全程委托代理申请回执"),
        author=_("衡阳市政务服务中心"),
        subject=number,
        footer=_("全程委托代理一律免费，不收任何委托代理服务费。"),
        lang="en" if current_language() == "en" else "zh-Hans",
    )
