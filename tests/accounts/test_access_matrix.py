"""The access matrix: every URL pattern and every socket route, tried as every persona.

Each row of TABLE says what each persona gets from one URL pattern; each row of
SOCKETS whether each persona's socket is accepted. The walk enumerates the patterns
from the URL resolver and the socket routes from response_platform.routing, so a new
page or socket with no row fails `test_every_url_pattern_has_a_row` (and the socket
twin) until someone decides who may use it.

Outcomes of a page:
  allow   2xx, or a redirect anywhere but a sign-in page
  deny    403 or 404 (another force's or service's record looks like no record at all)
  login   a redirect to the staff or admin sign-in page (also a denial)
  method  405: the wrong method (each POST-only pattern is also tried with GET)
  signed  403 from a webhook for want of the provider's signature

The personas: every role in Force A (the world's force) and in Force B; the workers
of Service A (the referral's service) and Service B; Alice with her password only;
the caller's phone for this session and a phone bound to another session; an
anonymous browser; and an interpreter guest, whose device opened a guest link to the
session: it gets the guest's call page and socket, and nothing more than anonymous does.
Dave (Force A's officer) is invited into the session: he gets its page and socket only.
"""

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from evidence import services as evidence
from followups import appointments, consent
from followups import services as followups
from followups.models import FollowUpKind
from response_platform.accounts import fresh_otp
from response_platform.asgi import application
from response_platform.routing import websocket_urlpatterns
from response_platform.sms import inbound
from tests.followups.helpers import ALWAYS, next_weekday
from tests.personas import make_every_role, make_personas, session_with_link, verified_client
from tests.referrals.dash import ensure_dash_questionnaire
from tests.referrals.referral_rows import a_referral
from tests.referrals.referring import assess, refer
from tests.reviews.helpers import log as log_incident
from tests.reviews.helpers import review as review_incident
from tests.sms.twilio_fake import new_sid
from tests.sockets import ORIGIN, TIMEOUT, staff_cookie, victim_cookie
from tests.video.invitations import invited_guest
from video import guests
from video.models import ConsentDecision, ConsentScope

ALLOW, DENY, LOGIN, METHOD, SIGNED = "allow", "deny", "login", "method", "signed"
# 400: let past every access check, then the walk's empty request is refused as incomplete
# (an endpoint that needs a picture or coordinates in the body).
INVALID = "invalid"

# --- the personas --------------------------------------------------------------------------

FORCE_A = ["alice", "bob", "carol", "dave", "erin"]  # specialist, supervisor, call handler, officer, force admin
FORCE_B = ["olivia", "pete", "quinn", "rita", "tom"]  # the same roles in Force B
WORKERS = ["sid", "sue"]  # Service A (the referral's service), Service B (same force, another service)
SIGNED_OUT = ["alice_password_only", "victim", "other_victim", "guest", "anonymous"]
PERSONAS = FORCE_A + FORCE_B + WORKERS + SIGNED_OUT

READ_A = ["alice", "bob", "carol", "erin"]  # may view cases (not the officer)
CONTACT_A = ["alice", "bob", "erin"]  # may contact victims (not the call handler)
READ_B = ["olivia", "pete", "quinn", "tom"]
CONTACT_B = ["olivia", "pete", "tom"]
ESCALATIONS = ["alice", "bob", "olivia", "pete"]  # specialists and supervisors
ADMINS = ["erin", "tom"]
VICTIMS = ["victim", "other_victim"]
STAFF = FORCE_A + FORCE_B
GUEST_COOKIE = "vguest"


@dataclass
class Row:
    method: str
    expect: dict[str, str]
    signature: bool = False
    # Extra URLs to try for this row (the admin site is one row).
    also: list[str] = field(default_factory=list)


def staff_page(*allowed: str, method: str = "get") -> Row:
    """Behind the staff sign-in: `allowed` get it, anyone else signed in is refused, the rest sent to sign in."""
    return Row(method, {p: ALLOW if p in allowed else LOGIN if p in SIGNED_OUT else DENY for p in PERSONAS})


def open_page(*allowed: str, method: str = "get", others: str = DENY) -> Row:
    """No staff sign-in in front (victim pages, sign-in): the view alone decides."""
    return Row(method, {p: ALLOW if p in allowed else others for p in PERSONAS})


def refuses_empty(row: Row, *personas: str) -> Row:
    """`personas` get past the access checks, and the walk's empty POST is then refused (400)."""
    row.expect |= dict.fromkeys(personas, INVALID)
    return row


