"""One question a page: for each step of the journey its form, its template and what an
accepted answer writes into the draft. The view only asks ``page(step, …).accept()``."""

from __future__ import annotations

import unicodedata
from datetime import date

from flask import request
from flask_babel import gettext as _

from forms.complaints import (
    NOT_LISTED,
    AboutForm,
    CaseLookupForm,
    ContactForm,
    KindForm,
    WhatHappenedForm,
    WhatTheyWantForm,
    fee_form,
    item_form,
    own_case_form,
    place_form,
)
from portal.accounts.models import Applicant
from portal.catalog import queries
from portal.catalog.search import search
from portal.complaints import journey as j
from portal.filing import operations as filing
from portal.filing.numbering import display_number
from portal.i18n import localized

MAX_ITEMS_LISTED = 20


class Page:
    template = "complaints/question.html"
    error: str | None = None
    error_field = "number"

    def __init__(self, draft: j.Draft, applicant: Applicant | None, data):
        self.draft = draft
        self.applicant = applicant
        self.form = self.build(data)
        if data is None:
            self.fill()

    def build(self, data):  # pragma: no cover - every step defines it
        raise NotImplementedError

    def fill(self) -> None:
        """The answer given before, when the page is shown again (a change link)."""

    def accept(self) -> bool:
        if not self.form.validate():
            return False
        return self.save()

    def save(self) -> bool:  # pragma: no cover
        raise NotImplementedError


class KindPage(Page):
    template = "complaints/radios.html"

    def build(self, data):
        return KindForm(formdata=data)

    def fill(self):
        self.form.kind.data = self.draft.get("kind")

    def save(self):
        self.draft.save(kind=self.form.kind.data)
        return True


class AboutPage(Page):
    template = "complaints/radios.html"

    def build(self, data):
        return AboutForm(formdata=data)

    def fill(self):
        self.form.about.data = self.draft.get("about")

    def save(self):
        if self.form.about.data != self.draft.get("about"):
            # Another subject: what was picked for the old one no longer applies.
            self.draft.forget("case_id", "item", "center", "window", "day", "fee", "checking")
        self.draft.save(about=self.form.about.data)
        return True


class OwnCasePage(Page):
    """A signed-in applicant picks one of their submitted cases."""

    template = "complaints/radios.html"

    def build(self, data):
        self.cases = j.own_cases(self.applicant)
        choices = [
            (c.public_id, f"{display_number(c.number)} · {localized(c.item.name)}")
            for c in self.cases
        ]
        return own_case_form(choices, data)

    def fill(self):
        chosen = j.case_of(self.draft)
        self.form.case.data = chosen.public_id if chosen else self.draft.get("case")

    def save(self):
        case = next(c for c in self.cases if c.public_id == self.form.case.data)
        _choose_case(self.draft, case)
        return True


class CaseLookupPage(Page):
    """Anyone else types the case number and its query code, checked as the tracking page
    checks them: one answer for either mistake."""

    template = "complaints/case_lookup.html"

    def build(self, data):
        return CaseLookupForm(formdata=data)

    def fill(self):
        chosen = j.case_of(self.draft)
        self.form.number.data = (
            display_number(chosen.number) if chosen else self.draft.get("number", "")
        )

    def save(self):
        case = filing.look_up(self.form.number.data, self.form.secret.data)
        if case is None:
            self.error = _("申请编号和查询码对不上。请对照申请回执逐位核对后再试。")
            return False
        _choose_case(self.draft, case)
        return True


def _choose_case(draft: j.Draft, case) -> None:
    if draft.get("case_id") != case.id:
        draft.forget("fee", "fee_named", "fee_asked")
    draft.save(case_id=case.id)


class ItemPage(Page):
    """Pick the service item: found by a search on the page, or preselected from a guide."""

    template = "complaints/item.html"

    def build(self, data):
        self.query = unicodedata.normalize("NFKC", request.args.get("q", "", type=str))[:100]
        chosen = j.item_of(self.draft)
        found = [hit.item for hit in search(self.query, MAX_ITEMS_LISTED)] if self.query else []
        if not self.query:
            found = queries.fetch_popular_items()[:MAX_ITEMS_LISTED]
        if chosen is not None and chosen not in found:
            found = [chosen, *found]
        self.items = found
        if (
            data is not None
            and data.get("item")
            and data.get("item") not in {i.code for i in found}
        ):
            # Chosen from an earlier search: still a current item of the catalog.
            posted = queries.fetch_item(str(data.get("item")))
            if posted is not None:
                self.items = [posted, *found]
        return item_form([(i.code, localized(i.name)) for i in self.items], data)

    def fill(self):
        self.form.item.data = self.draft.get("item")

    def save(self):
        if self.form.item.data != self.draft.get("item"):
            self.draft.forget("center", "window", "fee", "fee_named", "fee_asked")
        self.draft.save(item=self.form.item.data)
        return True


