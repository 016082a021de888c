"""Filing an application: drafts, answers, materials, submission, supplements, lookup.

Plain functions; they flush, the request commits. Whoever calls them has
already checked that the application belongs to the person asking
(``find_own_application``).
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import BinaryIO

from sqlalchemy import bindparam, case, inspect, select, update
from sqlalchemy.orm import defer, joinedload, load_only, selectinload

from portal.accounts.identity import normalize_identifier
from portal.accounts.models import Applicant
from portal.catalog.models import Material, ServiceItem, Window
from portal.clock import beijing
from portal.clock.calendar import WorkingCalendar
from portal.extensions import db
from portal.filing import delivery, filetypes, numbering, received
from portal.filing.models import Application, ApplicationEvent, Attachment, Status
from portal.filing.uploads import safe_display_name, stream_size
from portal.messaging.case_messages import note_case_event
from portal.performance import counters
from portal.scanning import Scanner, ScannerUnavailable
from portal.storage import ObjectTooLarge, Storage, StorageError
from portal.supervision.events import step_changed

log = logging.getLogger("portal.filing")


def record_event(application: Application, kind: str, actor: str, **detail) -> None:
    """The one way a case's timeline grows; its applicant is told (portal.messaging)."""
    event = ApplicationEvent(kind=kind, actor=actor, created_at=beijing.now(), detail=detail)
    state = inspect(application)
    if state.persistent and "events" in state.unloaded:
        # The timeline is not read to add a line to it (the dispatcher adds "forwarded" to
        # a batch of cases): the event joins the session, and a later read of
        # ``application.events`` flushes and finds it.
        event.application = application
        db.session.add(event)
    else:
        application.events.append(event)
    note_case_event(application, event)
    step_changed(application, kind)  # its supervision cards follow at the commit


# Drafts ---------------------------------------------------------------------------------


def places(item: ServiceItem) -> list[Window]:
    """The windows where this item can be filed: every window offering it at a current center."""
    return [w for w in item.windows if w.center.is_current]


def _place(application: Application, window: Window) -> None:
    application.window = window
    application.center = window.center


def start_application(
    applicant: Applicant, item: ServiceItem, keep_days: int, *, actor: str = "applicant"
) -> Application:
    moment = beijing.now()
    application = Application(
        public_id=uuid.uuid4().hex,
        applicant=applicant,
        item=item,
        status=Status.DRAFT,
        answers={},
        created_at=moment,
        updated_at=moment,
        expires_at=moment + timedelta(days=keep_days),
    )
    offered = places(item)
    if len(offered) == 1:
        # The guide decides: there is nowhere else this filing could go.
        _place(application, offered[0])
    db.session.add(application)
    record_event(application, "started", actor)
    db.session.flush()
    return application


# What only the guide shows of an item: JSON texts no filing page reads, so not parsed for one.
GUIDE_TEXTS = (
    ServiceItem.summary,
    ServiceItem.implementing_body,
    ServiceItem.legal_basis,
    ServiceItem.conditions,
    ServiceItem.process,
    ServiceItem.mode_note,
    ServiceItem.keywords,
)


def find_own_application(applicant: Applicant, public_id: str) -> Application | None:
    """The application if it is this applicant's to open; otherwise None, as not found."""
    if len(public_id) != 32:
        return None
    application = db.session.scalar(
        _own_application(), {"public_id": public_id, "applicant_id": applicant.id}
    )
    if application is None or (
        application.status == Status.DRAFT and application.filed_by_id is not None
    ):
        # A draft a staff member is filling for the applicant (portal.filing.assisted) is
        # listed in "my applications" but changed only by that staff member until submitted.
        return None
    return unexpired(application)


@functools.cache
def _own_application():
    """The query of every filing page, built once (its options took a quarter of its time
    when built per request); the public id and the applicant are bound at each use."""
    return (
        select(Application)
        .where(
            Application.public_id == bindparam("public_id"),
            Application.applicant_id == bindparam("applicant_id"),
        )
        .options(
            # Every filing page reads the item's questions, materials and where it can be
            # filed: loaded here (the item in the same query, the windows with their
            # centers in one), each attachment's material and the case's window and center
            # then come from the session's identity map instead of one query each. The
            # attachments and the timeline load when a page reads them.
            joinedload(Application.item, innerjoin=True).options(
                *(defer(column) for column in GUIDE_TEXTS),
                selectinload(ServiceItem.materials),
                selectinload(ServiceItem.windows).joinedload(Window.center, innerjoin=True),
            ),
            # Whether a county took the case in (the case page says so): a LEFT JOIN here
            # rather than a query of its own.
            joinedload(Application.forwarding),
        )
    )


