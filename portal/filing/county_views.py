"""The county officer's pages for filing a city-level item for an applicant
(``/staff/county-filing``): one question a page — the applicant, the item, the city-level
window, the county's receipt day, the letter of authorisation — then the assisted journey
(``/staff/assisted``), whose submission forwards the case to the city
(``county_filing.forward_at_submission``, registered below in ``assisted_views.SUBMITTED``).

Only active officers and heads of a county center (``forwarding.may_forward``); others 403.
The answers before the draft exists live in the staff member's session cookie (signed, ids
and a day only); the draft, its letter and its day are written together at the last page.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forms.county_filing import (
    ApplicantForm,
    ConfirmForm,
    LetterForm,
    ReceivedForm,
    item_form,
    window_form,
)
from portal.access import staff_required
from portal.accounts.identity import mask_citizen_id, mask_name
from portal.accounts.models import Applicant
from portal.clock import beijing
from portal.extensions import db
from portal.filing import assisted, assisted_views, county_filing, forwarding, presenters
from portal.filing.assisted import AuthorityDocument
from portal.filing.forwarding import NotForwardable, Refusal
from portal.filing.models import Status
from portal.filing.operations import UploadRejected
from portal.i18n import localized
from portal.proxy import uploads
from portal.transactions import mark_failed

county = Blueprint("county_filing", __name__, url_prefix="/staff/county-filing")
STATE = "county_filing"
STEPS = ("applicant", "confirm", "item", "window", "received", "letter")


def _guard() -> None:
    if not forwarding.may_forward(current_user):
        abort(403)


def _state() -> dict:
    return dict(session.get(STATE) or {})


def _save(**values) -> None:
    session[STATE] = _state() | values


def _applicant() -> Applicant | None:
    applicant_id = _state().get("applicant")
    return db.session.get(Applicant, applicant_id) if applicant_id else None


def _item():
    code = _state().get("item")
    return county_filing.city_level_item(code) if code else None


def _window(item):
    window_id = _state().get("window")
    return next((w for w in forwarding.city_level_windows(item) if w.id == window_id), None)


def _received() -> date | None:
    """The county's day answered, while it is still allowed (a day answered yesterday may
    have become too early: the page asks again)."""
    day = _state().get("received")
    if not day:
        return None
    received_on = date.fromisoformat(day)
    calendar = current_app.extensions["calendar"]
    if county_filing.day_problem(received_on, calendar, beijing.today()):
        return None
    return received_on


def _first_missing() -> str | None:
    """The first start page not yet answered (a later page sends the officer back to it)."""
    state = _state()
    applicant = _applicant()
    if applicant is None:
        return "applicant"
    if not state.get("confirmed"):
        return "confirm"
    item = _item()
    if item is None:
        return "item"
    if _window(item) is None:
        return "window"
    if _received() is None:
        return "received"
    return None


def _needs(step: str):
    missing = _first_missing()
    if missing is not None and STEPS.index(missing) < STEPS.index(step):
        abort(redirect(url_for(f"county_filing.{missing}")))


def _page(template: str, step: str, form, **context):
    return render_template(
        f"filing/county/{template}.html",
        form=form,
        step=step,
        steps=STEPS,
        **context,
    ), (400 if form.errors else 200)


def day_message(problem: str, today: date) -> str:
    if problem == county_filing.DayProblem.FUTURE:
        return _("收到材料的日期不能晚于今天（%(today)s）。", today=today.isoformat())
    if problem == county_filing.DayProblem.TOO_EARLY:
        return _(
            "收到材料的日期不能早于 %(earliest)s（今天之前第 %(days)s 个工作日）："
            "材料在县级中心放了更久，市级窗口的预审时限已经用完。请重新收取材料后再转报。",
            earliest=county_filing.earliest_day(current_app.extensions["calendar"], today),
            days=county_filing.EARLIEST_WORKING_DAYS,
        )
    return _("工作日日历缺少这一年的节假日安排，暂时无法核对日期，请联系管理员。")


def _day_error(form: ReceivedForm) -> bool:
    """Checks the day on the server's clock; puts the sentence next to the field."""
    today = beijing.today()
    problem = county_filing.day_problem(
        form.received_on.data, current_app.extensions["calendar"], today
    )
    if problem:
        form.received_on.errors = [day_message(problem, today)]
    return bool(problem)


