"""The one way anything records processing of personal data in the audit trail.

`record(...)` is called by views (consultation: any display of personal data),
services (collection, alteration, disclosure, combination) and tasks (disclosure by
webhook, erasure by retention). Entries hold no personal data themselves: the object
is named by its type and primary key, the recipient by service/user name or address.
"""

from response_platform.audit.actions import AuditAction


def record(
    action: AuditAction | str,
    obj=None,
    *,
    actor=None,
    object_type: str = "",
    object_id: str = "",
    recipient: str = "",
    justification: str = "",
    detail: str = "",
) -> None:
    """Append one entry. `obj` (a model instance) names the object unless object_type/object_id are given.

    actor: the user (None for the system: a task, a webhook, the victim's device — say which in `detail`).
    recipient: for disclosures, who received the data. justification: why, where the law asks for it.
    """
