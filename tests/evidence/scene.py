"""A call whose caller has opened the link on their phone, and pictures to send in it."""

from dataclasses import dataclass

from django.test import Client

from evidence import services
from tests.personas import session_with_link
from tests.sockets import victim_cookie
from video.models import VideoSession

# Not a whole picture: the server tells a JPEG or PNG by its first bytes, and these are fictional.
PNG = b"\x89PNG\r\n\x1a\n" + b"IHDR evidence photo of the bruised forearm " * 20
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF still of the broken kitchen door " * 20
LAT, LON, ACCURACY = 51.501364, -0.14189, 12.5


@dataclass
class Call:
    session: VideoSession
    phone: Client  # the caller's phone, carrying its device cookie


def a_call(by) -> Call:
    session, _, token = session_with_link(by)
    name, secret = victim_cookie(token).split("=", 1)
    phone = Client()
    phone.cookies[name] = secret
    return Call(session=session, phone=phone)


def allow(call: Call, scope: str) -> None:
    services.set_consent(call.session, scope, grant=True, language="en-gb")


def withdraw(call: Call, scope: str) -> None:
    services.set_consent(call.session, scope, grant=False, language="en-gb")


def post_location(phone: Client, lat: float = LAT, lon: float = LON, accuracy: float = ACCURACY):
    return phone.post("/v/evidence/location/", {"lat": lat, "lon": lon, "accuracy": accuracy})


def post_photo(phone: Client, data: bytes, name: str = "photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return phone.post("/v/evidence/photo/", {"photo": SimpleUploadedFile(name, data)})
