"""The base every form builds on: trimmed input and an error summary for the page top."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


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
            return unbound_field.bind(form=form, filters=bound_filters, **options)

    def error_summary(self) -> list[FieldError]:
        """Every error, first per field, in the order the fields appear."""
        return [
            FieldError(field.id, field.errors[0])
            for field in self
            if field.errors and field.type != "CSRFTokenField"
        ]
