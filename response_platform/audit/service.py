"""The one way anything records processing of personal data in the audit trail.

`record(...)` is called by views (consultation: any display of personal data),
services (collection, alteration, disclosure, combination) and tasks (disclosure by
webhook, erasure by retention). Entries hold no personal data themselves: the object
is named by its type and primary key, the recipient by service/user name or address.
"""

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from response_platform.audit.actions import AuditAction
from response_platform.audit.chain import entry_hash
from response_platform.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

# Objects that are not cases but belong to one name it through one of these.
_CASE_PARENTS = ("session", "referral", "follow_up", "followup")


def record(
    action: AuditAction | str,
    obj: Any = None,
    *,
    actor: Any = None,
    object_type: str = "",
    object_id: str = "",
    recipient: str = "",
    justification: str = "",
    detail: str = "",
) -> None:
    """Append one entry. `obj` (a model instance) names the object unless object_type/object_id are given.

    actor: the user (None for the system: a task, a webhook, the victim's device — say which in `detail`).
    recipient: for disclosures, who received the data. justification: why, where the law asks for it.

    Inside a transaction the entry commits or rolls back with the change it records;
    outside one (a read-only page) it is its own transaction.
    """
    case_id, case_force_id = _case_of(obj)
    fields = {
        "action": AuditAction(action).value,
        "object_type": object_type or _type_name(obj),
        "object_id": str(object_id or (obj.pk if obj is not None else "")),
        "case_id": case_id,
        "force_id": case_force_id or _actor_value(actor, "force_id"),
        "recipient": recipient[:255],
        "justification": justification,
        "detail": detail[:255],
        **_actor_fields(actor),
    }
    with transaction.atomic():
        _append(fields)


def _append(fields: dict) -> None:
    head = _locked_head()
    fields.update(position=head.position + 1, at=timezone.now(), prev_hash=head.hash)
    fields["hash"] = entry_hash(fields)
    AuditEvent.objects.create(**fields)
    head.position, head.hash = fields["position"], fields["hash"]
    head.save(update_fields=["position", "hash"])


def _locked_head() -> AuditChainHead:
    """Lock the chain head so appends take turns (PostgreSQL; SQLite write transactions already do)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # First entry ever (or the head row was lost): start from what the table holds.
    last = AuditEvent.objects.order_by("-position").values("position", "hash").first()
    start = last or {"position": 0, "hash": GENESIS_HASH}
    AuditChainHead.objects.get_or_create(pk=1, defaults=start)
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _type_name(obj: Any) -> str:
    return obj._meta.label_lower if obj is not None else ""


def _actor_value(actor: Any, name: str) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, name, None)


def _actor_fields(actor: Any) -> dict:
    if _actor_value(actor, "pk") is None:
        return {"actor_id": None, "actor_username": "", "actor_role": "", "actor_force": ""}
    force = actor.force if actor.force_id else None
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_role": actor.role or "",
        "actor_force": force.code if force is not None else "",
    }


def _case_of(obj: Any) -> tuple[uuid.UUID | None, int | None]:
    """The case an object belongs to, and that case's force (the owner of the data)."""
    from response_platform.cases.models import Case

    if obj is None:
        return None, None
    if isinstance(obj, Case):
        return obj.pk, obj.force_id
    holder = obj if getattr(obj, "case_id", None) is not None else _parent_with_case(obj)
    if holder is None:
        return None, None
    cached = holder._state.fields_cache.get("case")
    if cached is not None:
        return cached.pk, cached.force_id
    force_id = Case.objects.filter(pk=holder.case_id).values_list("force_id", flat=True).first()
    return uuid.UUID(str(holder.case_id)), force_id


def _parent_with_case(obj: Any) -> Any:
    """E.g. a referral message's referral, a join link's session."""
    for name in _CASE_PARENTS:
        if getattr(obj, f"{name}_id", None) is not None:
            parent = getattr(obj, name)
            if getattr(parent, "case_id", None) is not None:
                return parent
    return None
