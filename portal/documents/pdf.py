"""A4 PDF documents with embedded Chinese text: the online-application receipt.

The window's notices (acceptance, supplement, decline) reuse the layout helpers
here: ``register_font``, ``styles``, ``para``, ``document_header``,
``section_heading``, ``key_value_table``, ``numbered_list``, ``QRCode`` and
``render_document``.

Every text arrives translated and formatted by the caller: this module lays out,
it never translates. Texts are escaped before reportlab's paragraph markup sees
them, so a filename like ``<a&b>.pdf`` prints as written.

The font is WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``), embedded as
TrueType subsets with a ToUnicode map, so any viewer shows the Chinese and text
extraction (search, copy, screen readers) works. Nothing here touches the
network.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT_NAME = "WQY"
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_PACKAGE = "fonts-wqy-microhei"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
PAGE_NUMBER_WIDTH = 20 * mm

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
ACCENT_HEX = "#1d4f91"
ACCENT = colors.HexColor(ACCENT_HEX)
RULE = colors.HexColor("#c9d2dc")
LABEL_FILL = colors.HexColor("#f1f4f8")
ZEBRA_FILL = colors.HexColor("#f7f9fb")

_font_lock = threading.Lock()
_font_registered = False
# reportlab keeps per-document state in shared font objects; one build at a time.
_render_lock = threading.Lock()


def register_font() -> str:
    """Register the embedded Chinese font once, on first use; return its name."""
    global _font_registered
    if _font_registered:
        return FONT_NAME
    with _font_lock:
        if _font_registered:
            return FONT_NAME
        path = Path(FONT_PATH)
        if not path.is_file():
            raise RuntimeError(
                f"The Chinese font for PDF documents is missing: {path}. "
                f"Install the Debian package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE})."
            )
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=0)
        except Exception as exc:  # a truncated or foreign file
            raise RuntimeError(
                f"Cannot read the Chinese font {path} ({exc}). "
                f"Reinstall the Debian package {FONT_PACKAGE}."
            ) from exc
        pdfmetrics.registerFont(font)
        # One weight only: <b> and <i> in markup fall back to the same face.
        pdfmetrics.registerFontFamily(
            FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
        )
        _font_registered = True
    return FONT_NAME


@dataclass(frozen=True)
class Styles:
    center: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    value_strong: ParagraphStyle
    detail: ParagraphStyle
    number: ParagraphStyle
    step: ParagraphStyle
    caption: ParagraphStyle
    url: ParagraphStyle
    footer: ParagraphStyle


@cache
def styles() -> Styles:
    """Paragraph styles in the embedded font. CJK wrapping everywhere: it breaks
    Chinese between any two characters (minding punctuation that cannot start a
    line), Latin text at spaces, and over-long tokens such as filenames anywhere."""
    font = register_font()

    def style(name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw
        )

    return Styles(
        center=style("center", 10.5, 14, textColor=ACCENT),
        title=style("title", 20, 26, spaceBefore=2, spaceAfter=4),
        heading=style("heading", 12, 16, textColor=ACCENT, spaceBefore=12, spaceAfter=5),
        body=style("body", 10, 14.5),
        label=style("label", 9, 12.5, textColor=MUTED),
        value=style("value", 10, 14),
        value_strong=style("value_strong", 13, 17),
        detail=style("detail", 8, 11, textColor=MUTED),
        number=style("number", 9, 13, textColor=MUTED),
        step=style(
            "step",
            10,
            14.5,
            leftIndent=6 * mm,
            bulletIndent=0,
            bulletFontName=font,
            bulletFontSize=10,
            bulletColor=ACCENT,
            spaceAfter=3,
        ),
        caption=style("caption", 8.5, 11.5, textColor=MUTED, alignment=TA_CENTER),
        url=style("url", 8.5, 11.5, textColor=MUTED, alignment=TA_RIGHT),
        footer=style("footer", 8, 11, textColor=MUTED),
    )


def para(text: str, style: ParagraphStyle, **kw: Any) -> Paragraph:
    """A paragraph of plain text: markup characters escaped, newlines kept."""
    markup = "<br/>".join(escape(line) for line in str(text).split("\n"))
    return Paragraph(markup, style, **kw)


def document_header(center_name: str, title: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    if center_name:
        out.append(para(center_name, st.center))
    out.append(para(title, st.title))
    out.append(HRFlowable(width="100%", thickness=1.2, color=ACCENT, spaceBefore=2, spaceAfter=8))
    return out


def section_heading(text: str | None, keep: float = 30 * mm) -> list[Flowable]:
    """A section heading that starts a new page when less than ``keep`` is left
    below it (a long table after it still starts on this page and splits); only
    the break and some space when the label is missing."""
    style = styles().heading
    if not text:
        return [CondPageBreak(keep), Spacer(1, style.spaceBefore)]
    return [CondPageBreak(keep + style.leading + style.spaceBefore), para(text, style)]


def key_value_table(
    rows: Sequence[tuple[str | None, str | None, bool]], width: float
) -> Table | None:
    """Label/value rows as (label, value, emphasised); rows without a value are left out."""
    st = styles()
    data = [
        [para(label or "", st.label), para(value, st.value_strong if strong else st.value)]
        for label, value, strong in rows
        if value
    ]
    if not data:
        return None
    label_width = 35 * mm
    table = Table(data, colWidths=[label_width, width - label_width])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def numbered_list(items: Sequence[str]) -> list[Flowable]:
    st = styles()
    return [para(item, st.step, bulletText=f"{n}.") for n, item in enumerate(items, 1) if item]


class QRCode(Flowable):
    """A QR code drawn as vector rectangles, with the standard 4-module quiet zone.

    The modules live in a form XObject named ``FormXob.QR<hash>`` in module units
    (one unit per module, row 0 at the top), scaled to ``size`` on the page.
    """

    QUIET_ZONE = 4

    def __init__(self, data: str, size: float, error: str = "m") -> None:
        super().__init__()
        self.data = data
        self.size = size
        code = segno.make(data, error=error, micro=False)
        self.matrix = [[bool(cell) for cell in row] for row in code.matrix]
        self.form_name = "QR" + hashlib.sha256(data.encode()).hexdigest()[:16]
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canv = self.canv
        n = len(self.matrix)
        total = n + 2 * self.QUIET_ZONE
        if not canv.hasForm(self.form_name):
            canv.beginForm(self.form_name, 0, 0, n, n)
            path = canv.beginPath()
            for r, row in enumerate(self.matrix):
                c = 0
                while c < n:
                    if row[c]:
                        start = c
                        while c < n and row[c]:
                            c += 1
                        path.rect(start, n - 1 - r, c - start, 1)
                    else:
                        c += 1
            canv.setFillColor(colors.black)
            canv.drawPath(path, stroke=0, fill=1)
            canv.endForm()
        unit = self.size / total
        canv.saveState()
        canv.translate(self.QUIET_ZONE * unit, self.QUIET_ZONE * unit)
        canv.scale(unit, unit)
        canv.doForm(self.form_name)
        canv.restoreState()


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so each can print "n / total"."""

    page_number_y: float = 10 * mm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, 1):
            self.__dict__.update(state)
            self.setFont(FONT_NAME, 8)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_WIDTH - MARGIN_X, self.page_number_y, f"{number} / {total}")
            super().showPage()
        super().save()


