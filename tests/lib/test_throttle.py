"""Fixed-window counters, and the address they count against."""

from django.test import RequestFactory

from response_platform.lib import throttle


def request_from(remote: str, forwarded: str = ""):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_it_counts_attempts_until_reset():
    assert [throttle.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    assert throttle.count("k") == 3
    throttle.reset("k")
    assert throttle.count("k") == 0


def test_behind_one_proxy_it_counts_the_address_the_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "198.51.100.9, 203.0.113.5")
    assert throttle.client_ip(request) == "203.0.113.5"


def test_a_forged_forwarded_header_does_not_pick_the_address_counted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttle.client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 1
    first = throttle.client_ip(request_from("10.0.0.2", "1.1.1.1, 203.0.113.5"))
    second = throttle.client_ip(request_from("10.0.0.2", "2.2.2.2, 203.0.113.5"))
    assert first == second == "203.0.113.5"


def test_without_a_forwarded_header_it_counts_the_peer():
    assert throttle.client_ip(request_from("203.0.113.5")) == "203.0.113.5"
