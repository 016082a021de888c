"""The permit plan's three changes: add a suggested item, say what a permit waits for, take a
permit out. Each carries the plan version the agent read (portal.proxy.plan)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import BaseForm


class _Versioned(BaseForm):
    version = HiddenField(validators=[Regexp(r"[0-9]{1,9}\Z", message=_l("请刷新页面后重试。"))])


class AddPermitForm(_Versioned):
    item = RadioField(
        _l("建议办理的事项"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("请选择要加入计划的事项。"))],
    )


class WaitsForm(_Versioned):
    waits_for = SelectMultipleField(
        _l("需要先办结的许可"),
        choices=[],
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class RemovePermitForm(_Versioned):
    pass


class FilePermitForm(_Versioned):
    """Start filing a permit for the investor (an assisted draft, portal.filing.assisted)."""


class LinkForm(_Versioned):
    number = StringField(
        _l("申请编号"),
        description=_l("以投资方名义递交的这项申请的编号，例如 HY-20261201-00001-7。"),
        validators=[
            InputRequired(message=_l("请填写申请编号。")),
            Length(max=30, message=_l("申请编号最多 30 个字符。")),
        ],
    )


class ProjectDocumentForm(BaseForm):
    """One document uploaded once to the project (portal.proxy.documents)."""

    file = FileField(_l("上传项目材料"))


class PickDocumentForm(BaseForm):
    document = RadioField(
        _l("选择项目材料"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("请选择一份项目材料。"))],
    )
