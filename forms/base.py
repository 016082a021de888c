"""The base every form builds on: trimmed input, no control characters, an error summary.

Every field of every form refuses control characters (NUL and the other C0 and C1
codes, DEL): nobody types them, PostgreSQL refuses NUL in text, and they hide in
what a window officer reads. Multi-line fields keep tab and line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import StopValidation

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTER_MESSAGE = _l("不能包含控制字符等看不见的特殊字符，请删去后重新填写。")


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


def has_control_characters(text: str, *, multi_line: bool = False) -> bool:
    pattern = CONTROL_CHARACTERS_IN_TEXT if multi_line else CONTROL_CHARACTERS
    return bool(pattern.search(text))


def refuse_control_characters(form, field) -> None:
    """First in every field's chain: what was sent, before any other check sees it."""
    multi_line = isinstance(field, TextAreaField)
    sent = [value for value in (field.raw_data or ()) if isinstance(value, str)]
    if any(has_control_characters(value, multi_line=multi_line) for value in sent):
        raise StopValidation(str(CONTROL_CHARACTER_MESSAGE))


@dataclass(frozen=True)
class FieldError:
    """One line of the error summary: links to the field it is about."""

    field_id: str
    message: str


class BaseForm(FlaskForm):
    class Meta:
        # Leading and trailing spaces are never what someone meant to type.
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            bound_filters = (strip_whitespace, *filters)
            field = unbound_field.bind(form=form, filters=bound_filters, **options)
            field.validators = [refuse_control_characters, *field.validators]
            return field

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        message = str(CONTROL_CHARACTER_MESSAGE)
        for field in self:
            # A number or a date with NUL in it also fails to parse: say the clearer thing.
            if message in field.errors:
                field.errors = [message]
        return valid

    def error_summary(self) -> list[FieldError]:
        """Every error, first per field, in the order the fields appear."""
        return [
            FieldError(field.id, field.errors[0])
            for field in self
            if field.errors and field.type != "CSRFTokenField"
        ]