@county.route("", methods=["GET", "POST"])
@staff_required()
def applicant():
    _guard()
    form = ApplicantForm()
    if form.validate_on_submit():
        found = county_filing.find_applicant(current_user, form.identifier.data)
        if found is None:
            form.identifier.errors = [
                _(
                    "本网站没有这个证件号码的账户。请申请人先在本网站注册账户（需要帮助可拨打咨询电话"
                    " %(phone)s），注册后再来办理。",
                    phone=current_app.config["CONSULTATION_PHONE"],
                )
            ]
        else:
            session[STATE] = {"applicant": found.id}
            return redirect(url_for("county_filing.confirm"))
    return _page("applicant", "applicant", form)


def masked(applicant: Applicant) -> dict[str, str]:
    """The applicant as the officer confirms them: a person's name and number masked."""
    name = applicant.name if applicant.kind == "company" else mask_name(applicant.name)
    return {"name": name, "identifier": mask_citizen_id(applicant.identifier)}


@county.route("/applicant", methods=["GET", "POST"])
@staff_required()
def confirm():
    _guard()
    _needs("confirm")
    form = ConfirmForm()
    if form.validate_on_submit():
        _save(confirmed=True)
        return redirect(url_for("county_filing.item"))
    return _page("confirm", "confirm", form, applicant=masked(_applicant()))


@county.route("/item", methods=["GET", "POST"])
@staff_required()
def item():
    _guard()
    _needs("item")
    search = request.args.get("q", "", type=str)[:50]
    items = county_filing.city_level_items(search)
    form = item_form(
        [(i.code, f"{localized(i.name)} · {i.code}") for i in items],
        request.form if request.method == "POST" else None,
    )
    if request.method == "GET" and _state().get("item") in {i.code for i in items}:
        form.item.data = _state()["item"]
    if request.method == "POST" and form.validate():
        _save(item=form.item.data, window=None)
        return redirect(url_for("county_filing.window"))
    return _page("item", "item", form, search=search, found=bool(items))


@county.route("/window", methods=["GET", "POST"])
@staff_required()
def window():
    _guard()
    _needs("window")
    chosen = _item()
    windows = forwarding.city_level_windows(chosen)
    form = window_form(
        [(str(w.id), presenters.place_label(w)) for w in windows],
        request.form if request.method == "POST" else None,
    )
    if request.method == "GET" and _state().get("window"):
        form.window.data = str(_state()["window"])
    if request.method == "POST" and form.validate():
        _save(window=int(form.window.data))
        return redirect(url_for("county_filing.received"))
    return _page("window", "window", form, item=chosen)


@county.route("/received", methods=["GET", "POST"])
@staff_required()
def received():
    _guard()
    _needs("received")
    form = ReceivedForm()
    if request.method == "GET":
        form.received_on.data = _received() or beijing.today()
    if form.validate_on_submit() and not _day_error(form):
        _save(received=form.received_on.data.isoformat())
        return redirect(url_for("county_filing.letter"))
    return _page("received", "received", form)


@county.route("/letter", methods=["GET", "POST"])
@staff_required()
def letter():
    _guard()
    _needs("letter")
    form = LetterForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors = [_("请上传申请人签署的委托书。")]
        else:
            try:
                stored = uploads.store(
                    "letter",
                    upload.stream,
                    upload.filename,
                    storage=current_app.extensions["storage"],
                    scanner=current_app.extensions["scanner"],
                    limits=presenters.upload_limits(),
                )
            except UploadRejected as rejection:
                form.file.errors = [presenters.rejection_message(rejection.reason)]
            else:
                chosen_item = _item()
                application = county_filing.start(
                    current_user,
                    county_filing.Start(
                        _applicant(), chosen_item, _window(chosen_item), _received()
                    ),
                    AuthorityDocument(
                        kind=assisted.LETTER_OF_AUTHORISATION,
                        storage_key=stored["key"],
                        display_name=stored["name"],
                        content_type=stored["content_type"],
                        size=stored["size"],
                        sha256=stored["sha256"],
                        scan_status=stored["scan"],
                    ),
                    current_app.config["DRAFT_KEEP_DAYS"],
                )
                session.pop(STATE, None)
                return redirect(url_for("assisted.overview", public_id=application.public_id))
    return _page("letter", "letter", form, limits=presenters.upload_limits())


# The draft: its county facts, a refusal at submission in words ------------------------------


def _draft(public_id: str):
    application = assisted.find_assisted(current_user, public_id)
    if application is None or county_filing.pending(application) is None:
        abort(404)
    return application


