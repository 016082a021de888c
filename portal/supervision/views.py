"""The supervision dashboard (``/staff/supervision``), one card's history, the monthly report
as CSV and PDF, and each member's notes of the cards told to them."""

from __future__ import annotations

import csv
import io
import re

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from forms.supervision import CardFilterForm
from portal.access import staff_required
from portal.clock import beijing
from portal.i18n import localized
from portal.supervision import dashboard, report
from portal.supervision.models import Level, Step
from portal.window.models import Role

supervision = Blueprint("supervision", __name__, url_prefix="/staff/supervision")
# The efficiency supervision office and the center's administrators; window officers and
# heads are told of their own cards on /staff/supervision/notes.
WATCHING = Role.CENTER_WIDE
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def _me():
    return current_user._get_current_object()


def _filters(form: CardFilterForm) -> dashboard.Filters:
    def number(value):
        return int(value) if value and value.isdigit() else None

    return dashboard.Filters(
        level=form.level.data or None,
        step=form.step.data or None,
        window_id=number(form.window.data),
        department_id=number(form.department.data),
        officer_id=number(form.officer.data),
    )


@supervision.get("")
@staff_required(*WATCHING)
def overview():
    me = _me()
    choices = dashboard.choices(me.center_id)
    form = CardFilterForm(formdata=request.args)
    every = [("", _("全部"))]
    form.level.choices = every + [(k, str(v)) for k, v in dashboard.LEVEL_LABELS.items()]
    form.step.choices = every + [(s, str(dashboard.STEP_LABELS[s])) for s in Step.ALL]
    for key in ("window", "department", "officer"):
        form[key].choices = every + [(str(i), n) for i, n in choices[key]]
    filters = _filters(form) if form.validate() else dashboard.Filters()
    today = beijing.today()
    return render_template(
        "supervision/overview.html",
        form=form,
        rows=dashboard.open_cards(me.center_id, filters),
        tallies=dashboard.tallies(me.center_id),
        unknown=dashboard.unknown_steps(me.center_id),
        calendar_knows=current_app.extensions["calendar"].knows(today.year),
        link_of=lambda card: dashboard.link_of(card, me),
        limit=dashboard.LIST_LIMIT,
        this_month=f"{today.year:04d}-{today.month:02d}",
        Level=Level,
    )


@supervision.get("/cards/<id:card_id>")
@staff_required(*WATCHING)
def card(card_id: int):
    found = dashboard.find_card(_me().center_id, card_id)
    if found is None or found.level not in Level.CARDS:
        abort(404)  # another center's card is not there at all
    return render_template(
        "supervision/card.html",
        card=found,
        row=dashboard.CardRow(found, None, None, None),
        link=dashboard.link_of(found, _me()),
        kinds=dashboard.HISTORY_LABELS,
        event_label=dashboard.event_label,
        levels=dashboard.LEVEL_LABELS,
    )


def _month(month: str) -> tuple[int, int]:
    match = MONTH.fullmatch(month)
    if match is None:
        abort(404)
    return int(match.group(1)), int(match.group(2))


@supervision.get("/report/<month>.csv")
@staff_required(*WATCHING)
def report_csv(month: str):
    year, number = _month(month)
    rows = dashboard.monthly(_me().center_id, year, number)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(report.CSV_COLUMNS)
    for row in rows:
        writer.writerow(report.csv_row(month, row))
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cards-{month}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@supervision.get("/report/<month>.pdf")
@staff_required(*WATCHING)
def report_pdf(month: str):
    year, number = _month(month)
    me = _me()
    rows = dashboard.monthly(me.center_id, year, number)
    pdf = report.render_pdf(localized(me.center.name), year, number, rows)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="cards-{month}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@supervision.get("/notes")
@staff_required()
def notes():
    me = _me()
    return render_template(
        "supervision/notes.html",
        notes=dashboard.notes_for(me.id),
        link_of=lambda card: dashboard.link_of(card, me),
        kinds=dashboard.NOTE_LABELS,
        steps=dashboard.STEP_LABELS,
        limits=dashboard.LIMIT_LABELS,
        levels=dashboard.LEVEL_LABELS,
    )
