"""The dev outbox: where `make run` delivers texts, for staff eyes and only with DEBUG on."""

from django.test import Client

from tests.personas import session_with_link, verified_client


def test_a_signed_in_specialist_reads_the_link_in_the_dev_outbox(people, settings):
    settings.DEBUG = True
    _, _, token = session_with_link(people.alice)
    page = verified_client(people.alice).get("/dev/outbox/")
    assert page.status_code == 200
    assert f"/j/{token}" in page.content.decode()
    assert "+447700900123" in page.content.decode()


def test_the_dev_outbox_does_not_exist_without_debug(people, settings):
    settings.DEBUG = False
    session_with_link(people.alice)
    assert verified_client(people.alice).get("/dev/outbox/").status_code == 404


def test_the_dev_outbox_needs_a_staff_login(people, settings):
    settings.DEBUG = True
    _, _, token = session_with_link(people.alice)
    response = Client().get("/dev/outbox/")
    assert response.status_code == 302
    assert token not in response.content.decode()