def unexpired(application: Application) -> Application | None:
    """None for a draft past its keeping time (clean-up deletes it): as not found."""
    expired_draft = (
        application.status == Status.DRAFT and beijing.aware(application.expires_at) < beijing.now()
    )
    return None if expired_draft else application


def my_applications(applicant: Applicant) -> list[Application]:
    # The list shows each case's item name: loaded for all cases at once, not one by one.
    # Only the columns a card shows: the answers and the clock are JSON to parse, per case.
    items = (
        load_only(
            Application.public_id,
            Application.applicant_id,
            Application.item_id,
            Application.status,
            Application.number,
            Application.updated_at,
            Application.expires_at,
            Application.submitted_at,
            Application.pre_review_by,
            Application.decide_by,
            Application.filed_by_id,
        ),
        selectinload(Application.item).load_only(ServiceItem.name, ServiceItem.promised_limit),
        # Who filed it for the applicant, if anyone (a card says so).
        selectinload(Application.filed_by),
    )
    # The cases still kept first (a draft until its keeping time), newest change first;
    # then the submitted ones past it. One query: every statement costs on this page.
    moment = beijing.now()
    kept = Application.expires_at > moment
    return list(
        db.session.scalars(
            select(Application)
            .where(
                Application.applicant_id == applicant.id,
                kept | (Application.status != Status.DRAFT),
            )
            .order_by(case((kept, 0), else_=1), Application.updated_at.desc())
            .options(*items)
        )
    )


def _touch(application: Application, keep_days: int | None = None) -> None:
    application.updated_at = beijing.now()
    if keep_days is not None and application.status == Status.DRAFT:
        application.expires_at = application.updated_at + timedelta(days=keep_days)


def record_answer(application: Application, question: dict, value: str, keep_days: int) -> None:
    code = question["code"]
    answers = {**application.answers, code: value}
    if not delivery.asks_for_address(question, answers):
        # A postal address is kept only while the answer still asks for delivery by post.
        for key in delivery.follow_up_keys(code, answers):
            del answers[key]
    application.answers = answers
    _touch(application, keep_days)


def record_postal_address(
    application: Application, question: dict, parts: dict[str, str], keep_days: int
) -> None:
    """The postal address for a delivery question answered "by post" (delivery.ADDRESS_PARTS)."""
    code = question["code"]
    application.answers = {
        **application.answers,
        **{delivery.address_key(code, part): parts[part] for part in delivery.ADDRESS_PARTS},
    }
    _touch(application, keep_days)


def choose_place(application: Application, window_id: int, keep_days: int) -> bool:
    """The applicant's choice of center and window; False if the item is not offered there."""
    window = next((w for w in places(application.item) if w.id == window_id), None)
    if window is None:
        return False
    _place(application, window)
    _touch(application, keep_days)
    db.session.flush()
    return True


# Materials ------------------------------------------------------------------------------


class Rejection(Enum):
    """Why an upload was refused; the view turns each into a sentence."""

    EMPTY = "empty"
    TOO_LARGE = "too-large"
    APPLICATION_FULL = "application-full"
    WRONG_TYPE = "wrong-type"
    # What the file-type check finds (filetypes.Refusal has the same values).
    DAMAGED = "damaged"
    NO_PAGES = "no-pages"
    ENCRYPTED = "encrypted"
    TOO_COMPLEX = "too-complex"
    ARCHIVE_TOO_LARGE = "archive-too-large"
    EXECUTABLE_INSIDE = "executable-inside"
    NESTED_ARCHIVE = "nested-archive"
    INFECTED = "infected"
    SCANNER_DOWN = "scanner-down"
    STORAGE_DOWN = "storage-down"
    NOT_IN_LIST = "not-in-list"


class UploadRejected(Exception):
    def __init__(self, reason: Rejection):
        self.reason = reason
        super().__init__(reason.value)


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    max_application_bytes: int
    hold_when_scanner_down: bool


def material_of(application: Application, code: str) -> Material | None:
    """Only materials from the item's published list exist for an application (Art. 31)."""
    return next((m for m in application.item.materials if m.code == code), None)


def attached_bytes(application: Application) -> int:
    return sum(a.size for a in application.attachments if a.replaced_at is None)


def object_key(application: Application, material: Material) -> str:
    """Where the bytes go. The upload time is in the key so cleanup can leave fresh ones alone."""
    stamp = int(beijing.now().timestamp())
    return (
        f"applications/{application.public_id}/{material.code.lower()}-{stamp}-{uuid.uuid4().hex}"
    )


