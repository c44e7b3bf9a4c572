"""Which language the caller's pages speak.

The case's preferred language sets it; the caller can switch on any page, and the
choice is kept for this phone in a cookie holding only a language code. Nothing is
kept in localStorage, and staff pages are unaffected.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

COOKIE = "rp_lang"
COOKIE_MAX_AGE = 12 * 60 * 60
ENGLISH = "en-gb"
# Each language named in itself, so a caller who reads no English can still find theirs.
NATIVE_NAMES = {
    "en-gb": "English",
    "cy": "Cymraeg",
    "ar": "العربية",
    "pl": "Polski",
    "ur": "اردو",
    "ro": "Română",
    "pa": "ਪੰਜਾਬੀ",
    "bn": "বাংলা",
}


def supported(code: str | None) -> str | None:
    """The code if the caller's pages speak it, else None."""
    codes = {code for code, _ in settings.LANGUAGES}
    return code if code in codes else None


def for_request(request: HttpRequest, case_language: str | None = None) -> str:
    """The phone's own choice first, then the case's preferred language, then what the browser asks for."""
    chosen = supported(request.COOKIES.get(COOKIE)) or supported(case_language)
    if chosen:
        return chosen
    return supported(translation.get_language_from_request(request)) or ENGLISH


def remember(response: HttpResponse, code: str) -> None:
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, httponly=True, secure=not settings.DEBUG, samesite="Lax")


def choices() -> list[tuple[str, str]]:
    return [(code, NATIVE_NAMES.get(code, name)) for code, name in settings.LANGUAGES]
