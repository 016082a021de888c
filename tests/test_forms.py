"""The base form: input is trimmed, control characters are refused, errors are summarised."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from forms.base import BaseForm
from portal.accounts.models import Applicant
from portal.extensions import db
from tests.factories import PASSWORD, citizen_id

REFUSED = "不能包含控制字符等看不见的特殊字符"


class NameForm(BaseForm):
    name = StringField("name", validators=[DataRequired(message="请填写姓名")])
    city = StringField("city", validators=[DataRequired(message="请填写城市")])


class MixedForm(BaseForm):
    title = StringField("title")
    note = TextAreaField("note")
    count = IntegerField("count", validators=[Optional()])

    def validate_title(self, field) -> None:
        if "\x00" in (field.data or ""):
            raise ValidationError("a later check saw the NUL")


def _validate(app, form_class, data):
    with app.test_request_context(method="POST", data=data):
        form = form_class(meta={"csrf": False})
        valid = form.validate()
        return valid, {field.name: list(field.errors) for field in form}


def test_input_is_trimmed_and_errors_are_summarised_in_field_order(app):
    with app.test_request_context(method="POST", data={"name": "  王芳  ", "city": "   "}):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert form.name.data == "王芳"
        assert [(e.field_id, e.message) for e in form.error_summary()] == [("city", "请填写城市")]


@pytest.mark.parametrize(
    "value", ["王\x00芳", "\x00", "a\x1bb", "tab\there", "two\nlines", "\x7f", "\x85", "x\x9f"]
)
def test_a_single_line_field_refuses_control_characters_before_any_other_check(app, value):
    valid, errors = _validate(app, MixedForm, {"title": value})
    assert not valid
    assert len(errors["title"]) == 1 and REFUSED in errors["title"][0]


def test_a_multi_line_field_keeps_tabs_and_line_breaks_but_not_nul(app):
    assert _validate(app, MixedForm, {"note": "第一行\r\n\t第二行"})[0]
    valid, errors = _validate(app, MixedForm, {"note": "第一行\n\x00"})
    assert not valid and REFUSED in errors["note"][0]


def test_a_number_with_nul_gets_the_same_plain_message(app):
    valid, errors = _validate(app, MixedForm, {"count": "12\x00"})
    assert not valid and len(errors["count"]) == 1 and REFUSED in errors["count"][0]


@pytest.mark.parametrize("value", ["مرحبا", "\u202eabc\u202c", "１２３", "😀", "王芳"])
def test_other_scripts_emoji_and_full_width_text_are_ordinary_input(app, value):
    assert _validate(app, MixedForm, {"title": value, "note": value})[0]


def test_the_message_is_in_the_readers_language(app):
    with app.test_request_context(
        method="POST", data={"title": "\x00"}, headers={"Cookie": "lang=en"}
    ):
        form = MixedForm(meta={"csrf": False})
        assert not form.validate()
        assert "control characters" in form.title.errors[0]


def test_registering_with_a_nul_in_the_name_is_a_field_error_not_a_server_error(app, client):
    identifier = citizen_id()
    response = client.post(
        "/account/register/individual",
        data={
            "name": "王\x00芳",
            "identifier": identifier,
            "mobile": "13812345678",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert REFUSED in page and 'href="#name"' in page
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(Applicant).where(Applicant.identifier == identifier)
        )
        assert count == 0


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/sign-in", {"identifier": "\x00", "password": PASSWORD}),
        ("/account/forgot-password", {"identifier": "4304\x00"}),
        ("/staff/sign-in", {"username": "staff\x00", "password": "x", "code": "123456"}),
        ("/track", {"number": "HY-20261127-00012-7", "secret": "AB\x00CDE"}),
    ],
)
def test_a_nul_in_a_sign_in_or_lookup_is_the_forms_error(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code < 500
    assert REFUSED in response.get_data(as_text=True)
