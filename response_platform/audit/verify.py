"""Walk the whole chain and say where it first breaks."""

from dataclasses import dataclass

from response_platform.audit.chain import hash_of
from response_platform.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None  # position of the first bad entry
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    expected_position, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("position").iterator(chunk_size=chunk_size):
        problem = _problem(event, expected_position, prev_hash)
        if problem:
            return ChainReport(checked, event.position, problem)
        expected_position, prev_hash, checked = event.position + 1, event.hash, checked + 1
    return _check_head(checked, prev_hash)


def _problem(event: AuditEvent, expected_position: int, prev_hash: str) -> str:
    if event.position != expected_position:
        return _missing(expected_position, event.position - 1)
    if event.prev_hash != prev_hash:
        return "its previous-hash does not match the entry before it"
    if hash_of(event) != event.hash:
        return "its contents do not match its hash (the entry was altered)"
    return ""


def _check_head(checked: int, last_hash: str) -> ChainReport:
    """The newest entries have nothing after them to vouch for them; the head does."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or (head.position == checked and head.hash == last_hash):
        return ChainReport(checked)
    if head.position > checked:
        return ChainReport(checked, checked + 1, _missing(checked + 1, head.position))
    return ChainReport(checked, None, "the chain head does not match the last entry")


def _missing(first: int, last: int) -> str:
    return f"entry #{first} is missing" if first == last else f"entries #{first} to #{last} are missing"
