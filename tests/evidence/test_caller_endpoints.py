"""The caller's phone gives and withdraws consent, shares its location and sends a photo."""

from django.test import Client
from django.utils import translation

from evidence.models import LocationShare, Snapshot, SnapshotKind
from evidence.notices import NOTICE_VERSION, notice
from response_platform.audit.models import AuditEvent
from response_platform.lib.crypto import sha256_hex
from tests.evidence.scene import JPEG, PNG, a_call, allow, post_location, post_photo, withdraw
from video.models import ConsentDecision, ConsentRecord, ConsentScope, EventKind, SessionEvent
from video.presence import DEVICE_COOKIE

ENDPOINTS = ["/v/evidence/consent/", "/v/evidence/location/", "/v/evidence/photo/"]


def events(call, kind) -> list[SessionEvent]:
    return list(SessionEvent.objects.filter(session=call.session, kind=kind))


def test_a_phone_without_the_device_cookie_is_refused_everywhere(people):
    a_call(people.alice)
    for url in ENDPOINTS:
        assert Client().post(url, {"scope": "location", "decision": "granted"}).status_code == 404


def test_a_forged_device_cookie_is_refused_and_stores_nothing(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.LOCATION)
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "not-the-secret-the-link-was-bound-to"
    assert post_location(forged).status_code == 404
    assert forged.post("/v/evidence/consent/", {"scope": "location", "decision": "withdrawn"}).status_code == 404
    assert post_photo(forged, PNG).status_code == 404
    assert not LocationShare.objects.exists()
    assert ConsentRecord.objects.filter(scope=ConsentScope.LOCATION).count() == 1


