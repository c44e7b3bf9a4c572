"""The specialist's side: the live location, snapshots, and who may open a picture."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from evidence import services
from evidence.models import Snapshot
from evidence.present import map_url
from response_platform.audit.models import AuditEvent
from response_platform.lib.crypto import sha256_hex
from tests.evidence.scene import JPEG, PNG, a_call, allow, post_location, withdraw
from tests.personas import verified_client
from video.models import ConsentScope, EventKind, SessionEvent


def take(client: Client, session, data: bytes = JPEG):
    url = f"/sessions/{session.pk}/evidence/snapshots/"
    return client.post(url, {"image": SimpleUploadedFile("snapshot.jpg", data)})


def state(client: Client, session) -> dict:
    response = client.get(f"/sessions/{session.pk}/evidence/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_a_snapshot_taken_with_consent_is_stored_encrypted_with_its_hash_in_the_record(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    response = take(verified_client(people.alice), call.session)
    assert response.status_code == 201
    snapshot = Snapshot.objects.get()
    assert snapshot.image == JPEG and snapshot.taken_by == people.alice
    assert snapshot.sha256 == sha256_hex(JPEG) == response.json()["sha256"]
    [taken] = SessionEvent.objects.filter(session=call.session, kind=EventKind.SNAPSHOT_TAKEN)
    assert taken.detail == f"SHA-256 {sha256_hex(JPEG)}" and taken.actor == people.alice


def test_the_stored_image_column_does_not_hold_the_picture(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    services.receive_photo(call.session, PNG)
    with connection.cursor() as cursor:
        cursor.execute("SELECT image FROM evidence_snapshot")
        [(raw,)] = cursor.fetchall()
    raw = raw if isinstance(raw, str) else bytes(raw).decode()
    assert raw.startswith("gAAAAA")  # a Fernet token
    assert b"evidence photo of the bruised forearm" not in raw.encode()
    assert PNG.decode("latin-1") not in raw
    assert base64.b64encode(PNG).decode()[:40] not in raw


def test_without_consent_or_after_withdrawal_the_server_refuses_a_snapshot(people):
    call = a_call(people.alice)
    alice = verified_client(people.alice)
    response = take(alice, call.session)
    assert response.status_code == 409 and response.json()["error"] == "no_consent"
    allow(call, ConsentScope.SNAPSHOTS)
    withdraw(call, ConsentScope.SNAPSHOTS)
    assert take(alice, call.session).status_code == 409
    assert not Snapshot.objects.exists()
    assert state(alice, call.session)["can_take_snapshot"] is False


def test_a_snapshot_that_is_not_a_picture_is_refused_with_a_400(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    response = take(verified_client(people.alice), call.session, b"<html>not a picture</html>")
    assert response.status_code == 400 and response.json()["error"] == "not_an_image"


def test_a_call_handler_may_not_take_a_snapshot(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    assert take(verified_client(people.carol), call.session).status_code == 403
    assert not Snapshot.objects.exists()


def test_the_specialist_sees_the_live_location_with_a_map_link_until_it_is_withdrawn(people):
    call = a_call(people.alice)
    alice = verified_client(people.alice)
    assert state(alice, call.session)["location"] is None
    allow(call, ConsentScope.LOCATION)
    post_location(call.phone)
    location = state(alice, call.session)["location"]
    assert (location["lat"], location["lon"], location["accuracy"]) == (51.501364, -0.14189, 12.5)
    osm = "https://www.openstreetmap.org/?mlat=51.501364&mlon=-0.141890#map=17/51.501364/-0.141890"
    assert location["map_url"] == map_url(51.501364, -0.14189) == osm
    looks = AuditEvent.objects.filter(action="consultation", detail="caller's location on the session page")
    assert looks.count() == 1
    withdraw(call, ConsentScope.LOCATION)
    body = state(alice, call.session)
    assert body["location"] is None and body["location_consent"] == "withdrawn"
    assert looks.count() == 1  # nothing shown, nothing to log


def test_the_evidence_panel_is_refused_to_another_force_and_to_support_workers(people):
    call = a_call(people.alice)
    url = f"/sessions/{call.session.pk}/evidence/"
    assert verified_client(people.olivia).get(url).status_code == 404
    assert verified_client(people.sid).get(url).status_code == 403


def test_only_specialists_supervisors_and_admins_of_the_force_open_a_picture(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    snapshot = services.take_snapshot(call.session, JPEG, by=people.alice)
    url = f"/evidence/snapshots/{snapshot.pk}/"

    response = verified_client(people.bob).get(url)
    assert response.status_code == 200
    assert response.content == JPEG and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    opened = AuditEvent.objects.get(action="consultation", object_type="evidence.snapshot")
    assert opened.actor_username == "bob" and opened.object_id == str(snapshot.pk)

    assert verified_client(people.carol).get(url).status_code == 403  # call handler, same force
    assert verified_client(people.olivia).get(url).status_code == 404  # another force
    assert verified_client(people.sid).get(url).status_code == 403  # a support worker
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page
    assert AuditEvent.objects.filter(action="consultation", object_type="evidence.snapshot").count() == 1


def test_the_session_page_lists_the_pictures_with_their_hashes_for_those_who_may_open_them(people):
    call = a_call(people.alice)
    allow(call, ConsentScope.SNAPSHOTS)
    snapshot = services.take_snapshot(call.session, JPEG, by=people.alice)
    page = verified_client(people.alice).get(f"/sessions/{call.session.pk}/").content.decode()
    assert snapshot.sha256 in page and f"/evidence/snapshots/{snapshot.pk}/" in page
    page = verified_client(people.carol).get(f"/sessions/{call.session.pk}/").content.decode()
    assert f"/evidence/snapshots/{snapshot.pk}/" not in page