def render_document(
    story: Sequence[Flowable],
    *,
    title: str,
    author: str,
    subject: str,
    footer: str = "",
    footer_label: str | None = None,
    running_header: str = "",
    lang: str | None = None,
) -> bytes:
    """Build an A4 PDF from flowables: footer text and "n / total" on every page,
    ``running_header`` at the top of pages after the first."""
    st = styles()
    footer_markup = escape(footer).replace("\n", "<br/>")
    if footer_label:
        footer_markup = f'<font color="{ACCENT_HEX}">{escape(footer_label)}</font>  ' + (
            footer_markup
        )
    footer_para = Paragraph(footer_markup, st.footer) if footer_markup.strip() else None
    footer_height = (
        footer_para.wrap(FRAME_WIDTH - PAGE_NUMBER_WIDTH, PAGE_HEIGHT)[1] if footer_para else 0
    )
    footer_bottom = 10 * mm
    rule_y = footer_bottom + max(footer_height, 11) + 2.5 * mm
    bottom_margin = rule_y + 5 * mm

    def decorate(canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, rule_y, PAGE_WIDTH - MARGIN_X, rule_y)
        if footer_para:
            footer_para.drawOn(canv, MARGIN_X, rule_y - 2.5 * mm - footer_height)
        if running_header and doc.page > 1:
            canv.setFont(FONT_NAME, 8)
            canv.setFillColor(MUTED)
            top = PAGE_HEIGHT - MARGIN_TOP + 5 * mm
            canv.drawRightString(PAGE_WIDTH - MARGIN_X, top, running_header)
            canv.line(MARGIN_X, top - 2 * mm, PAGE_WIDTH - MARGIN_X, top - 2 * mm)
        canv.restoreState()

    # Baseline of the page number: level with the footer's first line.
    canvas_class: Callable[..., Canvas] = type(
        "ReceiptCanvas",
        (_NumberedCanvas,),
        {"page_number_y": rule_y - 2.5 * mm - st.footer.fontSize},
    )
    buffer = io.BytesIO()
    frame = Frame(
        MARGIN_X,
        bottom_margin,
        FRAME_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - bottom_margin,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate(id="page", frames=[frame], onPageEnd=decorate)],
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=bottom_margin,
        title=title,
        author=author,
        subject=subject,
        creator="OneWindow",
        initialFontName=FONT_NAME,  # no stray reference to an unembedded Helvetica
        initialFontSize=10,
        initialLeading=12,
        lang=lang,
        displayDocTitle=True,
    )
    with _render_lock:
        doc.build(list(story), canvasmaker=canvas_class)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReceiptMaterial:
    name: str
    filename: str
    size_text: str
    sha256_short: str