def attach_material(
    application: Application,
    material: Material,
    stream: BinaryIO,
    filename: str | None,
    *,
    storage: Storage,
    scanner: Scanner,
    limits: UploadLimits,
) -> Attachment:
    """Check, scan and store one file in its slot; on refusal nothing is kept."""
    if material.item_id != application.item_id:
        raise UploadRejected(Rejection.NOT_IN_LIST)
    size = stream_size(stream)
    if size == 0:
        raise UploadRejected(Rejection.EMPTY)
    if size > limits.max_file_bytes:
        raise UploadRejected(Rejection.TOO_LARGE)
    replacing = application.current_attachment(material)
    already = attached_bytes(application) - (replacing.size if replacing else 0)
    if already + size > limits.max_application_bytes:
        raise UploadRejected(Rejection.APPLICATION_FULL)
    # A virus is reported as a virus whatever it pretends to be, so scan before judging the type.
    scan_status = _scan(stream, size, scanner, limits)
    try:
        content_type = filetypes.judge(stream)
    except filetypes.NotAccepted as refused:
        raise UploadRejected(Rejection(refused.refusal.value)) from refused
    key = object_key(application, material)
    try:
        stored = storage.save(
            key, stream, max_bytes=limits.max_file_bytes, content_type=content_type
        )
    except ObjectTooLarge as error:
        raise UploadRejected(Rejection.TOO_LARGE) from error
    except StorageError as error:
        log.error("storage refused an upload: %s", error)
        raise UploadRejected(Rejection.STORAGE_DOWN) from error
    if replacing is not None:
        # The old object stays until cleanup finds it unreferenced: deleting it now
        # would lose it if this transaction then failed.
        replacing.replaced_at = beijing.now()
    attachment = Attachment(
        public_id=uuid.uuid4().hex,
        material_id=material.id,
        storage_key=stored.key,
        display_name=safe_display_name(filename, content_type),
        content_type=content_type,
        size=stored.size,
        sha256=stored.sha256,
        scan_status=scan_status,
        uploaded_at=beijing.now(),
    )
    application.attachments.append(attachment)
    _touch(application)
    db.session.flush()
    return attachment


@dataclass(frozen=True)
class StoredObject:
    """Bytes already checked, scanned and stored by another part (a proxy project's document):
    attaching it uploads nothing again; the attachment shares its storage key."""

    storage_key: str
    display_name: str
    content_type: str
    size: int
    sha256: str
    scan_status: str


def attach_stored(
    application: Application, material: Material, stored: StoredObject, limits: UploadLimits
) -> Attachment:
    """Put an already stored object in a material slot, with the size limits of an upload.

    The object is not under ``applications/``, so the clean-up never deletes it, whatever
    happens to this attachment (replaced, or its draft expiring)."""
    if material.item_id != application.item_id:
        raise UploadRejected(Rejection.NOT_IN_LIST)
    if stored.size > limits.max_file_bytes:
        raise UploadRejected(Rejection.TOO_LARGE)
    replacing = application.current_attachment(material)
    already = attached_bytes(application) - (replacing.size if replacing else 0)
    if already + stored.size > limits.max_application_bytes:
        raise UploadRejected(Rejection.APPLICATION_FULL)
    if replacing is not None:
        replacing.replaced_at = beijing.now()
    attachment = Attachment(
        public_id=uuid.uuid4().hex,
        material_id=material.id,
        storage_key=stored.storage_key,
        display_name=stored.display_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        scan_status=stored.scan_status,
        uploaded_at=beijing.now(),
    )
    application.attachments.append(attachment)
    _touch(application)
    db.session.flush()
    return attachment


def _scan(stream: BinaryIO, size: int, scanner: Scanner, limits: UploadLimits) -> str:
    if not scanner.enabled:
        return "not-scanned"
    try:
        result = scanner.scan(stream, size=size)
    except ScannerUnavailable as error:
        log.error("virus scanner unavailable: %s", error)
        if limits.hold_when_scanner_down:
            return "unscanned"
        raise UploadRejected(Rejection.SCANNER_DOWN) from error
    finally:
        stream.seek(0)
    if result.is_infected:
        # The event is logged without the person or the file name: only what was found.
        log.warning("an upload was refused: infected with %s", result.signature)
        raise UploadRejected(Rejection.INFECTED)
    return "clean"


def remove_attachment(application: Application, material: Material) -> None:
    current = application.current_attachment(material)
    if current is not None:
        current.replaced_at = beijing.now()
        _touch(application)


# Check and submit -----------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    questions: list[dict]
    materials: list[Material]
    place: bool = False  # the applicant has not yet said where the filing goes
    addresses: list[dict] = field(default_factory=list)  # "by post" chosen, no full address yet

    def __bool__(self) -> bool:
        return bool(self.questions or self.materials or self.place or self.addresses)


