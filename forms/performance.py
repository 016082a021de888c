"""The public performance page's filters: a GET form, so every view of the figures is a link
(and the same parameters serve the downloads and the API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from forms.base import BaseForm


def _offered(message):
    """The value is one of the field's choices (WTForms' own check speaks English only)."""

    def check(form, field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(str(message))

    return check


class FiguresFilterForm(BaseForm):
    class Meta:
        csrf = False  # reading figures changes nothing

    month = SelectField(
        _l("月份"),
        validate_choice=False,
        validators=[Optional(), _offered(_l("请选择列表中的月份（近两年）。"))],
    )
    center = SelectField(
        _l("办事大厅"),
        validate_choice=False,
        validators=[Optional(), _offered(_l("请选择列表中的办事大厅。"))],
    )
    department = SelectField(
        _l("部门"),
        validate_choice=False,
        validators=[Optional(), _offered(_l("请选择列表中的部门。"))],
    )
    # The drill-down to one item comes from a link, never typed: kept as a hidden field.
    item = StringField(_l("事项"), validators=[Optional(), Length(max=64)])

    def offer(self, months, centers, departments, item_codes: set[str]) -> None:
        self.month.choices = [(month.key, month.key) for month in months]
        self.center.choices = [("", _l("全部办事大厅")), *centers]
        self.department.choices = [("", _l("全部部门")), *departments]
        self._item_codes = item_codes

    def validate_item(self, field) -> None:
        if field.data and field.data not in self._item_codes:
            raise ValidationError(str(_l("没有这个事项，请从部门的事项列表进入。")))