class PlacePage(Page):
    template = "complaints/place.html"

    def build(self, data):
        item = j.item_of(self.draft)
        self.windows = j.places(item) if item is not None else []
        centers = []
        for window in self.windows:
            if window.center not in centers:
                centers.append(window.center)
        choices = [
            (f"w{w.id}", f"{localized(w.center.name)} · {localized(w.name)}") for w in self.windows
        ]
        choices += [
            (f"c{c.id}", _("%(center)s · 不记得是哪个窗口", center=localized(c.name)))
            for c in centers
        ]
        return place_form(choices, data)

    def fill(self):
        if self.draft.get("window"):
            self.form.place.data = f"w{self.draft.get('window')}"
        elif self.draft.get("center"):
            self.form.place.data = f"c{self.draft.get('center')}"
        if self.draft.get("day"):
            self.form.day.data = date.fromisoformat(self.draft.get("day"))

    def save(self):
        value = self.form.place.data
        window = next((w for w in self.windows if f"w{w.id}" == value), None)
        center_id = window.center_id if window else int(value[1:])
        self.draft.save(
            center=center_id,
            window=window.id if window else None,
            day=self.form.day.data.isoformat() if self.form.day.data else None,
        )
        return True


class WhatPage(Page):
    def build(self, data):
        return WhatHappenedForm(formdata=data)

    def fill(self):
        self.form.what.data = self.draft.get("what")

    def save(self):
        self.draft.save(what=self.form.what.data)
        return True


class WantPage(Page):
    def build(self, data):
        return WhatTheyWantForm(formdata=data)

    def fill(self):
        self.form.want.data = self.draft.get("want")

    def save(self):
        self.draft.save(want=self.form.want.data)
        return True


class FeePage(Page):
    template = "complaints/fee.html"

    def build(self, data):
        self.fees = j.fee_items(j.item_of(self.draft))
        return fee_form([(f.code, localized(f.name)) for f in self.fees], data)

    def fill(self):
        self.form.fee.data = self.draft.get("fee")
        self.form.fee_named.data = self.draft.get("fee_named")
        self.form.asked.data = self.draft.get("fee_asked")

    def save(self):
        listed = self.form.fee.data != NOT_LISTED
        self.draft.save(
            fee=self.form.fee.data,
            fee_named=None if listed else self.form.fee_named.data,
            fee_asked=str(self.form.amount),
        )
        return True


class ContactPage(Page):
    template = "complaints/contact.html"

    def build(self, data):
        return ContactForm(formdata=data)

    def fill(self):
        self.form.way.data = self.draft.get("way")
        applicant = self.applicant
        self.form.name.data = self.draft.get("name") or (
            (applicant.contact_name or applicant.name) if applicant else None
        )
        self.form.mobile.data = self.draft.get("mobile") or (
            applicant.mobile if applicant else None
        )
        self.form.email.data = self.draft.get("email") or (applicant.email if applicant else None)

    def save(self):
        if self.form.way.data == "anonymous":
            # Anonymous keeps nothing that says who they are, not even in the draft.
            self.draft.forget("name", "mobile", "email")
            self.draft.save(way="anonymous")
        else:
            self.draft.save(
                way="named",
                name=self.form.name.data,
                mobile=self.form.mobile.data or None,
                email=self.form.email.data or None,
            )
        return True


def page(step: str, draft: j.Draft, applicant: Applicant | None, data) -> Page:
    if step == j.CASE:
        kind = OwnCasePage if applicant is not None and j.own_cases(applicant) else CaseLookupPage
    else:
        kind = {
            j.KIND: KindPage,
            j.ABOUT: AboutPage,
            j.ITEM: ItemPage,
            j.PLACE: PlacePage,
            j.WHAT: WhatPage,
            j.WANT: WantPage,
            j.FEE: FeePage,
            j.CONTACT: ContactPage,
        }[step]
    return kind(draft, applicant, data)


def preselect(draft: j.Draft, applicant: Applicant | None) -> None:
    """From a case page (the applicant's own case) or a guide (the item): already chosen."""
    public_id = draft.get("case")
    if public_id and applicant is not None:
        case = filing.find_own_application(applicant, public_id)
        if case is not None and case.number is not None:
            draft.save(case_id=case.id)
    if draft.get("item") and queries.fetch_item(draft.get("item")) is None:
        draft.forget("item", "about")
