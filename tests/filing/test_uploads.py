"""Uploading materials against the real parts: SeaweedFS (S3), ClamAV, and bad files of every kind."""

from __future__ import annotations

import gzip
import io
import re
import struct
import zipfile
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject
from sqlalchemy import select

from portal.extensions import db
from portal.filing import filetypes
from portal.filing.models import Application, Attachment
from portal.filing.operations import Rejection
from portal.filing.presenters import rejection_message
from tests.conftest import GUIDES, fresh_database, load_guides, make_app
from tests.factories import make_applicant, pdf_bytes, sign_in_as, upload
from tests.fixtures.seaweedfs import closed_port

COMPANY = "430400-SC-XK-0001"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SMALL_LIMIT = 50_000
GUIDE_PDFS = list((GUIDES / "files").glob("*.pdf"))


@pytest.fixture(scope="module")
def s3_app(seaweedfs, clamd_server, tmp_path_factory) -> Iterator:
    """The portal on PostgreSQL, storing in SeaweedFS and scanning with clamd."""
    with fresh_database("postgresql", tmp_path_factory.mktemp("s3app")) as url:
        app = make_app(
            url,
            **seaweedfs.config(),
            **clamd_server.config(),
            UPLOAD_MAX_FILE_BYTES=SMALL_LIMIT,
            MAX_CONTENT_LENGTH=SMALL_LIMIT + 100_000,
        )
        app.extensions["storage"].ensure_bucket()
        load_guides(app)
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def applicant_client(s3_app):
    applicant_id, _ = make_applicant(s3_app)
    client = s3_app.test_client()
    sign_in_as(client, applicant_id)
    return client


def _start(client) -> str:
    location = client.post(f"/items/{COMPANY}/apply").headers["Location"]
    return re.search(r"/applications/([0-9a-f]{32})/", location).group(1)


def _post_file(client, public_id: str, data: bytes, name: str = "材料.pdf", material: str = "M01"):
    return client.post(
        f"/applications/{public_id}/materials/{material}",
        data=upload(data, name),
        content_type="multipart/form-data",
    )


def _stored_keys(app, public_id: str) -> list[str]:
    return list(app.extensions["storage"].keys(f"applications/{public_id}/"))


def _attachments(app, public_id: str) -> list[Attachment]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Attachment).join(Application).where(Application.public_id == public_id)
            )
        )


def test_a_pdf_goes_to_s3_and_downloads_through_a_short_lived_link(s3_app, applicant_client):
    public_id = _start(applicant_client)
    data = pdf_bytes(30_000)
    assert _post_file(applicant_client, public_id, data).status_code == 302
    [attachment] = _attachments(s3_app, public_id)
    assert attachment.scan_status == "clean" and attachment.size == len(data)
    assert _stored_keys(s3_app, public_id) == [attachment.storage_key]
    page = applicant_client.get(f"/applications/{public_id}/materials/M01").get_data(as_text=True)
    assert "材料.pdf" in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (EICAR, "eicar.pdf", "带有病毒"),
        (b"MZ\x90\x00" + b"\x00" * 500, "setup.pdf", "只能上传 PDF、JPG、PNG 或 OFD"),
        (b"", "empty.pdf", "是空的"),
        (pdf_bytes(SMALL_LIMIT + 1), "big.pdf", "文件太大"),
    ],
    ids=["eicar", "exe-renamed-pdf", "zero-bytes", "one-byte-over"],
)
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_kept(
    s3_app, applicant_client, data, name, message
):
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'class="error-summary"' in page and 'id="file-error"' in page
    assert _attachments(s3_app, public_id) == []
    assert _stored_keys(s3_app, public_id) == []


def test_eicar_inside_a_zip_is_caught_too(s3_app, applicant_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd/>")
        archive.writestr("Doc_0/eicar.txt", EICAR)
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, buffer.getvalue(), "证照.ofd")
    assert response.status_code == 400 and "带有病毒" in response.get_data(as_text=True)