def missing_parts(application: Application) -> Missing:
    questions = [
        q
        for q in application.item.questions
        if q.get("required", True) and not application.answers.get(q["code"])
    ]
    materials = [
        m
        for m in application.item.materials
        if m.required and application.current_attachment(m) is None
    ]
    addresses = [
        q
        for q in application.item.questions
        if delivery.asks_for_address(q, application.answers)
        and delivery.postal_address(application.answers, q["code"]) is None
    ]
    # With one window the guide decides at submission; otherwise the applicant must choose.
    undecided = application.window_id is None and len(places(application.item)) != 1
    return Missing(questions, materials, place=undecided, addresses=addresses)


def submission_token(secret_key: str, application: Application) -> str:
    """Ties a check-your-answers page to its application, so a stale form cannot submit another."""
    return hmac.new(
        secret_key.encode(), f"submit:{application.public_id}".encode(), "sha256"
    ).hexdigest()


def submit(application: Application, calendar: WorkingCalendar, actor: str = "applicant") -> bool:
    """Submit once, whatever happens: True for the request that submitted it, False for repeats.

    The status changes with a conditional UPDATE, so of two simultaneous
    submissions (a double click, a retry) exactly one wins; the other sees the
    application already submitted and shows the same receipt.
    """
    moment = beijing.now()
    if application.window_id is None:
        offered = places(application.item)
        if len(offered) != 1:
            raise ValueError("the applicant has to choose where this filing goes")
        _place(application, offered[0])
        db.session.flush()
    won = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == Status.DRAFT,
            Application.window_id.is_not(None),
        )
        .values(status=Status.SUBMITTED, submitted_at=moment, updated_at=moment)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        db.session.refresh(application)
        return False
    db.session.refresh(application)
    counters.count_received(application)
    application.number = numbering.next_number(beijing.day_of(moment))
    application.query_code = numbering.new_query_code()
    # The decision deadline starts only with acceptance (Art. 42): none is set here.
    application.pre_review_by = received.pre_review_by(application, calendar)
    # A submitted case is kept: it is no longer a draft that expires.
    application.expires_at = moment + timedelta(days=365 * 30)
    record_event(application, "submitted", actor)
    db.session.flush()
    return True


# Supplements (the window asks, the applicant answers) -----------------------------------


def request_supplements(application: Application, reasons: dict[str, str], actor: str) -> None:
    """Record the one-time list of everything missing (Art. 32). Used by the window."""
    unknown = [code for code in reasons if material_of(application, code) is None]
    if unknown or not reasons:
        raise ValueError(f"not materials of this item: {unknown}")
    application.status = Status.SUPPLEMENTS_REQUESTED
    application.supplement_request = {"reasons": reasons, "requested_at": beijing.now().isoformat()}
    record_event(application, "supplements-requested", actor, materials=sorted(reasons))
    _touch(application)


def requested_materials(application: Application) -> list[Material]:
    if not application.supplement_request:
        return []
    codes = application.supplement_request["reasons"]
    return [m for m in application.item.materials if m.code in codes]


def may_change_material(application: Application, material: Material) -> bool:
    if application.status in Status.OPEN_FOR_EDITING:
        return True
    return application.status in Status.OPEN_FOR_SUPPLEMENTS and material in requested_materials(
        application
    )


def supplements_outstanding(application: Application) -> list[Material]:
    requested_at = datetime.fromisoformat(application.supplement_request["requested_at"])
    return [
        m
        for m in requested_materials(application)
        if (current := application.current_attachment(m)) is None
        or beijing.aware(current.uploaded_at) < requested_at
    ]


def resubmit(application: Application, calendar: WorkingCalendar) -> bool:
    won = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == Status.SUPPLEMENTS_REQUESTED)
        .values(status=Status.RESUBMITTED, updated_at=beijing.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(application)
    if won:
        record_event(application, "resubmitted", "applicant")
        # The window reviews the completed filing afresh, within the same 5 working days.
        application.pre_review_by = received.pre_review_by(application, calendar)
    return bool(won)


# Lookup without signing in --------------------------------------------------------------


def look_up(number: str, secret: str) -> Application | None:
    """A case by number plus its query code or the applicant's ID number; None if either is wrong."""
    # Full-width letters and digits (ＨＹ２０２６…) are what a Chinese keyboard may type: fold them.
    number = numbering.normalize_number(unicodedata.normalize("NFKC", number))
    if not numbering.is_well_formed(number) or not number.isascii():
        return None
    application = db.session.scalar(select(Application).where(Application.number == number))
    if application is None:
        secrets.compare_digest(b"x", b"y")
        return None
    # Compared as bytes: compare_digest refuses str that is not ASCII (an emoji, RTL text).
    given = normalize_identifier(unicodedata.normalize("NFKC", secret)).encode()
    matches_code = secrets.compare_digest(given, (application.query_code or "").encode())
    matches_id = secrets.compare_digest(given, application.applicant.identifier.encode())
    return application if matches_code or matches_id else None
