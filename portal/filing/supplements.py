"""The supplements page as the applicant reads it: for each material the window asked for,
its reason, the file the window turned down and the new file, if one has come since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from forms.base import FieldError
from portal.catalog.models import Material
from portal.clock import beijing
from portal.filing import operations
from portal.filing.models import Application, Attachment
from portal.i18n import localized


def requested_at(application: Application) -> datetime:
    return datetime.fromisoformat(application.supplement_request["requested_at"])


def is_turned_down(application: Application, attachment: Attachment | None) -> bool:
    """A file that was already there when the window asked for this material again: the
    window did not accept it, so it is never shown as the material "uploaded"."""
    return (
        attachment is not None
        and application.supplement_request is not None
        and attachment.material in operations.requested_materials(application)
        and beijing.aware(attachment.uploaded_at) < requested_at(application)
    )


@dataclass(frozen=True)
class RequestedMaterial:
    material: Material
    reason: str
    new_file: Attachment | None  # uploaded after the request
    turned_down: Attachment | None  # the file the window did not accept

    @property
    def anchor(self) -> str:
        return f"material-{self.material.code}"

    @property
    def missing(self) -> bool:
        return self.new_file is None

    def missing_message(self) -> str:
        return _(
            "请上传新的“%(material)s”。窗口的意见：%(reason)s",
            material=localized(self.material.name),
            reason=self.reason,
        )


def _turned_down(application: Application, material: Material) -> Attachment | None:
    """The last file of this material from before the request, even if since replaced."""
    earlier = [
        a
        for a in application.attachments
        if a.material_id == material.id and beijing.aware(a.uploaded_at) < requested_at(application)
    ]
    return earlier[-1] if earlier else None


def requested(application: Application) -> list[RequestedMaterial]:
    reasons = application.supplement_request["reasons"]
    rows = []
    for material in operations.requested_materials(application):
        current = application.current_attachment(material)
        rows.append(
            RequestedMaterial(
                material=material,
                reason=reasons[material.code],
                new_file=None if is_turned_down(application, current) else current,
                turned_down=_turned_down(application, material),
            )
        )
    return rows


def shown_attachment(application: Application, material: Material) -> Attachment | None:
    """The file an upload page shows as this material's: never one the window turned down."""
    current = application.current_attachment(material)
    return None if is_turned_down(application, current) else current


def still_missing(rows: list[RequestedMaterial]) -> list[FieldError]:
    """One line per material still to upload, in the order the page lists them."""
    return [FieldError(row.anchor, row.missing_message()) for row in rows if row.missing]
