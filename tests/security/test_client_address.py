"""The client's address (willkommen/client_address.py), request by request: X-Forwarded-For
is believed only from a trusted proxy and only as far as trusted proxies vouch for it.
The same behind a real nginx: tests/security/test_behind_nginx.py."""

import pytest
from django.test import RequestFactory, override_settings

from willkommen.client_address import client_ip, parse_address
from willkommen.config import ConfigError, env_networks

PROXY = "127.0.0.2"
BEHIND_ONE_PROXY = override_settings(TRUSTED_PROXIES=["127.0.0.2/32"])
BEHIND_TWO_PROXIES = override_settings(TRUSTED_PROXIES=["127.0.0.2/32", "10.0.0.0/8"])


def request(remote_addr=PROXY, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@BEHIND_ONE_PROXY
def test_behind_a_trusted_proxy_the_right_most_forwarded_address_is_the_client():
    assert client_ip(request(forwarded="198.51.100.7")) == "198.51.100.7"
    # The client itself sent "1.2.3.4"; the proxy appended the address it saw.
    assert client_ip(request(forwarded="1.2.3.4, 198.51.100.7")) == "198.51.100.7"


@BEHIND_ONE_PROXY
def test_a_peer_that_is_not_a_trusted_proxy_cannot_forward_anything():
    assert client_ip(request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


@BEHIND_TWO_PROXIES
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert client_ip(request(forwarded="1.2.3.4, 198.51.100.7, 10.1.2.3")) == "198.51.100.7"
    # Only trusted hops: the farthest one is where the request came from.
    assert client_ip(request(forwarded="10.9.9.9, 10.1.2.3")) == "10.9.9.9"


@BEHIND_ONE_PROXY
@pytest.mark.parametrize(
    "forwarded",
    [
        "",
        " ",
        ",",
        "garbage",
        "1.2.3.4, garbage",
        "1.2.3.4,",
        "unknown",
        "999.1.2.3",
        "1.2.3.4\x00",
        "[::1",
        "x" * 5000,
        "1.2.3.4, " + "2001:db8::1" * 10,
    ],
)
def test_a_malformed_header_is_never_believed(forwarded):
    """The walk stops at the first malformed entry: the request is attributed to the last
    trusted hop (here the proxy), never to the garbage or to anything left of it."""
    assert client_ip(request(forwarded=forwarded)) == PROXY


@BEHIND_ONE_PROXY
@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("198.51.100.7:51234", "198.51.100.7"),
        ("2001:db8::7", "2001:db8::7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8:0:0:0:0:0:7", "2001:db8::7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_forms_of_an_address_are_normalised(entry, address):
    assert client_ip(request(forwarded=entry)) == address


def test_no_address_at_all():
    assert client_ip(None) is None
    assert client_ip(request("")) is None
    assert client_ip(request("unix:/run/gunicorn.sock")) is None
    assert parse_address("1.2.3.4:80:90") is None


def test_trusted_proxies_are_checked_at_start_up(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1/32, ::1, 10.0.0.0/8")
    assert env_networks("TRUSTED_PROXIES") == ["127.0.0.1/32", "::1", "10.0.0.0/8"]
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, localhost")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        env_networks("TRUSTED_PROXIES")
