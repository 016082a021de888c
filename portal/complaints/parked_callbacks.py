"""Hotline callbacks that stopped trying, for the staff of the complaint's center.

A callback is parked when the hotline refused it or kept failing for the whole retry
horizon (``hotline_callbacks``); the hotline then never hears of that step unless someone
sends it again. Administrators and the supervision office of the complaint's center see
those, as ``/staff/deliveries`` shows the back office's; an administrator puts one back in
the queue with its same ``Idempotency-Key``, so a hotline that did receive it after all
keeps one record.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from portal.clock import beijing
from portal.complaints.hotline_models import HotlineCallback, HotlineSource, HotlineWorkOrder
from portal.complaints.models import Complaint
from portal.extensions import db
from portal.outbox import PARKED, PENDING
from portal.window.models import Role, StaffMember
from portal.window.operations import audit


def _of_center(member: StaffMember):
    """The work orders whose complaints are of the member's center, if the role sees them."""
    if member.role not in Role.SEEING_DELIVERIES or member.center_id is None:
        return select(HotlineWorkOrder.id).where(HotlineWorkOrder.id.is_(None))
    return (
        select(HotlineWorkOrder.id)
        .join(Complaint, Complaint.id == HotlineWorkOrder.complaint_id)
        .where(Complaint.center_id == member.center_id)
    )


def parked_for(member: StaffMember) -> list[HotlineCallback]:
    """The member's center's parked callbacks, oldest first."""
    return list(
        db.session.scalars(
            select(HotlineCallback)
            .where(HotlineCallback.status == PARKED)
            .where(HotlineCallback.work_order_id.in_(_of_center(member)))
            .options(
                selectinload(HotlineCallback.work_order).selectinload(HotlineWorkOrder.source),
                selectinload(HotlineCallback.work_order).selectinload(HotlineWorkOrder.complaint),
            )
            .order_by(HotlineCallback.created_at, HotlineCallback.id)
        )
    )


def visible(member: StaffMember, callback_id: int) -> HotlineCallback | None:
    return db.session.scalar(
        select(HotlineCallback)
        .where(HotlineCallback.id == callback_id)
        .where(HotlineCallback.work_order_id.in_(_of_center(member)))
    )


def send_again(member: StaffMember, callback: HotlineCallback) -> bool:
    """Back in the queue, due now, with a fresh count of attempts; False when it is no longer
    parked (someone sent it again first) or its source is revoked (it would park at once).

    One conditional UPDATE, so two administrators pressing at once queue it once."""
    active_sources = select(HotlineWorkOrder.id).join(HotlineSource).where(HotlineSource.active)
    done = db.session.execute(
        update(HotlineCallback)
        .where(HotlineCallback.id == callback.id)
        .where(HotlineCallback.status == PARKED)
        .where(HotlineCallback.work_order_id.in_(active_sources))
        .values(status=PENDING, attempts=0, next_attempt_at=beijing.now(), leased_until=None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    audit(
        member,
        "resent-hotline-callback",
        callback=callback.id,
        ticket=callback.work_order.complaint.ticket,
        event=callback.event,
    )
    return True
