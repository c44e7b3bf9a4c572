"""Location and evidence in a real call, each by the caller's consent, in two real browsers.

The caller's phone has a fake camera and a fixed position (Playwright's geolocation); the
specialist sees the position, takes a snapshot of the caller's video, and both pages act
at once when the caller withdraws.
"""

import struct
import zlib

import pytest
from playwright.sync_api import expect

from evidence.models import Snapshot, SnapshotKind
from response_platform.lib.crypto import sha256_hex
from tests.e2e.calls import CallTestCase
from tests.e2e.media import wait_for_frames
from video.models import EventKind, SessionEvent

LAT, LON, ACCURACY = 51.501364, -0.14189, 15
OSM = "https://www.openstreetmap.org/?mlat=51.501364&mlon=-0.141890#map=17/51.501364/-0.141890"
# What the specialist's page posts by hand once consent is gone: the button is no longer there.
POST_SNAPSHOT = """async () => {
  const panel = document.getElementById("evidence");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const body = new FormData();
  body.append("image", new Blob([new Uint8Array([255, 216, 255, 224, 0, 16])], { type: "image/jpeg" }), "s.jpg");
  const r = await fetch(panel.dataset.snapshotUrl, { method: "POST", body, headers: { "X-CSRFToken": token } });
  return r.status;
}"""


def png(width: int = 64, height: int = 48) -> bytes:
    """A small real PNG (solid orange), for the caller's photo: the page draws it before sending."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\xff\x88\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.mark.e2e
class TestLocationAndEvidence(CallTestCase):
    def start_call(self):
        specialist, victim = self.caller_waits_and_specialist_joins(
            mobile="07700 900321",
            permissions=["camera", "microphone", "geolocation"],
            geolocation={"latitude": LAT, "longitude": LON, "accuracy": ACCURACY},
        )
        wait_for_frames(specialist)
        return specialist, victim

    def test_the_caller_shares_location_and_pictures_and_withdraws_each_at_once(self):
        specialist, victim = self.start_call()
        # The consent screen asked first, and the caller left location unticked.
        expect(specialist.locator("#location-status")).to_have_text("The caller chose not to share their location.")
        snapshot_button = specialist.get_by_role("button", name="Take evidence snapshot")
        expect(snapshot_button).to_be_hidden()

        # Location: the specialist sees it, with a map link, without reloading.
        victim.get_by_role("button", name="Share my location").click()
        expect(victim.locator("#location-notice")).to_contain_text("so help can reach you faster")
        victim.get_by_role("button", name="Agree and share my location").click()
        expect(victim.locator("#location-state")).to_have_text("Your location is being shared with the specialist.")
        expect(specialist.locator("#location-coords")).to_have_text("51.501364, -0.141890")
        expect(specialist.locator("#location-accuracy")).to_have_text("± 15 metres")
        expect(specialist.get_by_role("link", name="Open in OpenStreetMap")).to_have_attribute("href", OSM)
        expect(specialist.locator("#timeline")).to_contain_text("Location shared")
        assert "51.50" not in specialist.locator("#timeline").inner_text()

        # Pictures: a snapshot of the caller's video, stored with its hash in the session record.
        victim.get_by_role("button", name="Allow pictures for evidence").click()
        victim.get_by_role("button", name="Agree to pictures").click()
        expect(snapshot_button).to_be_visible()
        snapshot_button.click()
        expect(specialist.locator("#snapshot-status")).to_have_text("Snapshot stored.")
        snapshot = Snapshot.objects.get(kind=SnapshotKind.SNAPSHOT)
        assert snapshot.content_type == "image/jpeg" and snapshot.taken_by == self.people.alice
        assert snapshot.sha256 == sha256_hex(snapshot.image)
        recorded = SessionEvent.objects.get(kind=EventKind.SNAPSHOT_TAKEN)
        assert recorded.detail == f"SHA-256 {snapshot.sha256}"
        expect(specialist.locator("#timeline")).to_contain_text(f"Evidence snapshot taken · SHA-256 {snapshot.sha256}")
        expect(specialist.locator("#snapshots")).to_contain_text(snapshot.sha256)

        # A still photo from the phone (issue 7), made smaller on the phone and stored like a snapshot.
        victim.locator("#photo-input").set_input_files({"name": "door.png", "mimeType": "image/png", "buffer": png()})
        expect(victim.locator("#photo-status")).to_have_text("Photo sent to the specialist.")
        photo = Snapshot.objects.get(kind=SnapshotKind.PHOTO)
        assert photo.content_type == "image/jpeg" and photo.sha256 == sha256_hex(photo.image)
        expect(specialist.locator("#snapshots")).to_contain_text(photo.sha256)

        # The caller withdraws pictures: the button goes at once, and the server refuses a snapshot.
        victim.get_by_role("button", name="Stop pictures").click()
        expect(victim.locator("#photo")).to_be_hidden()
        expect(snapshot_button).to_be_hidden()
        expect(specialist.locator("#snapshot-consent")).to_have_text(
            "Withdrawn: the caller no longer allows snapshots or photos."
        )
        assert specialist.evaluate(POST_SNAPSHOT) == 409
        assert Snapshot.objects.count() == 2

        # The caller stops sharing their location: the specialist's panel says so and drops it.
        victim.get_by_role("button", name="Stop sharing my location").click()
        expect(victim.get_by_role("button", name="Share my location")).to_be_visible()
        expect(specialist.locator("#location-status")).to_have_text(
            "Withdrawn: the caller stopped sharing their location."
        )
        expect(specialist.locator("#location")).to_be_hidden()
        expect(specialist.locator("#timeline")).to_contain_text("Consent withdrawn · location")