@dataclass(frozen=True)
class Receipt:
    """An online-application receipt, every text translated and formatted.

    ``labels`` keys: application_number, query_code, item, applicant,
    submitted_at, forwarded, decide_by, delivery (table labels); materials, next_steps (section
    headings); track (caption under the QR code); note (lead-in of the footer).
    A missing label leaves its heading or caption out; a row without a value
    (``decide_by=None``) is left out.
    """

    title: str
    center_name: str
    labels: Mapping[str, str]
    application_number: str
    query_code: str
    item_name: str
    applicant_name: str
    submitted_at: str
    decide_by: str | None
    materials: Sequence[ReceiptMaterial]
    next_steps: Sequence[str]
    tracking_url: str
    footer: str
    lang: str | None = None  # BCP 47 tag for the PDF's /Lang, e.g. "zh-CN"
    delivery: str | None = None  # how the result reaches the applicant (post address / window)
    forwarded: str | None = None  # the county center that took the materials in, and its day


QR_SIZE = 34 * mm
QR_COLUMN = 44 * mm


def _materials_table(materials: Sequence[ReceiptMaterial]) -> Table:
    st = styles()
    rows = []
    for n, material in enumerate(materials, 1):
        details = " · ".join(
            part
            for part in (
                material.filename,
                f"SHA-256 {material.sha256_short}" if material.sha256_short else "",
            )
            if part
        )
        cell: list[Flowable] = [para(material.name, st.value)]
        if details:
            cell.append(para(details, st.detail))
        rows.append([para(f"{n}", st.number), cell, para(material.size_text, st.detail)])
    size_width = 22 * mm
    number_width = 9 * mm
    table = Table(
        rows,
        colWidths=[number_width, FRAME_WIDTH - number_width - size_width, size_width],
        splitByRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.white, ZEBRA_FILL]),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _summary(receipt: Receipt) -> Table:
    """The key facts on the left, the QR code on the right, the URL beneath."""
    st = styles()
    labels = receipt.labels
    facts = key_value_table(
        [
            (labels.get("application_number"), receipt.application_number, True),
            (labels.get("query_code"), receipt.query_code, True),
            (labels.get("item"), receipt.item_name, False),
            (labels.get("applicant"), receipt.applicant_name, False),
            (labels.get("submitted_at"), receipt.submitted_at, False),
            (labels.get("forwarded"), receipt.forwarded, False),
            (labels.get("decide_by"), receipt.decide_by, False),
            (labels.get("delivery"), receipt.delivery, False),
        ],
        FRAME_WIDTH - QR_COLUMN - 4 * mm,
    )
    qr_cell: list[Flowable] = [QRCode(receipt.tracking_url, QR_SIZE)]
    if labels.get("track"):
        qr_cell.append(para(labels["track"], st.caption))
    table = Table(
        [
            [facts or "", qr_cell],
            [para(receipt.tracking_url, st.url), ""],
        ],
        colWidths=[FRAME_WIDTH - QR_COLUMN, QR_COLUMN],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("SPAN", (0, 1), (1, 1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
            ]
        )
    )
    return table


def render_receipt(receipt: Receipt) -> bytes:
    """The receipt as an A4 PDF (bytes)."""
    labels = receipt.labels
    story: list[Flowable] = [*document_header(receipt.center_name, receipt.title)]
    story.append(_summary(receipt))
    if receipt.materials:
        story += section_heading(labels.get("materials"))
        story.append(_materials_table(receipt.materials))
    steps = numbered_list(receipt.next_steps)
    if steps:
        story += section_heading(labels.get("next_steps"))
        story += steps
    subject = " · ".join(p for p in (receipt.application_number, receipt.item_name) if p)
    running = " · ".join(p for p in (receipt.title, receipt.application_number) if p)
    return render_document(
        story,
        title=f"{receipt.title} {receipt.application_number}".strip(),
        author=receipt.center_name,
        subject=subject,
        footer=receipt.footer,
        footer_label=labels.get("note"),
        running_header=running,
        lang=receipt.lang,
    )
