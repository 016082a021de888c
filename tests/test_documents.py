"""The PDF receipt: a real PDF, font embedded, text extractable, QR code drawn, pages flow."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
import segno
from pypdf import PdfReader

from portal.documents import pdf
from portal.documents.pdf import Receipt, ReceiptMaterial, render_receipt

TRACKING_URL = "https://onewindow.hengyang.gov.cn/track/HY20250612-000123?code=7K3P9QX2"

ZH_LABELS = {
    "application_number": "申请编号",
    "query_code": "查询码",
    "item": "办理事项",
    "applicant": "申请人",
    "submitted_at": "提交时间",
    "decide_by": "承诺办结时间",
    "materials": "已提交材料",
    "next_steps": "后续步骤",
    "track": "扫码查询办理进度",
    "note": "温馨提示",
}
EN_LABELS = {
    "application_number": "Application number",
    "query_code": "Query code",
    "item": "Service",
    "applicant": "Applicant",
    "submitted_at": "Submitted",
    "decide_by": "Decision due by",
    "materials": "Materials submitted",
    "next_steps": "What happens next",
    "track": "Scan to track your application",
    "note": "Note",
}
LONG_NAME = (
    "全体股东签署的公司章程以及股东会关于选举董事、监事和聘任经理的决议文件"
    "（需加盖公章，复印件须注明“与原件一致”）"
)


def zh_receipt(**changes: object) -> Receipt:
    receipt = Receipt(
        title="网上申请回执",
        center_name="衡阳市政务服务中心",
        labels=ZH_LABELS,
        application_number="HY20250612-000123",
        query_code="7K3P-9QX2",
        item_name="有限责任公司设立登记",
        applicant_name="张*明",
        submitted_at="2025年6月12日 14:05",
        decide_by="2025年6月19日",
        materials=[
            ReceiptMaterial("营业执照申请书", "营业执照申请书.pdf", "1.2 MB", "3f2a9c81d0e4"),
            ReceiptMaterial(LONG_NAME, "章程.pdf", "845 KB", "a01b2c3d4e5f"),
            ReceiptMaterial("法定代表人身份证明", "身份证正反面.jpg", "312 KB", "9e8d7c6b5a49"),
        ],
        next_steps=[
            "窗口工作人员将在1个工作日内完成预审。",
            "预审通过后，您将收到短信通知。",
        ],
        tracking_url=TRACKING_URL,
        footer="咨询电话：0734-12345　本回执仅证明申请已提交，不作为行政许可证件。",
        lang="zh-CN",
    )
    return replace(receipt, **changes)


def en_receipt(**changes: object) -> Receipt:
    receipt = zh_receipt(
        title="Online application receipt",
        center_name="Hengyang Government Service Center",
        labels=EN_LABELS,
        submitted_at="12 June 2025, 14:05",
        decide_by="19 June 2025",
        materials=[
            ReceiptMaterial(
                "Application form, signed by the legal representative",
                "application-form.pdf",
                "1.2 MB",
                "3f2a9c81d0e4",
            ),
            ReceiptMaterial("Articles of association", "articles.pdf", "845 KB", "a01b2c3d4e5f"),
        ],
        next_steps=["Staff will pre-check your application within one working day."],
        footer="Questions: 0734-12345. This receipt is not a licence.",
        lang="en",
    )
    return replace(receipt, **changes)


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_of(reader: PdfReader) -> list:
    return [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]


def qr_forms(reader: PdfReader) -> list:
    page = reader.pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    return [
        xobject.get_object()
        for name, xobject in xobjects.items()
        if name.startswith("/FormXob.QR") and xobject.get_object()["/Subtype"] == "/Form"
    ]


@pytest.fixture(scope="module")
def zh_pdf() -> bytes:
    return render_receipt(zh_receipt())


def test_chinese_receipt_is_an_a4_pdf_with_metadata(zh_pdf: bytes) -> None:
    assert zh_pdf.startswith(b"%PDF-")
    assert zh_pdf.rstrip().endswith(b"%%EOF")
    reader = read(zh_pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    meta = reader.metadata
    assert meta.title == "网上申请回执 HY20250612-000123"
    assert meta.author == "衡阳市政务服务中心"
    assert "有限责任公司设立登记" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_every_font_is_the_embedded_chinese_font(zh_pdf: bytes) -> None:
    fonts = fonts_of(read(zh_pdf))
    assert fonts
    for font in fonts:
        # No unembedded standard font (Helvetica) sneaks in, even unused.
        assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
        assert "WenQuanYi" in font["/BaseFont"]
        descriptor = font["/FontDescriptor"].get_object()
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000
        assert "/ToUnicode" in font


def test_chinese_text_extracts(zh_pdf: bytes) -> None:
    text = text_of(read(zh_pdf))
    flat = re.sub(r"\s+", "", text)
    for expected in [
        "衡阳市政务服务中心",
        "网上申请回执",
        "HY20250612-000123",
        "7K3P-9QX2",
        "有限责任公司设立登记",
        "张*明",
        "2025年6月12日 14:05",
        "2025年6月19日",
        "营业执照申请书",
        "营业执照申请书.pdf",
        "法定代表人身份证明",
        "身份证正反面.jpg",
        "3f2a9c81d0e4",
        "1.2 MB",
        "已提交材料",
        "后续步骤",
        "1. 窗口工作人员将在1个工作日内完成预审。",
        "2. 预审通过后，您将收到短信通知。",
        "扫码查询办理进度",
        "温馨提示",
        TRACKING_URL,
    ]:
        assert expected in text, expected
    # The long name wraps inside its cell: all of it is there, across lines.
    assert LONG_NAME in flat
    assert "0734-12345" in text
    # The body reads before the page footer.
    assert text.index("网上申请回执") < text.index("温馨提示")


def test_qr_code_is_drawn_and_encodes_the_tracking_url(zh_pdf: bytes) -> None:
    reader = read(zh_pdf)
    (form,) = qr_forms(reader)
    stream = form.get_data().decode("latin-1")
    matrix = segno.make(TRACKING_URL, error="m", micro=False).matrix
    n = len(matrix)
    assert [float(v) for v in form["/BBox"]] == [0, 0, n, n]
    dark = set()
    for x, y, width in re.findall(r"(\d+) (\d+) (\d+) 1 re", stream):
        row = n - 1 - int(y)
        dark.update((row, col) for col in range(int(x), int(x) + int(width)))
    expected = {(r, c) for r, line in enumerate(matrix) for c, cell in enumerate(line) if cell}
    assert dark == expected
    # Drawn on the page, and the URL printed as text.
    page_stream = reader.pages[0].get_contents().get_data()
    assert b"/FormXob.QR" in page_stream and b" Do" in page_stream
    assert TRACKING_URL in reader.pages[0].extract_text()


def test_english_receipt() -> None:
    reader = read(render_receipt(en_receipt()))
    text = text_of(reader)
    for expected in [
        "Online application receipt",
        "Hengyang Government Service Center",
        "HY20250612-000123",
        "7K3P-9QX2",
        "有限责任公司设立登记",
        "Application form, signed by the legal representative",
        "Articles of association",
        "What happens next",
        "1. Staff will pre-check your application within one working day.",
        "Scan to track your application",
        "This receipt is not a licence.",
        TRACKING_URL,
    ]:
        assert expected in text, expected
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert any("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts_of(reader))
    assert qr_forms(reader)


def test_forty_materials_flow_over_pages_in_order() -> None:
    materials = [
        ReceiptMaterial(
            f"证明材料第{i:02d}号（{LONG_NAME[:12]}）", f"附件{i:02d}.pdf", "100 KB", "0" * 12
        )
        for i in range(1, 41)
    ]
    reader = read(render_receipt(zh_receipt(materials=materials)))
    assert len(reader.pages) >= 2
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]
    where = []
    for material in materials:
        hits = [n for n, page in enumerate(pages) if material.name in page]
        assert len(hits) == 1, material.name  # printed once, never clipped or repeated
        assert pages[hits[0]].count(material.name) == 1
        where.append(hits[0])
    assert where == sorted(where)
    assert where[0] == 0  # the table starts on the first page, under the summary
    steps_page = next(n for n, page in enumerate(pages) if "后续步骤" in page)
    assert steps_page >= where[-1]
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        assert f"{number} / {total}" in page.extract_text()
        if number > 1:  # later pages say whose receipt they belong to
            assert "HY20250612-000123" in page.extract_text()


def test_unbreakable_filename_and_markup_characters_are_printed_as_written() -> None:
    filename = "scan_" + "x" * 180 + "_end.pdf"
    name = "申请书 <b>A&B</b> & 附件"
    reader = read(
        render_receipt(
            zh_receipt(materials=[ReceiptMaterial(name, filename, "2 MB", "abcdef012345")])
        )
    )
    flat = re.sub(r"\s+", "", text_of(reader))
    assert filename in flat
    assert re.sub(r"\s+", "", name) in flat


def test_missing_labels_and_deadline_are_left_out() -> None:
    labels = {k: v for k, v in ZH_LABELS.items() if k not in {"materials", "track", "note"}}
    text = text_of(read(render_receipt(zh_receipt(labels=labels, decide_by=None, next_steps=[]))))
    for absent in [
        "承诺办结时间",
        "2025年6月19日",
        "已提交材料",
        "扫码查询办理进度",
        "温馨提示",
        "后续步骤",
    ]:
        assert absent not in text, absent
    assert "营业执照申请书" in text
    assert TRACKING_URL in text


def test_missing_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(pdf, "_font_registered", False)
    monkeypatch.setattr(pdf, "FONT_PATH", tmp_path / "missing.ttc")
    with pytest.raises(RuntimeError, match="fonts-wqy-microhei"):
        pdf.register_font()


def test_rendering_is_repeatable(zh_pdf: bytes) -> None:
    again = render_receipt(zh_receipt())
    assert text_of(read(again)) == text_of(read(zh_pdf))
