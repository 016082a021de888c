"""The monthly report of the cards: a CSV with stable column names, and a PDF in Chinese
(the language of the center's documents) made with ``portal/documents/pdf.py``."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Spacer, Table, TableStyle

from portal.documents.pdf import (
    FONT_NAME,
    FRAME_WIDTH,
    LABEL_FILL,
    RULE,
    document_header,
    para,
    render_document,
    styles,
)
from portal.supervision.dashboard import ReportRow

CSV_COLUMNS = (
    "month",
    "window",
    "department",
    "cards_raised",
    "red_cards",
    "cards_cleared",
    "cleared_late",
)
PDF_COLUMNS = ("窗口", "部门", "亮牌", "红牌", "已消除", "超期后消除")


def csv_row(month: str, row: ReportRow) -> list:
    return [
        month,
        row.window,
        row.department,
        row.raised,
        row.red,
        row.cleared,
        row.cleared_late,
    ]


def render_pdf(center_name: str, year: int, month: int, rows: Sequence[ReportRow]) -> bytes:
    st = styles()
    title = f"电子监察月报 {year}年{month}月"
    story = [*document_header(center_name, title)]
    if not rows:
        story.append(para("本月没有亮牌、转红或消除的记录。", st.value))
    else:
        totals = ReportRow(
            "合计",
            "",
            sum(r.raised for r in rows),
            sum(r.red for r in rows),
            sum(r.cleared for r in rows),
            sum(r.cleared_late for r in rows),
        )
        data = [[para(h, st.label) for h in PDF_COLUMNS]]
        for row in [*rows, totals]:
            data.append(
                [
                    para(row.window, st.value),
                    para(row.department, st.value),
                    *(
                        para(str(n), st.value)
                        for n in (row.raised, row.red, row.cleared, row.cleared_late)
                    ),
                ]
            )
        number_width = FRAME_WIDTH * 0.11
        name_width = (FRAME_WIDTH - 4 * number_width) / 2
        table = Table(data, colWidths=[name_width, name_width, *(number_width,) * 4], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                    ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL),
                    ("BACKGROUND", (0, -1), (-1, -1), LABEL_FILL),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.6, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story.append(table)
    story.append(Spacer(1, 8))
    story.append(
        para(
            "亮牌：期限前一个工作日亮黄牌，期限已过亮红牌；红牌含黄牌转红。"
            "消除：该环节由结束它的办理行为完成；超期后消除即在期限之后完成。",
            st.value,
        )
    )
    return render_document(
        story,
        title=title,
        author=center_name,
        subject="电子监察",
        footer=center_name,
        lang="zh",
    )
