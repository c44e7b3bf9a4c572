"""Error pages are neutral and point to 999: a frightened caller may be the one who sees them."""

from django.test import RequestFactory
from django.views.defaults import page_not_found, server_error


def test_the_server_error_page_is_neutral_and_points_to_999(db):
    response = server_error(RequestFactory().get("/v/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "In an emergency call 999" in page
    assert "Server Error" not in page and "police" not in page.lower()


def test_an_unknown_page_is_neutral_and_points_to_999(db):
    response = page_not_found(RequestFactory().get("/nowhere/"), exception=None)
    page = response.content.decode()
    assert response.status_code == 404
    assert "In an emergency call 999" in page
    assert "police" not in page.lower()
