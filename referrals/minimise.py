"""What a referral shares: per kind of service, only the fields that service needs.

UK GDPR art. 5(1)(c) (data minimisation): a refuge does not need the DASH answers,
a MARAC coordinator does not phone the victim so never gets the number. The data is
copied into `Referral.shared_data` (encrypted) when the referral is sent, so the
service later sees what was shared then, whatever happens to the case.

| kind                              | contact¹ | language | risk level | DASH answers | MARAC criteria | police ref² |
|-----------------------------------|:--------:|:--------:|:----------:|:------------:|:--------------:|:-----------:|
| MARAC coordinator                 |          |    ✓     |     ✓      |      ✓       |       ✓        |      ✓      |
| IDVA service                      |    ✓     |    ✓     |     ✓      |      ✓       |       ✓        |      ✓      |
| children's services               |          |    ✓     |     ✓      |      ✓       |                |      ✓      |
| refuge, outreach, male victims,   |    ✓     |    ✓     |     ✓      |              |                |             |
| LGBT+, honour-based abuse, ISVA,  |          |          |            |              |                |             |
| older people, disabled victims    |          |          |            |              |                |             |
| helpline, other                   |    ✓     |    ✓     |            |              |                |             |

¹ contact: the victim's mobile, when it is safe to call (contact windows and their
  timezone) and the safe-contact notes; only kinds whose staff contact the victim.
² police ref: the incident reference, for agencies that work the case with the police.
Every referral also names the force and the referring specialist, so the service can
reply and knows who to ask.
"""

from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from referrals.models import RiskLevel, ServiceKind

CONTACT = ("victim_phone", "contact_windows", "timezone", "safe_contact_notes")
RISK = ("risk_level", "dash_yes_count")
ALWAYS = ("force", "referred_by", "language")

# Kinds whose workers phone the victim; nobody else is given the number.
CONTACTING_KINDS = {
    ServiceKind.IDVA,
    ServiceKind.REFUGE,
    ServiceKind.HELPLINE,
    ServiceKind.OUTREACH,
    ServiceKind.MALE_VICTIMS,
    ServiceKind.LGBT,
    ServiceKind.HONOUR_BASED,
    ServiceKind.SEXUAL_VIOLENCE,
    ServiceKind.OLDER_PEOPLE,
    ServiceKind.DISABLED,
    ServiceKind.OTHER,
}
ADVOCACY = (*ALWAYS, *CONTACT, *RISK)
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    ServiceKind.MARAC: (*ALWAYS, *RISK, "dash_answers", "marac_criteria", "police_reference"),
    ServiceKind.IDVA: (*ADVOCACY, "dash_answers", "marac_criteria", "police_reference"),
    ServiceKind.CHILDREN: (*ALWAYS, *RISK, "dash_answers", "police_reference"),
    ServiceKind.REFUGE: ADVOCACY,
    ServiceKind.OUTREACH: ADVOCACY,
    ServiceKind.MALE_VICTIMS: ADVOCACY,
    ServiceKind.LGBT: ADVOCACY,
    ServiceKind.HONOUR_BASED: ADVOCACY,
    ServiceKind.SEXUAL_VIOLENCE: ADVOCACY,
    ServiceKind.OLDER_PEOPLE: ADVOCACY,
    ServiceKind.DISABLED: ADVOCACY,
    ServiceKind.HELPLINE: (*ALWAYS, *CONTACT),
    ServiceKind.OTHER: (*ALWAYS, *CONTACT),
}

LABELS = {
    "force": _("Referring force"),
    "referred_by": _("Referred by"),
    "language": _("Preferred language"),
    "victim_phone": _("Mobile number"),
    "contact_windows": _("Safe times to call"),
    "timezone": _("Times are in"),
    "safe_contact_notes": _("Safe contact notes"),
    "risk_level": _("Risk level (DASH)"),
    "dash_yes_count": _("DASH “yes” answers"),
    "dash_answers": _("DASH answers"),
    "marac_criteria": _("MARAC criteria met"),
    "police_reference": _("Police incident reference"),
}
# Plain words for the consent script the specialist reads out.
SPOKEN = {
    "victim_phone": "your mobile number",
    "contact_windows": "when it is safe to call you",
    "safe_contact_notes": "anything you told us about contacting you safely",
    "language": "the language you prefer",
    "risk_level": "how serious we think the risk is",
    "dash_answers": "your answers to the risk questions",
    "police_reference": "the police reference for today",
}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def fields_for(kind: str) -> tuple[str, ...]:
    return FIELDS_BY_KIND.get(kind, FIELDS_BY_KIND[ServiceKind.OTHER])


def shares_phone(kind: str) -> bool:
    return "victim_phone" in fields_for(kind)


def shared_data_for(case, service, *, by, assessment=None) -> dict:
    """The dictionary stored in `Referral.shared_data`: `service.kind`'s fields, from the case and `assessment`."""
    return pick(service.kind, collect(case, by=by, assessment=assessment))


def pick(kind: str, everything: dict) -> dict:
    """Only `kind`'s fields out of `collect()`'s result (for previews of several services at once)."""
    return {name: everything[name] for name in fields_for(kind) if name in everything}


def spoken_summary(kind: str) -> str:
    """E.g. "your mobile number, when it is safe to call you and the language you prefer"."""
    parts = [SPOKEN[name] for name in fields_for(kind) if name in SPOKEN]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def describe(shared: dict) -> list[dict]:
    """Rows for a page: label, display value, and the DASH answers as their own list."""
    rows = []
    for name in LABELS:
        if name not in shared:
            continue
        value = shared[name]
        row = {"name": name, "label": LABELS[name], "value": _display(name, value)}
        if name == "dash_answers":
            row["answers"] = value
        rows.append(row)
    return rows


def _display(name: str, value) -> str:
    if name == "contact_windows":
        return "; ".join(_window(w) for w in value) if value else str(_("None recorded: ask before calling"))
    if name == "marac_criteria":
        return ", ".join(str(c) for c in value) if value else str(_("None"))
    if name == "dash_answers":
        return str(len(value))
    if name == "language":
        return _language_name(value)
    if name == "risk_level" and value in RiskLevel.values:
        return str(RiskLevel(value).label)
    if value in ("", None):
        return "—"
    return str(value)


def _language_name(code: str) -> str:
    try:
        return f"{get_language_info(code)['name']} ({code})"
    except KeyError:
        return code


def _window(window: dict) -> str:
    days = ", ".join(DAYS[d] for d in window.get("days", []) if 0 <= d < len(DAYS))
    return f"{days} {window.get('start', '')}–{window.get('end', '')}".strip()


def collect(case, *, by, assessment=None) -> dict:
    """Every field any service could be given, prefilled from the case and the risk assessment."""
    data = {
        "force": case.force.name,
        "referred_by": by.get_full_name() or by.username,
        "language": case.preferred_language,
        "victim_phone": case.victim_phone,
        "contact_windows": case.contact_windows or [],
        "timezone": case.force.timezone,
        "safe_contact_notes": case.safe_contact_notes or "",
        "police_reference": case.incident_reference,
    }
    if assessment is not None:
        data |= _risk_fields(assessment)
    return data


def _risk_fields(assessment) -> dict:
    from referrals import risk

    return {
        "risk_level": assessment.level,
        "dash_yes_count": assessment.yes_count,
        "dash_answers": risk.answers_for_sharing(assessment),
        "marac_criteria": [str(c) for c in risk.marac_criteria(assessment)],
    }
