"""The complainant's forms."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from forms.base import BaseForm
from portal.complaints.numbering import is_well_formed


class FollowForm(BaseForm):
    ticket = StringField(
        _l("工单编号"),
        description=_l("在投诉受理回执上，例如 HYTS-20261201-00007-3。"),
        validators=[InputRequired(message=_l("请填写工单编号。")), Length(max=40)],
    )
    code = StringField(
        _l("查询码"),
        description=_l("提交投诉时给您的 6 位字母和数字。"),
        validators=[InputRequired(message=_l("请填写查询码。")), Length(max=20)],
    )

    def validate_ticket(self, field) -> None:
        # A mistyped ticket is caught by its check character before anything is looked up.
        if not is_well_formed(unicodedata.normalize("NFKC", field.data or "")):
            raise ValidationError(_l("工单编号格式不对，请对照回执逐位核对。"))
