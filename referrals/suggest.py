"""Which services to offer for a case: those covering its force, and the kinds its risk calls for."""

from django.db.models import QuerySet

from referrals.models import RiskLevel, ServiceKind, SupportService

# SafeLives practice: high risk goes to MARAC and an IDVA; below that, support in the community.
KINDS_BY_LEVEL: dict[str, tuple[str, ...]] = {
    RiskLevel.HIGH: (ServiceKind.MARAC, ServiceKind.IDVA),
    RiskLevel.MEDIUM: (ServiceKind.IDVA, ServiceKind.OUTREACH),
    RiskLevel.STANDARD: (ServiceKind.HELPLINE, ServiceKind.OUTREACH),
}


def suggested_kinds(assessment) -> list[str]:
    """Kinds to suggest for this assessment (None: not assessed yet, nothing suggested).

    Any MARAC criterion met (professional judgement, escalation, repeat referral)
    suggests MARAC whatever the score.
    """
    if assessment is None:
        return []
    kinds = list(KINDS_BY_LEVEL.get(assessment.level, ()))
    if ServiceKind.MARAC not in kinds and _meets_marac_criteria(assessment):
        kinds.insert(0, ServiceKind.MARAC)
    return kinds


def _meets_marac_criteria(assessment) -> bool:
    try:
        from referrals.risk import marac_criteria
    except ImportError:
        return False
    return bool(marac_criteria(assessment))


def services_for_case(case, *, kind: str = "", area: str = "") -> QuerySet[SupportService]:
    """Active services covering the case's force, optionally of one kind and mentioning an area."""
    services = SupportService.objects.filter(active=True, forces=case.force_id)
    # Both come from the page's query string: a NUL byte would reach PostgreSQL, which refuses it (a 500).
    if kind:
        services = services.filter(kind=kind) if kind in ServiceKind.values else services.none()
    area = area.replace("\x00", "").strip()
    if area:
        services = services.filter(areas__icontains=area)
    return services.distinct().order_by("name")
