"""The polite HTTP client (site_builder/net.py) against a local server, with a fake clock."""
from __future__ import annotations

import pytest

from site_builder import __version__
from site_builder.net import Client, FetchError, host_of

from .http_server import FakeClock, Reply


def client(clock: FakeClock, **kw) -> Client:
    return Client(clock=clock, sleep=clock.sleep, wall_clock=lambda: 1_700_000_000.0, **kw)


def test_user_agent_names_the_project_and_version_and_contact(fake_server):
    fake_server.route("/x", Reply(200, "ok"))
    c = client(FakeClock(), contact="me@example.org")
    assert c.get(fake_server.url("/x")).text() == "ok"
    agent = fake_server.log[0].headers["User-Agent"]
    assert agent.startswith(f"site-builder/{__version__} ") and "mailto:me@example.org" in agent


def test_requests_to_one_host_are_spaced_by_its_interval(fake_server):
    fake_server.route("/x", Reply(200, "ok"))
    clock = FakeClock()
    c = client(clock)
    c.set_interval(fake_server.url("/"), 3.0)
    for _ in range(3):
        c.get(fake_server.url("/x"))
    assert clock.sleeps == [3.0, 3.0]  # the first goes at once; the clock does not move by itself
    clock.now += 10  # long after: no pause
    c.get(fake_server.url("/x"))
    assert clock.sleeps == [3.0, 3.0]


def test_429_and_503_are_retried_with_exponential_backoff(fake_server):
    fake_server.route("/x", Reply(503), Reply(429), Reply(502), Reply(200, "done"))
    clock = FakeClock()
    c = client(clock, backoff=1.0)
    assert c.get(fake_server.url("/x")).text() == "done"
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert len(fake_server.hits("/x")) == 4


def test_retry_after_in_seconds_and_as_a_date_is_honoured(fake_server):
    fake_server.route("/x", Reply(429, headers={"Retry-After": "7"}),
                      Reply(503, headers={"Retry-After": "Tue, 14 Nov 2023 22:13:30 GMT"}), Reply(200, "ok"))
    clock = FakeClock()
    c = client(clock)  # the wall clock says 2023-11-14 22:13:20 UTC
    c.get(fake_server.url("/x"))
    assert clock.sleeps == [7.0, 10.0]


def test_a_retry_after_longer_than_max_wait_is_an_error_not_a_hang(fake_server):
    fake_server.route("/x", Reply(429, headers={"Retry-After": "86400"}))
    clock = FakeClock()
    with pytest.raises(FetchError, match="wait 86400 s") as info:
        client(clock, max_wait=60).get(fake_server.url("/x"))
    assert info.value.status == 429 and clock.sleeps == []


def test_gives_up_after_the_retries(fake_server):
    fake_server.route("/x", Reply(500))
    clock = FakeClock()
    with pytest.raises(FetchError, match="HTTP 500 .*after 3 tries"):
        client(clock, retries=2).get(fake_server.url("/x"))
    assert len(fake_server.hits("/x")) == 3


def test_a_client_error_is_not_retried(fake_server):
    fake_server.route("/x", Reply(404, "nope"))
    with pytest.raises(FetchError, match="HTTP 404") as info:
        client(FakeClock()).get(fake_server.url("/x"))
    assert info.value.status == 404 and len(fake_server.hits("/x")) == 1


def test_timeouts_are_retried_then_reported(fake_server):
    fake_server.route("/slow", Reply(200, "late", delay=0.6))
    clock = FakeClock()
    with pytest.raises(FetchError, match="timed out"):
        client(clock, timeout=0.2, retries=1).get(fake_server.url("/slow"))
    assert clock.sleeps == [1.0]


def test_connection_refused_is_retried_then_reported(fake_server):
    url = fake_server.url("/x")
    fake_server.stop()
    clock = FakeClock()
    with pytest.raises(FetchError, match="connection refused|connection failed"):
        client(clock, retries=2).get(url)
    assert clock.sleeps == [1.0, 2.0]


def test_size_limit_by_header_and_while_reading(fake_server):
    fake_server.route("/big", Reply(200, b"x" * 5000))
    with pytest.raises(FetchError, match="over the 1,000-byte limit"):
        client(FakeClock()).get(fake_server.url("/big"), max_bytes=1000)
    # a server that sends no Content-Length is cut off while reading
    fake_server.route("/chunks", lambda req: Reply(200, b"y" * 200_000, headers={"Content-Length": ""}))
    with pytest.raises(FetchError, match="over the limit|limit"):
        client(FakeClock(), max_bytes=100_000).get(fake_server.url("/chunks"))


def test_only_http_and_https(fake_server):
    for url in ("file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "data:text/plain,hi"):
        with pytest.raises(FetchError, match="only http"):
            client(FakeClock()).get(url)


def test_redirects_are_followed_within_http_and_refused_to_other_schemes(fake_server):
    fake_server.route("/a", Reply(301, headers={"Location": "/b"}))
    fake_server.route("/b", Reply(302, headers={"Location": fake_server.url("/c")}))
    fake_server.route("/c", Reply(200, "here"))
    response = client(FakeClock()).get(fake_server.url("/a"))
    assert response.text() == "here" and response.url.endswith("/c")
    fake_server.route("/evil", Reply(302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="refused a redirect"):
        client(FakeClock()).get(fake_server.url("/evil"))
    fake_server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match="redirects"):
        client(FakeClock()).get(fake_server.url("/loop"))


def test_redirect_hops_are_rate_limited_too(fake_server):
    fake_server.route("/a", Reply(301, headers={"Location": "/b"}))
    fake_server.route("/b", Reply(200, "ok"))
    clock = FakeClock()
    c = client(clock)
    c.set_interval(fake_server.url("/"), 2.0)
    c.get(fake_server.url("/a"))
    assert clock.sleeps == [2.0]


def test_params_are_encoded(fake_server):
    fake_server.route("/q", Reply(200, "ok"))
    client(FakeClock()).get(fake_server.url("/q"), params={"search": "a & b", "n": "3"})
    assert fake_server.log[0].query == {"search": "a & b", "n": "3"}


def test_host_of():
    assert host_of("https://User@Example.org:8080/x") == "example.org:8080"
    assert host_of("not a url") == ""
