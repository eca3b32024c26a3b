"""The API handler's own origin-verify check: without the right header value, 403 and no effect.

The stage's web ACL checks the same header; these tests are what still holds when that ACL is
missing or detached.
"""

import hmac

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CONTRACT, ORIGIN_VERIFY, ORIGIN_VERIFY_HEADER, api, call, request, state

pytestmark = pytest.mark.usefixtures("aws")
VARIABLE = CONTRACT["environment"]["api"]["originVerify"]


def test_the_right_value_is_let_through():
    assert call(request("GET", "/api/health"))[0] == 200


@pytest.mark.parametrize("route", [("GET", "/api/health"), ("GET", "/api/items"), ("DELETE", "/api/items/a"), ("GET", "/api/nowhere")])
def test_no_header_is_403_on_every_route(route):
    status, body, _ = call(request(*route, origin_verify=None))
    assert status == 403
    assert body["message"] == "Forbidden" and body["requestId"] == "apigw-request-1"


def test_a_wrong_value_is_403_and_writes_nothing():
    before = state()
    status, _, _ = call(request("POST", "/api/items", {"name": "x"}, origin_verify=ORIGIN_VERIFY + "x"))
    assert status == 403
    assert state() == before


@pytest.mark.parametrize("name", [ORIGIN_VERIFY_HEADER.upper(), "X-Origin-Verify"])
def test_the_header_name_is_case_insensitive(name):
    event = request("GET", "/api/health", origin_verify=None, headers={name: ORIGIN_VERIFY})
    assert call(event)[0] == 200


def test_a_second_wrong_value_in_multi_value_headers_is_403():
    event = request("GET", "/api/health")
    event["multiValueHeaders"] = {ORIGIN_VERIFY_HEADER: [ORIGIN_VERIFY, "forged"]}
    assert call(event)[0] == 403


def test_unset_or_empty_configuration_refuses_everything(monkeypatch):
    monkeypatch.delenv(VARIABLE)
    assert call(request("GET", "/api/health"))[0] == 403
    monkeypatch.setenv(VARIABLE, "")
    assert call(request("GET", "/api/health", origin_verify=""))[0] == 403


def test_the_comparison_is_hmac_compare_digest(monkeypatch):
    seen = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.hmac, "compare_digest", spy)
    call(request("GET", "/api/health", origin_verify="nope"))
    assert seen == [(b"nope", ORIGIN_VERIFY.encode())]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=80) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
def test_any_other_value_is_403(value):
    if value == ORIGIN_VERIFY:
        return
    before = state()
    status, body, _ = call(request("PUT", "/api/items/a", {"name": "x"}, origin_verify=value))
    assert status == 403 and body["message"] == "Forbidden"
    assert state() == before


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.dictionaries(st.text(max_size=20), st.text(max_size=20) | st.lists(st.text(max_size=5)) | st.none(), max_size=4))
def test_hostile_header_maps_never_pass_or_crash(headers):
    event = request("GET", "/api/health", origin_verify=None)
    event["headers"] = headers
    event["multiValueHeaders"] = headers
    status, _, _ = call(event)
    holds_value = any(
        isinstance(k, str) and k.lower() == ORIGIN_VERIFY_HEADER for k in headers
    )
    assert status == 403 or holds_value