def webhook() -> Row:
    return Row("post", dict.fromkeys(PERSONAS, SIGNED), signature=True)


def admin_site() -> Row:
    row = staff_page(*ADMINS)
    # Signed in without is_staff: Django's admin sends them to its own sign-in page.
    row.expect |= dict.fromkeys(set(STAFF) - set(ADMINS), LOGIN)
    row.also = ["/admin/referrals/supportservice/"]
    return row


TABLE: dict[str, Row] = {
    # Everyone signed in is sent on to their start page (an officer's is then refused there).
    "home": staff_page(*STAFF, *WORKERS),
    "accounts:login": open_page(*PERSONAS),
    # Signing out lands everyone, signed in or not, on the sign-in page.
    "accounts:logout": open_page(method="post", others=LOGIN),
    "accounts:reauth": staff_page(*STAFF),
    "sms:status-webhook": webhook(),
    "sms:inbound-webhook": webhook(),
    "sms:replies": staff_page(*CONTACT_A, *CONTACT_B),
    "sms:reply-read": staff_page(*CONTACT_A, method="post"),
    # DEBUG only: a 404 under test settings for everyone who gets past the sign-in.
    "sms:outbox": staff_page(),
    "cases:list": staff_page(*READ_A, *READ_B),
    "cases:new": staff_page(*CONTACT_A, *CONTACT_B),
    "cases:detail": staff_page(*READ_A),
    "cases:panel": staff_page(*READ_A),
    "video:redeem": open_page("victim"),
    "video:victim-home": open_page(*VICTIMS),
    "video:victim-consent": open_page(*VICTIMS, method="post"),
    # Only sets this browser's language for the caller's pages: nothing personal read or written.
    "video:victim-language": open_page(*PERSONAS, method="post"),
    "video:start": staff_page(*CONTACT_A, method="post"),
    # Dave, an officer, only because he was invited into this call.
    "video:session": staff_page(*READ_A, "dave"),
    "video:events": staff_page(*READ_A),
    "video:resend": staff_page(*CONTACT_A, method="post"),
    "video:revoke": staff_page(*CONTACT_A, method="post"),
    "video:end": staff_page(*CONTACT_A, method="post"),
    # Listening in and inviting others: the guest's link and page, the specialist's invitations.
    "video:guest-redeem": open_page("guest"),
    "video:guest-home": open_page("guest"),
    "video:invite": staff_page(*CONTACT_A),
    "video:remove-invitation": staff_page(*CONTACT_A, method="post"),
    # Location and evidence: each caller posts for their own call only (the device cookie says which).
    "evidence:victim-consent": refuses_empty(open_page(method="post"), *VICTIMS),
    "evidence:victim-location": refuses_empty(open_page(method="post"), *VICTIMS),
    "evidence:victim-photo": refuses_empty(open_page(method="post"), *VICTIMS),
    "evidence:state": staff_page(*READ_A),
    # The world's caller allows snapshots; call handlers follow the call but take and open no pictures.
    "evidence:take-snapshot": refuses_empty(staff_page(method="post"), *CONTACT_A),
    "evidence:snapshot": staff_page(*CONTACT_A),
    "referrals:risk_edit": staff_page(*CONTACT_A),
    "referrals:risk_version": staff_page(*READ_A),
    "referrals:new_referral": staff_page(*CONTACT_A),
    "referrals:referral_thread": staff_page(*READ_A),
    "referrals:referral_thread_panel": staff_page(*READ_A),
    "referrals:referral_message": staff_page(*CONTACT_A, method="post"),
    "referrals:escalations": staff_page(*ESCALATIONS),
    "retention:legal-hold": staff_page("bob", "erin", method="post"),  # supervisors and force admins
    "audit:log": staff_page(*ADMINS),
    "audit:export": staff_page(*ADMINS),
    "portal:inbox": staff_page(*WORKERS),
    "portal:inbox_panel": staff_page(*WORKERS),
    "portal:referral": staff_page("sid"),
    "portal:referral_panel": staff_page("sid"),
    "portal:acknowledge": staff_page("sid", method="post"),
    "portal:accept": staff_page("sid", method="post"),
    "portal:decline": staff_page("sid"),
    "portal:contact": staff_page("sid"),
    "portal:close": staff_page("sid"),
    "portal:message": staff_page("sid", method="post"),
    "followups:schedule": staff_page(*CONTACT_A),
    "followups:contact-times": staff_page(*CONTACT_A),
    "followups:consent": staff_page(*CONTACT_A),
    "followups:book": staff_page(*CONTACT_A),
    "followups:reminders": staff_page(*CONTACT_A, *CONTACT_B),
    "followups:reschedule": staff_page(*CONTACT_A),
    "followups:cancel": staff_page(*CONTACT_A, method="post"),
    "followups:done": staff_page(*CONTACT_A, method="post"),
    "followups:cancel-appointment": staff_page(*CONTACT_A, method="post"),
    "control_room:dashboard": staff_page(*READ_A, *READ_B),
    "control_room:dashboard-rows": staff_page(*READ_A, *READ_B),
    "control_room:wrap-up": staff_page(*CONTACT_A),
    # Only a training case's session has a link to show (the world's own session is real: see build_world).
    "control_room:training-link": staff_page(*CONTACT_A),
    "control_room:decide": staff_page(*CONTACT_A, method="post"),
    # Call handlers log incidents and read their feedback; specialists and supervisors review;
    # supervisors and force admins see the statistics. The world's incident is Carol's, reviewed.
    "reviews:mine": staff_page("carol", "quinn"),
    "reviews:log": staff_page("carol", "quinn"),
    "reviews:acknowledge": staff_page("carol", method="post"),
    "reviews:queue": staff_page("alice", "bob", "olivia", "pete"),
    "reviews:review": staff_page("alice", "bob"),
    "reviews:statistics": staff_page("bob", "erin", "pete", "tom"),
    "admin": admin_site(),
}

