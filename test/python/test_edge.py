"""The Lambda@Edge SPA rewrite: each rule of its docstring, one test each."""

import copy

import pytest
from conftest import CONTRACT, edge


def origin_request(uri, querystring="", method="GET"):
    """A CloudFront origin-request event for the S3 origin (the shape viewer-request shares)."""
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": "d111111abcdef8.cloudfront.net",
                        "distributionId": "EDFDVBD6EXAMPLE",
                        "eventType": "origin-request",
                        "requestId": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
                    },
                    "request": {
                        "clientIp": "203.0.113.178",
                        "headers": {"host": [{"key": "Host", "value": "site-bucket.s3.us-west-2.amazonaws.com"}]},
                        "method": method,
                        "origin": {"s3": {"domainName": "site-bucket.s3.us-west-2.amazonaws.com", "path": ""}},
                        "querystring": querystring,
                        "uri": uri,
                    },
                }
            }
        ]
    }


def rewritten(uri, **kwargs):
    return edge.handler(origin_request(uri, **kwargs), None)["uri"]


@pytest.mark.parametrize("uri", ["/api", "/api/", "/api/items", "/api/items/42", "/api/health.json"])
def test_rule_1_api_paths_are_untouched(uri):
    assert rewritten(uri) == uri


@pytest.mark.parametrize("uri", ["/apiary", "/apis/x", "/API/items"])
def test_rule_1_only_the_api_prefix_itself_is_exempt(uri):
    assert rewritten(uri) == "/index.html"


@pytest.mark.parametrize(
    "uri", ["/index.html", "/app.js", "/styles.css", "/img/logo.svg", "/favicon.ico", "/a/b/c.tar.gz", "/.well-known/x.txt"]
)
def test_rule_2_paths_with_a_file_extension_are_untouched(uri):
    assert rewritten(uri) == uri


@pytest.mark.parametrize(
    "uri", ["/", "/items", "/items/", "/items/42", "/v1.2/items", "/.env", "/file.", "/a/.hidden", "//"]
)
def test_rule_3_every_other_path_becomes_the_index(uri):
    assert rewritten(uri) == "/index.html"


@pytest.mark.parametrize("uri", ["/items/42", "/app.js", "/api/items"])
def test_the_query_string_is_kept_as_it_came(uri):
    event = origin_request(uri, querystring="page=2&sort=name%20asc&empty=")
    assert edge.handler(event, None)["querystring"] == "page=2&sort=name%20asc&empty="


def test_only_the_uri_changes():
    event = origin_request("/items/7", querystring="q=1", method="HEAD")
    expected = copy.deepcopy(event["Records"][0]["cf"]["request"])
    expected["uri"] = "/index.html"
    assert edge.handler(event, None) == expected


def test_the_api_prefix_matches_the_contract():
    assert edge.API_PREFIX == CONTRACT["api"]["basePath"]