def test_a_post_another_site_makes_from_the_phone_is_refused(people):
    call = a_call(people.alice)
    response = call.phone.post(
        "/v/evidence/consent/", {"scope": "location", "decision": "granted"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 404
    assert not ConsentRecord.objects.filter(scope=ConsentScope.LOCATION).exists()


def test_consent_is_recorded_with_the_hash_of_the_notice_the_caller_read(people):
    call = a_call(people.alice)
    response = call.phone.post(
        "/v/evidence/consent/", {"scope": "snapshots", "decision": "granted", "notice_version": NOTICE_VERSION}
    )
    assert response.status_code == 200
    consent = ConsentRecord.objects.get(scope=ConsentScope.SNAPSHOTS)
    assert consent.decision == ConsentDecision.GRANTED
    with translation.override("en-gb"):
        assert consent.notice_sha256 == sha256_hex(notice(ConsentScope.SNAPSHOTS))
    assert consent.notice_version == NOTICE_VERSION
    assert [e.detail for e in events(call, EventKind.CONSENT_GRANTED)][-1] == "snapshots"


def test_agreeing_to_wording_that_has_since_changed_is_refused_but_withdrawing_never_is(people):
    call = a_call(people.alice)
    stale = {"scope": "location", "decision": "granted", "notice_version": "2020-01-old"}
    assert call.phone.post("/v/evidence/consent/", stale).status_code == 409
    allow(call, ConsentScope.LOCATION)
    withdrawal = {"scope": "location", "decision": "withdrawn", "notice_version": "2020-01-old"}
    assert call.phone.post("/v/evidence/consent/", withdrawal).status_code == 200
    assert [e.detail for e in events(call, EventKind.CONSENT_WITHDRAWN)] == ["location"]


def test_a_location_is_stored_only_while_the_caller_agrees(people):
    call = a_call(people.alice)
    assert post_location(call.phone).status_code == 409
    allow(call, ConsentScope.LOCATION)
    assert post_location(call.phone).status_code == 200
    withdraw(call, ConsentScope.LOCATION)
    assert post_location(call.phone, lat=51.6).status_code == 409
    share = LocationShare.objects.get()
    assert (share.latitude, share.longitude, share.accuracy) == (51.501364, -0.14189, 12.5)


def test_the_session_record_says_a_location_was_shared_but_never_where(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.LOCATION)
    post_location(call.phone)
    [shared] = events(call, EventKind.LOCATION_SHARED)
    assert "51.5" not in shared.detail and "0.14" not in shared.detail
    assert AuditEvent.objects.filter(action="collection", object_type="evidence.locationshare").count() == 1


def test_coordinates_no_phone_could_report_are_refused(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.LOCATION)
    assert post_location(call.phone, lat=123.0).status_code == 400
    assert call.phone.post("/v/evidence/location/", {"lat": "nan", "lon": "0", "accuracy": "5"}).status_code == 400
    assert call.phone.post("/v/evidence/location/", {"lat": "51.5"}).status_code == 400
    assert not LocationShare.objects.exists()


def test_a_photo_from_the_caller_is_stored_with_its_hash_in_the_record(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    response = post_photo(call.phone, JPEG, "photo.jpg")
    assert response.status_code == 200
    photo = Snapshot.objects.get()
    assert (photo.kind, photo.content_type, photo.image, photo.taken_by) == (
        SnapshotKind.PHOTO,
        "image/jpeg",
        JPEG,
        None,
    )
    assert response.json()["sha256"] == photo.sha256 == sha256_hex(JPEG)
    [received] = events(call, EventKind.PHOTO_RECEIVED)
    assert received.detail == f"SHA-256 {photo.sha256}"
    assert AuditEvent.objects.filter(action="collection", object_type="evidence.snapshot").count() == 1


def test_a_photo_without_consent_is_refused(people):
    call = a_call(people.alice)
    assert post_photo(call.phone, PNG).status_code == 409
    allow(call, ConsentScope.SNAPSHOTS)
    withdraw(call, ConsentScope.SNAPSHOTS)
    assert post_photo(call.phone, PNG).status_code == 409
    assert not Snapshot.objects.exists()


def test_an_oversize_photo_is_refused_with_a_clear_400(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    response = post_photo(call.phone, PNG[:8] + b"\0" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert response.json() == {"error": "too_large", "message": "The picture is too large (at most 2 MB)."}
    # Far larger: refused from its length alone, before the body is read.
    assert post_photo(call.phone, PNG[:8] + b"\0" * (3 * 1024 * 1024)).json()["error"] == "too_large"
    assert not Snapshot.objects.exists()


def test_a_file_that_is_not_a_jpeg_or_png_is_refused_with_a_clear_400(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    for data, name in [(b"GIF89a" + b"\0" * 50, "photo.gif"), (b"<svg onload=alert(1)>", "photo.png"), (b"", "x.png")]:
        response = post_photo(call.phone, data, name)
        assert response.status_code == 400
        assert response.json()["error"] in ("not_an_image", "empty")
    assert post_photo(call.phone, b"GIF89a").json()["message"] == "Only JPEG or PNG pictures can be sent."
    assert not Snapshot.objects.exists()


def test_the_hash_is_of_the_notice_in_the_language_the_page_showed(people, settings):
    settings.LANGUAGES = [("en-gb", "English"), ("cy", "Welsh")]
    call = a_call(people.alice)
    body = {"scope": "location", "decision": "granted", "notice_version": NOTICE_VERSION, "language": "cy"}
    assert call.phone.post("/v/evidence/consent/", body).status_code == 200
    consent = ConsentRecord.objects.get(scope=ConsentScope.LOCATION, notice_version=NOTICE_VERSION)
    assert consent.language == "cy"
    with translation.override("cy"):
        assert consent.notice_sha256 == sha256_hex(notice(ConsentScope.LOCATION))


def test_the_call_page_posts_back_the_language_it_drew_the_notice_in(people):
    call = a_call(people.alice)
    page = call.phone.get("/v/").content.decode()
    assert 'data-language="en-gb"' in page
    with translation.override("en-gb"):
        assert notice(ConsentScope.LOCATION) in page and notice(ConsentScope.SNAPSHOTS) in page
