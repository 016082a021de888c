"""The applicant's rating of an ended case, the 追评, and the supervision office's forms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import BaseForm
from portal.i18n import localized, long_date
from portal.ratings.follow_up import MAX_NOTE
from portal.ratings.models import AppealDecision, Level, Outcome
from portal.ratings.rating import MAX_WORDS
from portal.ratings.reasons import reasons

LEVEL_LABELS = {
    Level.VERY_SATISFIED: _l("非常满意"),
    Level.SATISFIED: _l("满意"),
    Level.BASICALLY_SATISFIED: _l("基本满意"),
    Level.UNSATISFIED: _l("不满意"),
    Level.VERY_UNSATISFIED: _l("非常不满意"),
}
OUTCOME_LABELS = {
    Outcome.FIXED: _l("立行立改"),
    Outcome.FIX_BY: _l("限期整改"),
    Outcome.EXPLAINED: _l("解释说明"),
}


def levels(label):
    # No default: an unchosen level is an error, never a rating.
    return RadioField(
        label,
        choices=[SelectChoice(value, text) for value, text in LEVEL_LABELS.items()],
        validators=[InputRequired(message=_l("请选择一个评价等级。"))],
        validate_choice=True,
    )


def _words(label):
    return TextAreaField(
        label,
        description=_l("选填，不超过 %(max)s 个字。", max=MAX_WORDS),
        validators=[
            Optional(),
            Length(max=MAX_WORDS, message=_l("请不要超过 %(max)s 个字。", max=MAX_WORDS)),
        ],
    )


class RatingForm(BaseForm):
    level = levels(_l("您对这次办理的服务满意吗？"))
    reasons = SelectMultipleField(
        _l("哪些地方需要改进？"),
        description=_l("选择“不满意”或“非常不满意”时，请至少选一项。"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
    words = _words(_l("您还想说的话"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the language of the request: the names are data in guides/ratings.yaml.
        self.reasons.choices = [(code, localized(name)) for code, name in reasons().items()]

    def validate_reasons(self, field) -> None:
        if self.level.data in Level.BAD and not field.data:
            raise ValidationError(_l("请选择需要改进的地方。"))


class LaterRatingForm(BaseForm):
    level = levels(_l("回访处理后，您现在满意吗？"))
    words = _words(_l("您还想说的话"))


def _note(label, message):
    return TextAreaField(
        label,
        validators=[
            InputRequired(message=message),
            Length(max=MAX_NOTE, message=_l("请不要超过 %(max)s 个字。", max=MAX_NOTE)),
        ],
    )


class CallForm(BaseForm):
    note = _note(_l("回访记录"), _l("请写下回访的情况。"))


class OutcomeForm(BaseForm):
    outcome = RadioField(
        _l("处理结果"),
        choices=[SelectChoice(value, text) for value, text in OUTCOME_LABELS.items()],
        validators=[InputRequired(message=_l("请选择处理结果。"))],
        validate_choice=True,
    )
    fix_by = DateField(
        _l("整改期限"),
        description=_l("限期整改时填写，最长 15 个工作日。"),
        validators=[Optional()],
    )
    note = _note(_l("告诉申请人的处理情况"), _l("请写下告诉申请人的处理情况。"))

    @staticmethod
    def too_far_message(latest) -> str:
        return _("整改期限要在今天之后，最晚 %(day)s（15 个工作日）。", day=long_date(latest))

    def validate_fix_by(self, field) -> None:
        if self.outcome.data == Outcome.FIX_BY and field.data is None:
            raise ValidationError(_l("限期整改请填写整改期限。"))


class FixedForm(BaseForm):
    """限期整改 done: one button (and its CSRF token)."""


class AppealForm(BaseForm):
    grounds = _note(_l("申诉理由"), _l("请写明为什么认为这条评价有误或属恶意评价。"))


APPEAL_DECISION_LABELS = {
    AppealDecision.UPHELD: _l("申诉成立：评价保留，不计入统计"),
    AppealDecision.DISMISSED: _l("申诉不成立：评价照常计入统计"),
}


class AppealDecisionForm(BaseForm):
    decision = RadioField(
        _l("复核决定"),
        choices=[SelectChoice(value, text) for value, text in APPEAL_DECISION_LABELS.items()],
        validators=[InputRequired(message=_l("请选择复核决定。"))],
        validate_choice=True,
    )
    reasons = _note(_l("决定理由"), _l("请写明复核决定的理由。"))


class ProxyRatingForm(RatingForm):
    """The investor's rating of the proxy service (the same levels, reasons and words)."""

    level = levels(_l("您对全程委托代理服务满意吗？"))