REFUSALS = {
    Refusal.NOT_COUNTY_OFFICER.value: lambda: _(
        "只有县级政务服务中心在岗的工作人员或负责人可以转报。"
    ),
    Refusal.NOT_CITY_LEVEL.value: lambda: _(
        "这份申请的办理窗口不是市级窗口，不能转报。请把办理地点改为市级窗口。"
    ),
    Refusal.NOT_SUBMITTED.value: lambda: _("这份申请已经不是刚提交的状态，不能再转报。"),
    Refusal.ALREADY_FORWARDED.value: lambda: _("这份申请已经转报过了。"),
    Refusal.RECEIVED_LATER.value: lambda: _("收到材料的日期不能晚于提交的日期，也不能晚于今天。"),
}
# The county's day checked again at submission (county_filing.DayProblem).
DAY_REFUSALS = {
    county_filing.DayProblem.TOO_EARLY: lambda: _(
        "收到材料的日期已早于今天之前第 %(days)s 个工作日，市级窗口的预审时限已经用完。"
        "请重新收取材料，改正日期后再提交。",
        days=county_filing.EARLIEST_WORKING_DAYS,
    ),
    county_filing.DayProblem.CALENDAR_UNKNOWN: lambda: _(
        "工作日日历缺少这一年的节假日安排，暂时无法核对日期，请联系管理员。"
    ),
}
# Which fact of the draft a refusal is about (the sentence goes beside it).
REFUSAL_FIELD = {
    Refusal.NOT_CITY_LEVEL.value: "window",
    Refusal.RECEIVED_LATER.value: "received_on",
    county_filing.DayProblem.TOO_EARLY: "received_on",
    county_filing.DayProblem.CALENDAR_UNKNOWN: "received_on",
}


@county.get("/drafts/<public_id>")
@staff_required()
def draft(public_id: str):
    _guard()
    application = _draft(public_id)
    refused = request.args.get("refused", "", type=str)
    known = REFUSALS | DAY_REFUSALS
    message = known[refused]() if refused in known else None
    return render_template(
        "filing/county/draft.html",
        application=application,
        county=county_filing.pending(application),
        journey=presenters.Journey(application, "assisted"),
        refusal=message,
        window_label=presenters.place_label(application.window) if application.window else None,
        refusal_field=REFUSAL_FIELD.get(refused, "summary") if message else None,
    )


@county.route("/drafts/<public_id>/received", methods=["GET", "POST"])
@staff_required()
def draft_received(public_id: str):
    _guard()
    application = _draft(public_id)
    if application.status != Status.DRAFT:
        abort(404)
    form = ReceivedForm()
    if request.method == "GET":
        form.received_on.data = county_filing.pending(application).received_on
    if form.validate_on_submit() and not _day_error(form):
        county_filing.change_day(application, form.received_on.data)
        return redirect(url_for("county_filing.draft", public_id=public_id))
    return _page("received", "received", form, application=application)


# Wiring into the assisted journey -------------------------------------------------------------


def _forward(staff, application) -> None:
    """After the assisted submission of a county draft: forward it in the same transaction,
    or roll everything back and say why beside the fact concerned."""
    row = county_filing.pending(application)
    if row is None:
        return
    calendar = current_app.extensions["calendar"]
    # The day may have become too early while the draft was filled in: checked again.
    problem = county_filing.day_problem(row.received_on, calendar, beijing.today())
    try:
        if problem:
            raise _DayRefused(problem)
        county_filing.forward_at_submission(staff, application, calendar)
    except (NotForwardable, _DayRefused) as refused:
        mark_failed()  # the submission is rolled back with the forward
        reason = refused.refusal.value if isinstance(refused, NotForwardable) else refused.problem
        abort(
            redirect(
                url_for("county_filing.draft", public_id=application.public_id, refused=reason)
            )
        )


class _DayRefused(Exception):
    def __init__(self, problem: str):
        self.problem = problem
        super().__init__(problem)


def _origin(application) -> tuple[str, str] | None:
    if application.status == Status.DRAFT and county_filing.pending(application) is not None:
        return _("转报市级：本中心收件日期"), url_for(
            "county_filing.draft", public_id=application.public_id
        )
    return None


def _follow(application) -> str | None:
    if application.forwarding is not None and application.filed_by_id == current_user.id:
        return url_for("forwarded.case", public_id=application.public_id)
    return None


assisted_views.SUBMITTED.append(_forward)
assisted_views.ORIGINS.append(_origin)
assisted_views.AFTER_SUBMISSION.append(_follow)


county.add_app_template_global(forwarding.may_forward, "may_forward")