def ofd_bytes(extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal real OFD (GB/T 33190): the entry file, one document, one page, one font."""
    ns = "xmlns:ofd='http://www.ofdspec.org/2016'"
    files = {
        "OFD.xml": f"<ofd:OFD {ns} Version='1.0' DocType='OFD'><ofd:DocBody>"
        "<ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>".encode(),
        "Doc_0/Document.xml": f"<ofd:Document {ns}><ofd:CommonData><ofd:PageArea>"
        "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        "<ofd:Pages><ofd:Page ID='1' BaseLoc='Pages/Page_0/Content.xml'/></ofd:Pages>"
        "</ofd:Document>".encode(),
        "Doc_0/Pages/Page_0/Content.xml": f"<ofd:Page {ns}><ofd:Content/></ofd:Page>".encode(),
        "Doc_0/Res/font.ttf": b"\x00\x01\x00\x00" + b"\x00" * 200,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_clean_ofd_is_accepted(s3_app, applicant_client):
    public_id = _start(applicant_client)
    assert _post_file(applicant_client, public_id, ofd_bytes(), "执照.ofd").status_code == 302
    [attachment] = _attachments(s3_app, public_id)
    assert attachment.content_type == "application/ofd"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:/Users/王芳/身份证.pdf", "身份证.pdf"),
        ("bad\x00name\x1b[31m.pdf", "badname[31m.pdf"),
        ("长" * 300 + ".pdf", "长" * 96 + ".pdf"),
        ("photo.jpg", "photo.pdf"),
    ],
)
def test_the_file_name_is_only_shown_and_made_safe(s3_app, applicant_client, name, shown):
    public_id = _start(applicant_client)
    assert _post_file(applicant_client, public_id, pdf_bytes(), name).status_code == 302
    [attachment] = _attachments(s3_app, public_id)
    assert attachment.display_name == shown
    assert attachment.storage_key.startswith(f"applications/{public_id}/m01-")


def test_a_material_outside_the_items_list_cannot_be_attached(s3_app, applicant_client):
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, pdf_bytes(), material="M99")
    assert response.status_code == 404
    assert _stored_keys(s3_app, public_id) == []


def test_a_200_megabyte_upload_gets_a_page_not_a_reset(s3_app, applicant_client):
    public_id = _start(applicant_client)

    class Zeros(io.RawIOBase):
        """200 MB of zeros that never sit in memory; tracks how far the server read."""

        def __init__(self, size: int) -> None:
            self.size, self.position = size, 0

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return True

        def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
            base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
            self.position = base + offset
            return self.position

        def tell(self) -> int:
            return self.position

        def readinto(self, buffer) -> int:
            count = max(min(len(buffer), self.size - self.position), 0)
            buffer[:count] = b"\0" * count
            self.position += count
            return count

    size = 200 * 1024 * 1024
    body = Zeros(size)
    response = applicant_client.post(
        f"/applications/{public_id}/materials/M01",
        input_stream=body,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    assert body.position == size, "the whole body was read, so the browser sees the page"


def test_the_scanner_down_refuses_uploads_by_default(s3_app, applicant_client, monkeypatch):
    scanner = s3_app.extensions["scanner"]
    monkeypatch.setattr(scanner, "port", closed_port())
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, pdf_bytes())
    assert response.status_code == 400
    assert "安全检查暂时不可用" in response.get_data(as_text=True)
    assert _stored_keys(s3_app, public_id) == []


def test_the_scanner_down_can_hold_files_unscanned_and_flag_them(
    s3_app, applicant_client, monkeypatch
):
    monkeypatch.setattr(s3_app.extensions["scanner"], "port", closed_port())
    monkeypatch.setitem(s3_app.config, "SCANNER_DOWN_POLICY", "hold")
    public_id = _start(applicant_client)
    assert _post_file(applicant_client, public_id, pdf_bytes()).status_code == 302
    [attachment] = _attachments(s3_app, public_id)
    assert attachment.scan_status == "unscanned"


def test_storage_down_keeps_the_draft_and_saves_nothing(
    s3_app, applicant_client, monkeypatch, seaweedfs
):
    down = seaweedfs.storage(endpoint_url=f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setitem(s3_app.extensions, "storage", down)
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, pdf_bytes())
    assert response.status_code == 400
    assert "暂时无法保存" in response.get_data(as_text=True)
    assert _attachments(s3_app, public_id) == []
    assert applicant_client.get(f"/applications/{public_id}/materials/M01").status_code == 200


def test_a_session_that_expires_mid_form_keeps_the_draft(s3_app):
    applicant_id, _ = make_applicant(s3_app)
    client = s3_app.test_client()
    sign_in_as(client, applicant_id)
    public_id = _start(client)
    client.post(
        f"/applications/{public_id}/questions/company-name", data={"answer": "衡阳市某某有限公司"}
    )
    client.delete_cookie("session")
    expired = client.post(f"/applications/{public_id}/questions/address", data={"answer": "x"})
    assert "/account/sign-in" in expired.headers["Location"]
    sign_in_as(client, applicant_id)
    page = client.get(f"/applications/{public_id}/questions/company-name").get_data(as_text=True)
    assert "衡阳市某某有限公司" in page


def test_a_material_downloads_through_a_presigned_link_that_cannot_be_altered(
    s3_app, applicant_client
):
    import urllib.error
    import urllib.request

    public_id = _start(applicant_client)
    data = pdf_bytes(12_345)
    _post_file(applicant_client, public_id, data, "身份证明.pdf")
    [attachment] = _attachments(s3_app, public_id)
    link = applicant_client.get(f"/applications/{public_id}/files/{attachment.public_id}")
    assert link.status_code == 302
    url = link.headers["Location"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url) as response:
        assert response.read() == data
    tampered = re.sub(
        r"(X-Amz-Signature=)(.)", lambda m: m.group(1) + ("0" if m.group(2) != "0" else "1"), url
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered)
    assert refused.value.code == 403
    refused.value.close()


# The attack corpus: every file here only looks like an accepted type ----------------------


def _pdf_without_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _declared_size_bomb() -> bytes:
    """A small zip whose directory says one entry inflates to a gigabyte."""
    data = bytearray(ofd_bytes({"Doc_0/Res/big.xml": b"<x/>"}))
    header = data.rfind(b"PK\x01\x02")  # the last entry's central directory record
    struct.pack_into("<I", data, header + 24, 1_000_000_000)
    return bytes(data)


def _inflation_bomb() -> bytes:
    """An entry that says 1,000 bytes but inflates to 20 MB (its zeros deflate to ~20 KB)."""
    data = bytearray(ofd_bytes({"Doc_0/Res/big.xml": b"\0" * 20_000_000}))
    local = data.find(b"Doc_0/Res/big.xml") - 30  # local headers come first
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, 1000)
    header = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, header + 24, 1000)
    return bytes(data)


def _many_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
        for number in range(5000):
            archive.writestr(f"d/{number}", b"")
    return buffer.getvalue()


def _nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return ofd_bytes({"Doc_0/Res/data.bin": inner.getvalue()})


def zipfile_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DAMAGED = "已损坏或不完整"
ARCHIVE = "解压后过大或包含的文件过多"
ATTACKS = {
    "bare-pdf-header": (b"%PDF-1.4\n", DAMAGED),
    "pdf-header-and-eof": (b"%PDF-1.4\n%%EOF\n", DAMAGED),
    "pdf-without-pages": (_pdf_without_pages(), "没有任何页面"),
    "encrypted-pdf": (_encrypted_pdf(), "去掉密码"),
    "png-magic-only": (b"\x89PNG\r\n\x1a\n", DAMAGED),
    "jpeg-magic-only": (b"\xff\xd8\xff\xe0", DAMAGED),
    "ofd-bomb-by-declared-size": (_declared_size_bomb(), ARCHIVE),
    "ofd-bomb-by-inflation": (_inflation_bomb(), ARCHIVE),
    "ofd-with-exe": (ofd_bytes({"Doc_0/Res/setup.exe": b"MZ" + b"\0" * 300}), "夹带了程序"),
    "ofd-with-elf-named-png": (
        ofd_bytes({"Doc_0/Res/a.png": b"\x7fELF" + b"\0" * 60}),
        "夹带了程序",
    ),
    "ofd-with-script": (ofd_bytes({"Doc_0/Res/run.xml": b"#!/bin/sh\nrm -rf /\n"}), "夹带了程序"),
    "ofd-with-nested-zip": (_nested_zip(), "套着压缩包"),
    "ofd-with-gzip": (ofd_bytes({"Doc_0/Res/a.dat": gzip.compress(b"x" * 100)}), "套着压缩包"),
    "ofd-with-5000-entries": (_many_entries(), ARCHIVE),
    "zip-without-ofd-xml": (zipfile_bytes({"word/document.xml": b"<w/>"}), "只能上传"),
}


@pytest.fixture
def roomy(s3_app, monkeypatch):
    """Limits large enough that the type check, not the size check, meets each attack."""
    monkeypatch.setitem(s3_app.config, "UPLOAD_MAX_FILE_BYTES", 2_000_000)
    monkeypatch.setitem(s3_app.config, "MAX_CONTENT_LENGTH", 3_000_000)


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_file_that_only_looks_like_an_accepted_type_is_refused_with_what_to_do(
    s3_app, applicant_client, roomy, attack
):
    data, message = ATTACKS[attack]
    assert len(data) < 2_000_000
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, data, "材料.ofd")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'id="file-error"' in page
    assert _attachments(s3_app, public_id) == []
    assert _stored_keys(s3_app, public_id) == []


def test_the_refusal_is_in_english_for_an_english_reader(s3_app, applicant_client, roomy):
    applicant_client.get("/language/en")
    public_id = _start(applicant_client)
    response = _post_file(applicant_client, public_id, ATTACKS["encrypted-pdf"][0])
    assert response.status_code == 400
    assert "remove the password" in response.get_data(as_text=True)


def _real_image(kind: str) -> bytes:
    from PIL import Image  # reportlab's own dependency: only the test draws images

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        *[
            pytest.param(path.name, path.read_bytes(), "application/pdf", id=path.name)
            for path in sorted(GUIDE_PDFS)
        ],
        pytest.param("photo.png", _real_image("PNG"), "image/png", id="png"),
        pytest.param("photo.jpg", _real_image("JPEG"), "image/jpeg", id="jpeg"),
        pytest.param("licence.ofd", ofd_bytes(), "application/ofd", id="ofd"),
    ],
)
def test_real_files_of_every_accepted_type_are_accepted(
    s3_app, applicant_client, roomy, name, data, content_type
):
    public_id = _start(applicant_client)
    assert _post_file(applicant_client, public_id, data, name).status_code == 302
    [attachment] = _attachments(s3_app, public_id)
    assert attachment.content_type == content_type


# The checks themselves, without the app: bounded work, and nothing but a clear refusal ------


def _pdf_with_page_tree(depth: int, count: int = 1) -> bytes:
    """A PDF whose one page sits ``depth`` levels of /Pages nodes below the root's."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    parent = writer.root_object["/Pages"]
    parent[NameObject("/Count")] = NumberObject(count)
    for _ in range(depth):
        node = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Count"): NumberObject(count),
                NameObject("/Parent"): parent.indirect_reference,
            }
        )
        reference = writer._add_object(node)  # pypdf has no public way to nest page trees
        parent[NameObject("/Kids")] = ArrayObject([reference])
        parent = node
    parent[NameObject("/Kids")] = ArrayObject([page.indirect_reference])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _refusal(data: bytes):
    try:
        filetypes.judge(io.BytesIO(data))
    except filetypes.NotAccepted as refused:
        return refused.refusal
    return None


def test_a_page_tree_is_walked_only_so_deep_and_a_page_count_is_bounded():
    assert _refusal(_pdf_with_page_tree(3)) is None
    assert _refusal(_pdf_with_page_tree(filetypes.MAX_PAGE_TREE_DEPTH + 5)) is (
        filetypes.Refusal.TOO_COMPLEX
    )
    assert _refusal(_pdf_with_page_tree(1, count=filetypes.MAX_PDF_PAGES + 1)) is (
        filetypes.Refusal.TOO_COMPLEX
    )


def test_every_refusal_has_a_message_in_both_languages(s3_app):
    for refusal in filetypes.Refusal:
        reason = Rejection(refusal.value)
        for language in ("zh", "en"):
            with s3_app.test_request_context(headers={"Cookie": f"lang={language}"}):
                assert rejection_message(reason)


@given(
    head=st.sampled_from([b"%PDF-1.", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"]),
    body=st.binary(max_size=400),
)
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_garbage_after_a_magic_number_is_refused_never_a_crash(head, body):
    assert _refusal(head + body) is not None
