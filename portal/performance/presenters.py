"""What the performance page shows: numbers formatted in the reader's language, the bars of
each chart, the links of the drill-down. Templates never compute a figure."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from forms.ratings import LEVEL_LABELS
from portal.complaints.models import Kind
from portal.complaints.presenters import KIND_LABELS
from portal.i18n import localized
from portal.performance.figures import Breakdown, Group, Report
from portal.ratings.models import Level


# Chinese and English write both alike (33.3%, 7.5); Babel's formatting, which parses its
# pattern on every call, was most of the page's time with a hundred rows.
def percent(value: float | None) -> str:
    return _("无数据") if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    return _("无数据") if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # 0 to 1; None draws no bar
    text: str  # what the bar's end says


@dataclass(frozen=True)
class Row:
    group: Group
    name: str
    link: dict | None  # query arguments of the drill-down, None for an item


@dataclass(frozen=True)
class BreakdownTexts:
    column: str
    chart_title: str
    chart_description: str
    caption: str
    ratings_caption: str


def breakdown_texts(breakdown: Breakdown) -> BreakdownTexts:
    """Whole sentences per level: a word put into a sentence translates badly."""
    if breakdown is Breakdown.CENTER:
        return BreakdownTexts(
            _("办事大厅"),
            _("各办事大厅的按时办结率"),
            _("条形图：每个办事大厅本月到期办件的按时办结率，具体数字见旁边的表格。"),
            _("各办事大厅的办件时效"),
            _("各办事大厅的评价"),
        )
    if breakdown is Breakdown.DEPARTMENT:
        return BreakdownTexts(
            _("部门"),
            _("各部门的按时办结率"),
            _("条形图：每个部门本月到期办件的按时办结率，具体数字见旁边的表格。"),
            _("各部门的办件时效"),
            _("各部门的评价"),
        )
    return BreakdownTexts(
        _("事项"),
        _("各事项的按时办结率"),
        _("条形图：每个事项本月到期办件的按时办结率，具体数字见旁边的表格。"),
        _("各事项的办件时效"),
        _("各事项的评价"),
    )


def rows(report: Report, chosen: dict[str, str | None]) -> list[Row]:
    month = report.selection.month.key
    shown = []
    for group in report.rows:
        link = None
        if report.breakdown is Breakdown.CENTER:
            link = {"month": month, "center": group.code}
        elif report.breakdown is Breakdown.DEPARTMENT:
            link = {"month": month, "center": chosen["center"], "department": group.code}
        elif report.selection.item_id is None:
            link = {**{k: v for k, v in chosen.items() if v}, "month": month, "item": group.code}
        shown.append(Row(group, localized(group.name), link))
    return shown


def timeliness_bars(shown: list[Row]) -> list[Bar]:
    return [
        Bar(row.name, row.group.timeliness.on_time_rate, percent(row.group.timeliness.on_time_rate))
        for row in shown
    ]


def complaint_kinds(group: Group) -> list[tuple[str, object]]:
    return [(str(KIND_LABELS[kind]), group.complaints[kind]) for kind in Kind.ALL]


def complaint_bars(group: Group) -> list[Bar]:
    return [
        Bar(label, replies.on_time_rate, percent(replies.on_time_rate))
        for label, replies in complaint_kinds(group)
    ]


def rating_levels(group: Group) -> list[tuple[str, int, float | None]]:
    ratings = group.ratings
    return [
        (str(LEVEL_LABELS[level]), ratings.counts[level], ratings.share(level))
        for level in Level.ALL
    ]


def rating_bars(group: Group) -> list[Bar]:
    return [
        Bar(label, share, f"{percent(share)} ({count})")
        for label, count, share in rating_levels(group)
    ]
