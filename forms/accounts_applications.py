"""Confirmations on an applicant's own applications: delete a draft, withdraw a filing."""

from __future__ import annotations

from forms.base import BaseForm


class DeleteDraftForm(BaseForm):
    """Only the CSRF token: the confirmation page has said what deleting means."""


class WithdrawForm(BaseForm):
    """Only the CSRF token: the confirmation page has said what withdrawing means."""
