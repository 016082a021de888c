"""Forms for the messages a person receives: how they reach them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired, ValidationError

from forms.base import BaseForm
from portal.messaging import channels


class ChannelsForm(BaseForm):
    message_channels = RadioField(
        _l("办理进度消息怎么发给您"),
        choices=[SelectChoice(value, label) for value, label in channels.LABELS.items()],
        validators=[InputRequired(message=_l("请选择短信、电子邮件或两种都要。"))],
    )

    def __init__(self, *args, has_email: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.has_email = has_email

    def validate_message_channels(self, field) -> None:
        if field.data != channels.SMS and not self.has_email:
            raise ValidationError(
                _l("您的账号没有电子邮箱，只能用短信接收。请先在“我的账号”里添加电子邮箱。")
            )
