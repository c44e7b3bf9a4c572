"""Closed questions for a caller who cannot speak: they answer with a Yes or No button.

The specialist picks a question by id (or types their own to be asked as yes/no); the
caller reads it in the case's language, and the specialist sees the English beside it.
"""

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# Fixed ids, so a frame names a question and never carries the wording the caller reads.
QUESTIONS: dict[str, str] = {
    "safe_to_talk": gettext_noop("Are you safe to talk?"),
    "person_there": gettext_noop("Is the person still there?"),
    "police_now": gettext_noop("Do you need police now?"),
    "can_type": gettext_noop("Can you type?"),
}
ANSWERS: dict[str, str] = {"yes": gettext_noop("Yes"), "no": gettext_noop("No")}


def in_language(english: str, language: str) -> str:
    """A fixed English string as the caller reads it."""
    with translation.override(language):
        return gettext(english)


def question(question_id: str, language: str) -> tuple[str, str]:
    """(text in the caller's language, English) for a known question id."""
    english = QUESTIONS[question_id]
    return in_language(english, language), english


def answer(value: str, language: str) -> tuple[str, str]:
    """(the caller's Yes or No in their language, English)."""
    english = ANSWERS[value]
    return in_language(english, language), english


def annotate(frames: list[dict], language: str) -> list[dict]:
    """Mark stored chat lines that are quick questions or yes/no answers, for a page that reconnects.

    The chat record keeps only the text; a line that reads exactly as one of the fixed
    questions (or answers) in the case's language is shown as one again."""
    known = {in_language(english, language): ("question", english) for english in QUESTIONS.values()}
    known |= {in_language(english, language): ("answer", english) for english in ANSWERS.values()}
    for frame in frames:
        kind_and_english = known.get(frame.get("text", ""))
        if kind_and_english is None:
            continue
        kind, english = kind_and_english
        if (kind == "question") == (frame.get("role") == "staff"):
            frame[kind] = True
            frame["english"] = english
    return frames