# The panel each panel URL is asked for.
PANELS = {
    "cases:panel": "risk",
    "portal:inbox_panel": "inbox",
    "portal:referral_panel": "referral",
    "referrals:referral_thread_panel": "referrals",
}


# --- the URL patterns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "admin" for the whole admin site
    route: str
    kwargs: tuple[str, ...]


def url_patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    """Every URL pattern, with the admin site folded into one "admin" pattern."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            found.append(Pattern("admin", "admin/", ()))
        elif isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            found += url_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            key = ":".join(part for part in (namespace, entry.name) if part) if entry.name else route
            found.append(Pattern(key, route, tuple(entry.pattern.converters)))
    return list(dict.fromkeys(found))


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    cookies: dict[str, dict[str, str]]
    values: dict[str, object]


def client_cookies(client: Client) -> dict[str, str]:
    return {name: morsel.value for name, morsel in client.cookies.items()}


def header_cookies(header: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in header.split("; ") if part)


def signed_in(user) -> Client:
    """Signed in with both factors a moment ago, as the sign-in page leaves a browser
    (so the code counts as fresh for exports and admin changes)."""
    client = verified_client(user)
    session = client.session
    fresh_otp.mark_fresh(session)
    session.save()
    return client


def build_world() -> World:
    """Force A's case with everything hanging off it, and a browser for each persona."""
    ensure_dash_questionnaire()
    people = make_personas()
    users = make_every_role(people)
    session, _, token = session_with_link(people.alice)
    other_session, _, other_token = session_with_link(people.alice, phone="+447700900124", reference="INC-0002")
    case = session.case
    followups.save_contact_times(case, by=people.alice, contact_windows=ALWAYS, notes="")
    consent.record_verbal(case, by=people.alice, decision=ConsentDecision.GRANTED, language="en-gb")
    case.refresh_from_db()
    assess(case, people.alice)
    referral = refer(case, people.service_a, people.alice)
    follow_up = followups.schedule(
        case, by=people.alice, kind=FollowUpKind.CHECK_IN_SMS, due_at=timezone.now() + timedelta(days=2)
    )
    appointment = appointments.book(case, by=people.alice, starts_at=next_weekday(1, time(10, 30)))
    reply = inbound.record_reply(sid=new_sid(), from_number="+447700900123", body="Call after 3").reply
    evidence.set_consent(session, ConsentScope.SNAPSHOTS, grant=True, language="en-gb")
    snapshot = evidence.take_snapshot(session, b"\xff\xd8\xff" + b"\0" * 32, by=people.alice)
    training_session, _, _ = session_with_link(people.alice, phone="+447700900125", reference="INC-T-0001")
    type(case).objects.filter(pk=training_session.case_id).update(is_training=True)

    incident = log_incident(people.carol)
    review_incident(incident, people.alice, "Safety advice not given")
    guests.invite_officer(session, officer=users["dave"], by=people.alice)
    invitation, guest_path, guest_secret = invited_guest(session, people.alice)

    password_only = Client()
    password_only.force_login(people.alice)
    cookies = {name: client_cookies(signed_in(user)) for name, user in users.items()}
    cookies |= {
        "alice_password_only": client_cookies(password_only),
        "victim": header_cookies(victim_cookie(token)),
        "other_victim": header_cookies(victim_cookie(other_token)),
        "guest": {GUEST_COOKIE: guest_secret},
        "anonymous": {},
    }
    values = {
        "case_id": case.pk,
        "session_id": session.pk,
        "referral_id": referral.pk,
        "incident_id": incident.pk,
        "version": 1,
        "reply_id": reply.pk,
        "snapshot_id": snapshot.pk,
        "token": token,
        "video:guest-redeem:token": guest_path.rsplit("/", 1)[1],
        "invitation_id": invitation.pk,
        "pk": follow_up.pk,
        "followups:cancel-appointment:pk": appointment.pk,
        "control_room:training-link:session_id": training_session.pk,
        "item": "referrals",
    }
    return World(cookies=cookies, values=values)


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """Built once for TestEveryPage inside a transaction rolled back at its end; each request
    below runs in a savepoint rolled back after it, so no persona's POST changes the next one's world.

    Built with a cache of its own, as every test runs (conftest._fresh_cache, which a class fixture
    precedes): opening the guest's link is throttled per address, and a shared Redis may hold
    other runs' counts."""
    own_cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "world"}}
    with django_db_blocker.unblock(), override_settings(CACHES=own_cache), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def urls_for(pattern: Pattern, world: World) -> list[str]:
    if pattern.key == "admin":
        return ["/admin/", *TABLE["admin"].also]
    kwargs = {}
    for name in pattern.kwargs:
        if name == "panel":
            kwargs[name] = PANELS[pattern.key]
        else:
            kwargs[name] = world.values.get(f"{pattern.key}:{name}", world.values.get(name))
        assert kwargs[name] is not None, f"the world has nothing for <{name}> in {pattern.route}"
    return [reverse(pattern.key, kwargs=kwargs)]


