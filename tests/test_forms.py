"""The base form: input is trimmed and errors are summarised for the top of the page."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired

from forms.base import BaseForm


class NameForm(BaseForm):
    name = StringField("name", validators=[DataRequired(message="请填写姓名")])
    city = StringField("city", validators=[DataRequired(message="请填写城市")])


def test_input_is_trimmed_and_errors_are_summarised_in_field_order(app):
    with app.test_request_context(method="POST", data={"name": "  王芳  ", "city": "   "}):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert form.name.data == "王芳"
        assert [(e.field_id, e.message) for e in form.error_summary()] == [("city", "请填写城市")]
