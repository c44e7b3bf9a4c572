"""Referrals made the way the "make a referral" page makes them, for the referral and portal tests."""

from referrals import services
from referrals.models import Referral
from referrals.risk import save_assessment
from video.models import ConsentMethod

DASH_QUESTIONS = 24
DASH_NOTE = "Threatened to take the children abroad"
SAFE_NOTES = "Only call in the mornings; he checks her phone after work"
WINDOWS = [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "12:00"}]


def dash_answers(yes: int) -> dict:
    """The first `yes` questions answered yes (the first with a note), the rest no."""
    return {
        str(n): {"answer": "yes" if n <= yes else "no", "note": DASH_NOTE if n == 1 else ""}
        for n in range(1, DASH_QUESTIONS + 1)
    }


def assess(case, by, *, yes: int = 15, **fields):
    return save_assessment(case, by=by, answers=dash_answers(yes), **fields)


def with_contact_details(case):
    case.safe_contact_notes = SAFE_NOTES
    case.contact_windows = WINDOWS
    case.save(update_fields=["safe_contact_notes", "contact_windows"])
    return case


def refer(case, service, by, *, method: str = ConsentMethod.VERBAL) -> Referral:
    return services.make_referral(case, service, by=by, consent_method=method, consented=True)