def outcome(response, row: Row) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return ALLOW
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        return LOGIN if target in (reverse(settings.LOGIN_URL), reverse("admin:login")) else ALLOW
    if status == 405:
        return METHOD
    if status == 403 and row.signature:
        return SIGNED
    if status in (403, 404):
        return DENY
    if status == 400:
        return INVALID
    return f"HTTP {status}"


# One client for the whole walk: a new one loads the middleware again, static file index and all.
_client = Client()


def fetch(world: World, persona: str, method: str, url: str):
    """The response `persona`'s browser gets, with nothing it did kept (no cookie, no row)."""
    client = _client
    client.cookies.clear()
    for name, value in world.cookies[persona].items():
        client.cookies[name] = value
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def test_every_url_pattern_has_a_row():
    keys = {pattern.key for pattern in url_patterns()}
    assert sorted(keys - set(TABLE)) == [], "URL patterns missing from the access matrix"
    assert sorted(set(TABLE) - keys) == [], "rows of the access matrix for URL patterns that no longer exist"


def test_every_row_names_every_persona():
    assert {
        key: sorted(set(PERSONAS) - set(row.expect)) for key, row in TABLE.items() if set(row.expect) != set(PERSONAS)
    } == {}


POST_ONLY = [key for key, row in TABLE.items() if row.method == "post" and not row.signature]


