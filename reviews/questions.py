"""The few key risk questions a call handler records with an incident, and the answers allowed.

Not the full DASH (that is the specialist's, after a call): these are the questions a
reviewer checks first for a missed safeguarding opportunity.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_RISK_QUESTIONS = (
    ("injured", _("Is the caller injured?")),
    ("abuser_present", _("Is the abuser still there or nearby?")),
    ("children", _("Are there children in the household?")),
    ("weapons", _("Has the abuser used or threatened to use a weapon?")),
    ("strangulation", _("Has the abuser ever tried to strangle, choke or suffocate the caller?")),
    ("frightened", _("Is the caller very frightened of what the abuser will do?")),
    ("previous", _("Has this happened before?")),
)
QUESTION_KEYS = tuple(key for key, _label in KEY_RISK_QUESTIONS)


class Answer(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Asked, not known")


def labelled(answers: dict | None) -> list[tuple[str, str]]:
    """(question, answer) pairs in the questionnaire's order, for a page."""
    answers = answers or {}
    return [(str(label), str(Answer(answers.get(key, Answer.NOT_ASKED)).label)) for key, label in KEY_RISK_QUESTIONS]


def asked_count(answers: dict | None) -> int:
    return sum(1 for key in QUESTION_KEYS if (answers or {}).get(key, Answer.NOT_ASKED) != Answer.NOT_ASKED)
