"""Shape catalog rows for pages, so templates only display.

Labels here are translated when a page is rendered, never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalog.models import Bilingual, Center, FeeItem, ServiceItem, Window
from portal.i18n import localized, money, working_days

KIND_LABELS = {
    "licensing": _l("行政许可"),
    "confirmation": _l("行政确认"),
    "payment": _l("行政给付"),
    "registration": _l("登记备案"),
    "public-service": _l("公共服务"),
}
MODE_LABELS = {
    "public": _l("公开化运作（窗口依法审批）"),
    "market": _l("市场化运作（公开拍卖或招标后再依法审批）"),
    "intermediary": _l("社会化运作（由独立中介机构鉴定评估后再依法审批）"),
}
AUDIENCE_LABELS = {"individual": _l("个人"), "company": _l("企业")}
CENTER_KIND_LABELS = {"city": _l("市中心"), "sub": _l("分中心"), "county": _l("县市区中心")}
SECTOR_LABELS = {
    "government": _l("行政事业性收费"),
    "school": _l("学校"),
    "hospital": _l("医院"),
    "water": _l("供水"),
    "gas": _l("供气"),
    "electricity": _l("供电"),
}
PUBLIC_INSTITUTION_SECTORS = ("school", "hospital", "water", "gas", "electricity")


def list_separator() -> str:
    # Translators: the separator between items of a short inline list.
    return _("、")


def search_problem(query: str, max_length: int) -> str | None:
    """Why a search cannot be run, in the reader's language, or None."""
    if len(query) > max_length:
        return _("搜索内容太长了。请用不超过 %(max)d 个字描述您要办的事。", max=max_length)
    return None


def time_limit(days: int) -> str:
    return _("当场办结") if days == 0 else working_days(days)


def fee_standard(fee: FeeItem) -> str:
    return localized(fee.standard)


@dataclass(frozen=True)
class LegalBasis:
    """One provision an item rests on; ``excerpt`` is optional in the content schema."""

    law: Bilingual
    article: Bilingual
    excerpt: Bilingual | None


@dataclass(frozen=True)
class Place:
    center: Center
    windows: list[Window]


class Guide:
    """One service item's guide, in the order every guide is published."""

    def __init__(self, item: ServiceItem) -> None:
        self.item = item

    @property
    def kind(self) -> str:
        return str(KIND_LABELS[self.item.kind])

    @property
    def mode(self) -> str:
        return str(MODE_LABELS[self.item.mode])

    @property
    def audiences(self) -> str:
        return list_separator().join(str(AUDIENCE_LABELS[a]) for a in self.item.audiences)

    @property
    def statutory_limit(self) -> str:
        return time_limit(self.item.statutory_limit)

    @property
    def promised_limit(self) -> str:
        return time_limit(self.item.promised_limit)

    @property
    def handling(self) -> str:
        return _("即办件") if self.item.immediate else _("承诺件")

    @property
    def visits(self) -> str:
        if self.item.visits == 0:
            return _("一次都不用跑（全程网上办理）")
        return _("最多跑 %(num)d 次", num=self.item.visits)

    @property
    def legal_basis(self) -> list[LegalBasis]:
        # The loader stores each provision without the keys it lacks, so the quoted passage
        # is read with .get(): a guide that cites a law without quoting it is complete.
        return [
            LegalBasis(law=basis["law"], article=basis["article"], excerpt=basis.get("excerpt"))
            for basis in self.item.legal_basis
        ]

    @property
    def places(self) -> list[Place]:
        by_center: dict[int, Place] = {}
        for window in self.item.windows:
            place = by_center.setdefault(window.center_id, Place(window.center, []))
            place.windows.append(window)
        return sorted(by_center.values(), key=lambda place: place.center.position)

    @property
    def fee_total(self) -> str | None:
        amounts = [fee.amount for fee in self.item.fees]
        if not amounts or any(amount is None for amount in amounts):
            return None
        return money(sum(amounts, Decimal(0)))


def windows_with_items(center: Center) -> list[tuple[Window, list[ServiceItem]]]:
    return [
        (window, [item for item in window.items if item.retired_at is None])
        for window in center.windows
    ]


def sector_label(sector: str) -> str:
    return str(SECTOR_LABELS[sector])


def center_kind_label(kind: str) -> str:
    return str(CENTER_KIND_LABELS[kind])


def audience_label(audience: str) -> str:
    return str(AUDIENCE_LABELS[audience])
