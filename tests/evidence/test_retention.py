"""Locations and pictures are erased with the chat class's period, unless the case is held."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from evidence import services
from evidence.models import LocationShare, Snapshot
from response_platform.audit.models import AuditEvent
from response_platform.retention.services import erase_locations_and_snapshots
from tests.evidence.scene import JPEG, LAT, LON, a_call, allow
from video.models import ConsentScope


def shared(by):
    call = a_call(by)
    allow(call, ConsentScope.LOCATION)
    allow(call, ConsentScope.SNAPSHOTS)
    services.share_location(call.session, services.Position(LAT, LON, 10.0, timezone.now()))
    services.take_snapshot(call.session, JPEG, by=by)
    return call


def test_they_are_kept_for_the_period_and_erased_after_it_with_an_audit_entry(people):
    shared(people.alice)
    force = people.force_a
    assert erase_locations_and_snapshots(force, timezone.now() + timedelta(days=89)) == 0
    assert erase_locations_and_snapshots(force, timezone.now() + timedelta(days=91)) == 2
    assert not LocationShare.objects.exists() and not Snapshot.objects.exists()
    details = sorted(AuditEvent.objects.filter(action="erasure").values_list("detail", flat=True))
    assert details == [
        "retention: locations and snapshots past 90 days (1 locations)",
        "retention: locations and snapshots past 90 days (1 snapshots and photos)",
    ]


def test_a_case_on_legal_hold_keeps_them(people):
    call = shared(people.alice)
    type(call.session.case).objects.filter(pk=call.session.case_id).update(legal_hold=True)
    assert erase_locations_and_snapshots(people.force_a, timezone.now() + timedelta(days=400)) == 0
    assert LocationShare.objects.count() == 1 and Snapshot.objects.count() == 1


def test_another_forces_run_leaves_them(people):
    shared(people.alice)
    assert erase_locations_and_snapshots(people.force_b, timezone.now() + timedelta(days=400)) == 0
    assert Snapshot.objects.count() == 1


def test_rotating_keys_re_encrypts_the_pictures_and_they_still_open(people, settings):
    from cryptography.fernet import Fernet

    shared(people.alice)
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old]
    call_command("rotate_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old keys retired
    assert Snapshot.objects.get().image == JPEG
    assert LocationShare.objects.get().latitude == LAT
