"""The investor's read tokens for a project's dashboard API: make one with a name, revoke one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from forms.base import BaseForm


class MakeTokenForm(BaseForm):
    name = StringField(
        _l("令牌名称"),
        description=_l("写明给谁用，例如“工地办公室”。令牌只显示一次。"),
        validators=[
            DataRequired(message=_l("请填写令牌名称。")),
            Length(max=50, message=_l("令牌名称最多 50 个字符。")),
        ],
    )


class RevokeTokenForm(BaseForm):
    """No field of its own: revoking is one button, and the form carries the CSRF token."""
