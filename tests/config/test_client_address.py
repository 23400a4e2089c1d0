"""The visitor's address behind proxies: what every lock-out and rate limit keys on."""

import pytest
from django.test import RequestFactory

from config.client_address import client_ip, client_key


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_configured_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="198.51.100.7")) == "10.0.0.2"


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # the left entry is the visitor's invention
    (2, "192.0.2.1, 198.51.100.7, 203.0.113.9", "198.51.100.7"),  # CDN, then load balancer
    (1, "2001:db8::7", "2001:db8::7"),
])
def test_behind_proxies_the_address_the_outermost_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.7", "198.51.100.7, not-an-address, 10.0.0.1"])
def test_a_request_that_skipped_the_proxies_gets_the_connections_address(settings, forwarded):
    """Too few entries, or garbage where the proxy's entry should be: the request did not
    come through the proxies, so nothing in the header is trusted."""
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded=forwarded)) == "10.0.0.2"


def test_the_cache_key_follows_the_visitor_and_hides_the_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first, again = client_key(_request(forwarded="198.51.100.7")), client_key(_request(forwarded="198.51.100.7"))
    other = client_key(_request(forwarded="198.51.100.8"))
    assert first == again != other
    assert "198.51.100.7" not in first
