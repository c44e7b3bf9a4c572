"""Ending a call hands the specialist to the wrap-up page, whichever page load gets there first.

The end button's POST redirects to wrap-up, but the call page also reloads itself
when its socket hears the session closed, and that reload can win the race and
cancel the redirect. So ending also leaves a one-shot note in the sign-in session:
the next load of that session's page goes on to wrap-up once.
"""

KEY = "wrap_up_next"


def ask_for_outcome(request, session_id) -> None:
    request.session[KEY] = str(session_id)


def outcome_asked(request, session_id) -> bool:
    """Whether this page load should go on to wrap-up; the note is used up either way."""
    if request.session.get(KEY) != str(session_id):
        return False
    del request.session[KEY]
    return True
