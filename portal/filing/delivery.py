"""How the result reaches the applicant: by post to an address in China, or collected at the
window.

A guide marks the choices of a question that mean post or window (``delivery: post`` /
``delivery: window`` in guides/, schema ``catalog.schema.Choice``). Choosing post asks for the
postal address on a page of its own; its parts are kept in ``application.answers`` beside the
question's own answer, under ``<question code>.<part>`` (``ADDRESS_PARTS``), all strings:

    "licence-delivery": "post",
    "licence-delivery.province": "43",          # GB/T 2260 code of the provincial division
    "licence-delivery.city": "衡阳市",
    "licence-delivery.district": "蒸湘区",
    "licence-delivery.street": "解放西路 22 号 3 楼",
    "licence-delivery.postcode": "421001",
    "licence-delivery.recipient": "王芳",
    "licence-delivery.mobile": "13812345678",

The province is kept as its code so every page shows it in the reader's language
(``province_label``); ``postal_address`` gives the whole address with its labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.i18n import label, localized

POST, WINDOW = "post", "window"

# China's provincial-level divisions served by the domestic post, with their GB/T 2260 codes.
# Hong Kong (81), Macao (82) and Taiwan (71) are left out: they have no 6-digit postal code and
# mail to them is cross-border, which free delivery of a licence does not cover.
PROVINCES = {
    "11": _l("北京市"),
    "12": _l("天津市"),
    "13": _l("河北省"),
    "14": _l("山西省"),
    "15": _l("内蒙古自治区"),
    "21": _l("辽宁省"),
    "22": _l("吉林省"),
    "23": _l("黑龙江省"),
    "31": _l("上海市"),
    "32": _l("江苏省"),
    "33": _l("浙江省"),
    "34": _l("安徽省"),
    "35": _l("福建省"),
    "36": _l("江西省"),
    "37": _l("山东省"),
    "41": _l("河南省"),
    "42": _l("湖北省"),
    "43": _l("湖南省"),
    "44": _l("广东省"),
    "45": _l("广西壮族自治区"),
    "46": _l("海南省"),
    "50": _l("重庆市"),
    "51": _l("四川省"),
    "52": _l("贵州省"),
    "53": _l("云南省"),
    "54": _l("西藏自治区"),
    "61": _l("陕西省"),
    "62": _l("甘肃省"),
    "63": _l("青海省"),
    "64": _l("宁夏回族自治区"),
    "65": _l("新疆维吾尔自治区"),
}
ADDRESS_PARTS = ("province", "city", "district", "street", "postcode", "recipient", "mobile")
# Each part's name, as the address page asks for it.
PART_NAMES = {
    "province": _l("省、自治区、直辖市"),
    "city": _l("市（地区、自治州、盟）"),
    "district": _l("区、县（县级市、旗）"),
    "street": _l("街道、门牌号"),
    "postcode": _l("邮政编码"),
    "recipient": _l("收件人姓名"),
    "mobile": _l("收件人手机号码"),
}
# Mainland postal codes are six digits; none begins with 9.
POSTCODE = re.compile(r"[0-8]\d{5}")


def province_label(code: str) -> str:
    name = PROVINCES.get(code)
    return label(name) if name is not None else code


def delivery_of(question: dict, value: str | None) -> str | None:
    """'post', 'window' or None: what the chosen answer means for delivery."""
    return next(
        (c.get("delivery") for c in question.get("choices", ()) if c["value"] == value), None
    )


def offers_delivery(question: dict) -> bool:
    return any(c.get("delivery") for c in question.get("choices", ()))


def asks_for_address(question: dict, answers: dict) -> bool:
    return delivery_of(question, answers.get(question["code"])) == POST


def address_key(question_code: str, part: str) -> str:
    return f"{question_code}.{part}"


def follow_up_keys(question_code: str, answers: dict) -> list[str]:
    """The keys kept beside a question's answer (its postal address)."""
    return [k for k in answers if k.startswith(f"{question_code}.")]


@dataclass(frozen=True)
class PostalAddress:
    province: str  # the code; see province_label
    city: str
    district: str
    street: str
    postcode: str
    recipient: str
    mobile: str

    @property
    def province_label(self) -> str:
        return province_label(self.province)

    @property
    def place(self) -> str:
        """Province, city, district and street, as written on an envelope in China."""
        return _(
            "%(province)s%(city)s%(district)s%(street)s",
            province=self.province_label,
            city=self.city,
            district=self.district,
            street=self.street,
        )

    def lines(self) -> list[str]:
        """The address as the check page and the receipt show it."""
        return [
            self.place,
            _("邮政编码 %(postcode)s", postcode=self.postcode),
            _("收件人：%(name)s，手机 %(mobile)s", name=self.recipient, mobile=self.mobile),
        ]


def part_text(part: str, value: str) -> str:
    """One part as people read it: the province by its name, the rest as written."""
    return province_label(value) if part == "province" else value


def postal_address(answers: dict, question_code: str) -> PostalAddress | None:
    """The postal address given for this question, or None while any part is missing."""
    parts = {part: answers.get(address_key(question_code, part), "") for part in ADDRESS_PARTS}
    if not all(parts.values()):
        return None
    return PostalAddress(**parts)


def collection_details(window) -> str:
    """Where and when to collect the result at the window the filing went to."""
    if window is None:
        return _("到您选择的办理窗口领取；选好办理地点后，这里会显示地址和办公时间。")
    center = window.center
    return _(
        "到%(center)s %(window)s（%(location)s）领取。地址：%(address)s。办公时间：%(hours)s。"
        "办好后会通知您。",
        center=localized(center.name),
        window=localized(window.name),
        location=localized(window.location),
        address=localized(center.address),
        hours=localized(center.hours),
    )
