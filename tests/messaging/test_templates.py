"""Every message renders in both languages with realistic values, and every SMS fits its budget.

The budget: an SMS is at most two segments of a concatenated message, 134 UCS-2 characters
when it holds any Chinese (2 × 67) and 306 GSM-7 characters otherwise (2 × 153); the codes
that people copy while they wait (password reset) fit one segment (70 / 160). English texts
use only the GSM-7 alphabet, or the phone would send them as UCS-2 in three times as many
segments. The values are the longest the portal can give: the longest center and window
names in guides/centers.yaml, an application number, Chinese long dates in December.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from portal.complaints import messages as complaint_messages
from portal.messaging import case_messages, rendering

GUIDES = Path(__file__).resolve().parents[2] / "guides"
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
TWO_SEGMENTS = {"zh": 134, "en": 306}
ONE_SEGMENT = {"zh": 70, "en": 160}
ONE_SEGMENT_KINDS = {"password-reset", "contact-change-code"}


def _longest_window() -> dict:
    centers = yaml.safe_load((GUIDES / "centers.yaml").read_text(encoding="utf-8"))["centers"]
    center, window = max(
        ((c, w) for c in centers for w in c["windows"]),
        key=lambda pair: len(pair[0]["name"]["zh"] + pair[1]["name"]["zh"]),
    )
    return {
        "name": window["name"],
        "location": window["location"],
        "center": center["name"],
        "address": center["address"],
        "hours": center["hours"],
        "phone": center["phone"],
    }


ITEM = {"zh": "食品经营许可（新办，含网络经营）", "en": "Food business licence (new, incl. online)"}
CASE = {
    "number": "HY-20261229-00123-X",
    "public_id": "0f" * 16,
    "item": ITEM,
    "decide_by": date(2026, 12, 29),
    "pre_review_by": date(2026, 12, 28),
    "accepted_on": date(2026, 12, 18),
    "notice_number": "HYTZ-2026-000123",
    "window": _longest_window(),
}
EXTRA = {
    "received": {"code": "K7P2QX"},
    "supplements-requested": {
        "materials": [
            {
                "name": {"zh": "营业执照副本", "en": "Business licence copy"},
                "reason": "复印件不清晰",
            },
            {"name": {"zh": "法定代表人身份证", "en": "ID of the legal rep."}, "reason": "已过期"},
        ]
    },
    "declined": {
        "reason": "本事项不属于本中心职权范围。",
        "right_authority": "衡阳市自然资源和规划局",
    },
    "extended": {"days": 10, "reason": "需要征求相关部门意见。"},
    "suspended": {
        "procedure": case_messages.PROCEDURES["expert_review"],
        "expected_working_days": 15,
    },
    "resumed": {
        "procedure": case_messages.PROCEDURES["expert_review"],
        "started_on": "2026-12-01",
        "ended_on": "2026-12-22",
    },
    "inspection-scheduled": {"on": "2026-12-23"},
    "refused": {"reasons": "经现场检查，经营场所不符合食品安全要求。"},
    "certificate-issued": {"certificate": "JY14304000012345"},
    "fee-notice": {
        "fees": [
            {
                "name": {"zh": "不动产登记费", "en": "Real estate registration fee"},
                "amount": Decimal("80.0000"),
                "standard": {"zh": "每件 80 元", "en": "CNY 80 a case"},
                "unit": {"zh": "件", "en": "case"},
            }
        ]
    },
    "password-reset": {"code": "493817", "minutes": 15},
    "new-device": {"at": datetime(2026, 12, 29, 13, 45, 59, tzinfo=UTC)},
    "password-changed": {
        "at": datetime(2026, 12, 29, 13, 45, 59, tzinfo=UTC),
        "phone": "0734-12345",
    },
    "contact-change-code": {"channel": "email", "code": "493817", "minutes": 15},
    "proxy-request-received": {
        "project": "衡阳新能源电池生产基地项目",
        "accept_by": date(2026, 12, 29),
    },
    "proxy-request-accepted": {
        "project": "衡阳新能源电池生产基地项目",
        "code": "2612-430400-04-01-123456",
        "agent": "欧阳晓明",
    },
    "proxy-agent-changed": {
        "project": "衡阳新能源电池生产基地项目",
        "code": "2612-430400-04-01-123456",
        "agent": "欧阳晓明",
    },
    "proxy-request-refused": {
        "project": "衡阳新能源电池生产基地项目",
        "reasons": "投资方尚未确定项目选址，请确定后再申请。",
    },
    "rating-follow-up": {
        "outcome": "fix-by",
        "fix_by": date(2026, 12, 29),
        "note": "已责令窗口在办事指南中写明补正材料的要求。",
    },
    "contact-changed": {
        "channel": "mobile",
        "new": "137****2222",
        "at": datetime(2026, 12, 29, 13, 45, 59, tzinfo=UTC),
        "phone": "0734-12345",
    },
}
ACCOUNT_KINDS = {
    "registered",
    "already-registered",
    "password-reset",
    "new-device",
    "password-changed",
    "contact-change-code",
    "contact-changed",
}


# A complaint's messages carry its ticket, not a case (portal/complaints/messages.py).
COMPLAINT_KINDS = set(complaint_messages.MESSAGES.values())
COMPLAINT = {
    "ticket": "HYTS-20261229-00123-X",
    "accept_by": date(2026, 12, 28),
    "reply_by": date(2026, 12, 29),
    "reason": None,
    "contact": None,
    "earlier_ticket": None,
    "why": None,
    "reply": None,
    "rated": False,
}
EXTRA |= {
    # the longest of the three reasons on SMS: a duplicate names the earlier ticket
    "complaint-not-accepted": {"reason": "duplicate", "earlier_ticket": "HYTS-20261201-00007-3"},
    "complaint-extended": {"why": "需要向市市场监管局调取现场检查记录。"},
    "complaint-replied": {"reply": "经核查，窗口未一次性告知补正材料，已责令整改并向您致歉。"},
}


def context_for(kind: str) -> dict:
    base = {"portal_url": "https://zwfw.hengyang.example", "window": None}
    if kind in COMPLAINT_KINDS:
        return base | COMPLAINT | EXTRA.get(kind, {})
    if kind not in ACCOUNT_KINDS:
        base |= CASE
    return base | EXTRA.get(kind, {})


def test_every_event_that_tells_the_applicant_has_its_templates():
    kinds = set(rendering.kinds())
    assert set(case_messages.MESSAGES.values()) | ACCOUNT_KINDS | COMPLAINT_KINDS <= kinds
    for folder in ("zh_Hans", "en"):
        for kind in kinds:
            for channel in rendering.CHANNELS:
                assert (rendering.TEMPLATES / folder / f"{kind}.{channel}.txt").is_file()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("kind", rendering.kinds())
def test_each_message_renders_and_its_sms_fits(kind, language):
    context = context_for(kind)
    mail = rendering.render(kind, "email", language, context)
    sms = rendering.render(kind, "sms", language, context).body
    assert mail.subject and "\n" not in mail.subject
    assert mail.body.strip() and "{" not in mail.body and "{" not in sms
    if kind in COMPLAINT_KINDS:
        assert COMPLAINT["ticket"] in mail.subject and COMPLAINT["ticket"] in sms
    elif kind not in ACCOUNT_KINDS:
        assert CASE["number"] in mail.subject and CASE["number"] in sms
    budget = (ONE_SEGMENT if kind in ONE_SEGMENT_KINDS else TWO_SEGMENTS)[language]
    assert len(sms) <= budget, f"{kind} ({language}) SMS is {len(sms)} characters: {sms}"
    if language == "en":
        assert set(sms) <= GSM7, f"not GSM-7: {set(sms) - GSM7}"
        # What staff typed (reasons) stays as typed; everything else is English.
        text = mail.subject + mail.body
        for typed in _typed(context):
            text = text.replace(typed, "")
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    else:
        assert sms.startswith("【衡阳一窗通】")


def _typed(context: dict) -> list[str]:
    # What people typed: staff's reasons and replies, the project and agent of a proxy request.
    typed_keys = (
        "reason",
        "reasons",
        "right_authority",
        "why",
        "reply",
        "contact",
        "project",
        "agent",
        "note",
    )
    typed = [v for k, v in context.items() if k in typed_keys and v]
    return typed + [m["reason"] for m in context.get("materials", [])]


def test_dates_and_money_are_in_the_recipients_language():
    zh = rendering.render("fee-notice", "email", "zh", context_for("fee-notice")).body
    en = rendering.render("fee-notice", "email", "en", context_for("fee-notice")).body
    assert "¥80.00" in zh and "CN¥80.00" in en
    accepted = context_for("accepted")
    assert "2026年12月29日" in rendering.render("accepted", "sms", "zh", accepted).body
    assert "December 29, 2026" in rendering.render("accepted", "sms", "en", accepted).body


def test_a_missing_value_fails_loudly_instead_of_sending_a_gap():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        rendering.render("accepted", "email", "zh", {"portal_url": "", "window": None})