@pytest.mark.django_db
class TestEveryPage:
    """One world for the class, torn down before the socket test below commits its own."""

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_each_persona_gets_exactly_what_the_table_says(self, world, persona, settings):
        # Every persona opens the same link, and the walk may take a while.
        settings.JOIN_REDEMPTION_LIMIT = 1000
        settings.FRESH_OTP_MINUTES = 60
        wrong = []
        for pattern in url_patterns():
            row = TABLE.get(pattern.key)
            if row is None:
                continue  # named by test_every_url_pattern_has_a_row
            for url in urls_for(pattern, world):
                got = outcome(fetch(world, persona, row.method, url), row)
                if got != row.expect[persona]:
                    wrong.append(
                        f"{row.method.upper()} {url} ({pattern.key}): expected {row.expect[persona]}, got {got}"
                    )
        assert wrong == [], f"{persona}:\n" + "\n".join(wrong)

    @pytest.mark.parametrize("key", POST_ONLY)
    def test_a_post_only_page_refuses_a_get_from_someone_allowed_to_post(self, world, key):
        row = TABLE[key]
        # Signing out sends everyone to the sign-in page, and anyone may try.
        persona = next((p for p in PERSONAS if row.expect[p] in (ALLOW, INVALID)), "anonymous")
        pattern = next(p for p in url_patterns() if p.key == key)
        response = fetch(world, persona, "get", urls_for(pattern, world)[0])
        assert outcome(response, row) == METHOD

    @pytest.mark.parametrize("key", ["sms:status-webhook", "sms:inbound-webhook"])
    def test_a_webhook_answers_a_get_with_405_too(self, world, key):
        pattern = next(p for p in url_patterns() if p.key == key)
        assert fetch(world, "anonymous", "get", urls_for(pattern, world)[0]).status_code == 405


# --- the socket routes -------------------------------------------------------------------------

# The catch-all route that refuses any other /ws/ path.
ANYTHING_ELSE = "(anything else)"
# Who may open each socket; anyone else is refused (a 4403 close, or no handshake at all).
SOCKETS: dict[str, list[str]] = {
    # Staff of the session's force who may view cases, and the caller's own phone. The call
    # handler's socket feeds her session page's live timeline, but it also lets her join the
    # call and chat with the caller, which her role may not otherwise do (no watch-only mode yet).
    # Dave (officer) and the guest were invited into this call.
    "ws/sessions/<uuid:session_id>/": [*READ_A, "victim", "dave", "guest"],
    "ws/cases/<uuid:case_id>/": READ_A,
    "ws/portal/": WORKERS,
    "ws/portal/referrals/<uuid:referral_id>/": ["sid"],
    "ws/dashboard/": [*READ_A, *READ_B],
    ANYTHING_ELSE: [],
}


def socket_routes() -> list[str]:
    return [str(route.pattern) or ANYTHING_ELSE for route in websocket_urlpatterns]


def socket_path(route: str, values: dict) -> str:
    if route == ANYTHING_ELSE:
        return "/ws/nothing-here/"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match[1]]), route)


def test_every_socket_route_has_a_row():
    assert sorted(set(socket_routes()) ^ set(SOCKETS)) == []


@pytest.fixture
def socket_world(transactional_db) -> tuple[dict[str, str], dict]:
    """Committed rows (the consumers read them from other threads) and each persona's Cookie header."""
    ensure_dash_questionnaire()
    people = make_personas()
    users = make_every_role(people)
    session, _, token = session_with_link(people.alice)
    other_session, _, other_token = session_with_link(people.alice, phone="+447700900124", reference="INC-0002")
    referral = a_referral(people, case=session.case)
    guests.invite_officer(session, officer=users["dave"], by=people.alice)
    _, _, guest_secret = invited_guest(session, people.alice)
    cookies = {name: staff_cookie(user) for name, user in users.items()}
    cookies |= {
        "alice_password_only": staff_cookie(people.alice, second_factor=False),
        "victim": victim_cookie(token),
        "other_victim": victim_cookie(other_token),
        "guest": f"{GUEST_COOKIE}={guest_secret}",
        "anonymous": "",
    }
    values = {"session_id": session.pk, "case_id": session.case_id, "referral_id": referral.pk}
    return cookies, values


async def accepted(path: str, cookie: str) -> bool:
    """Whether the server keeps the socket: refusals close at once (4403) or never complete the handshake."""
    headers = [(b"host", b"localhost:8000"), (b"origin", ORIGIN.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    kept = connected
    if connected and not await communicator.receive_nothing(timeout=0.3):
        kept = (await communicator.receive_output(timeout=TIMEOUT))["type"] != "websocket.close"
    await communicator.disconnect(timeout=TIMEOUT)
    return kept


@pytest.mark.django_db(transaction=True)
async def test_each_persona_opens_exactly_the_sockets_the_table_says(socket_world):
    cookies, values = socket_world
    wrong = []
    for route in socket_routes():
        path = socket_path(route, values)
        for persona in PERSONAS:
            expected = persona in SOCKETS.get(route, [])
            if await accepted(path, cookies[persona]) != expected:
                wrong.append(f"{persona} on {path}: expected {'accepted' if expected else 'refused'}")
    assert wrong == [], "\n".join(wrong)
