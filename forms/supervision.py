"""The supervision dashboard's filters (a GET: nothing changes, so no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from forms.base import BaseForm


class CardFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter of the dashboard changes nothing

    level = SelectField(_l("牌色"), validators=[Optional()])
    step = SelectField(_l("环节"), validators=[Optional()])
    window = SelectField(_l("窗口"), validators=[Optional()])
    department = SelectField(_l("部门"), validators=[Optional()])
    officer = SelectField(_l("经办人"), validators=[Optional()])
