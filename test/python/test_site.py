"""The static site works under the strict CSP and agrees with the API contract.

A browser test can come later; these checks read the files and pin what the CSP
`default-src 'self'; script-src 'self'; style-src 'self'` and the contract demand.
"""

import re
from html.parser import HTMLParser

import pytest
from conftest import CONTRACT, ROOT

SITE = ROOT / "site"


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []  # (tag, attrs, index of the enclosing form or None)
        self.open_forms = []
        self.inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.open_forms.append(attrs.get("id"))
        self.elements.append((tag, attrs, self.open_forms[-1] if self.open_forms else None))
        self._last = tag

    def handle_endtag(self, tag):
        if tag == "form" and self.open_forms:
            self.open_forms.pop()

    def handle_data(self, data):
        if getattr(self, "_last", None) == "script" and data.strip():
            self.inline_script = True


@pytest.fixture(scope="module")
def page():
    parser = Page()
    parser.feed((SITE / "index.html").read_text("utf-8"))
    return parser


def by_id(page, element_id):
    [found] = [(tag, attrs, form) for tag, attrs, form in page.elements if attrs.get("id") == element_id]
    return found


def test_no_inline_script_style_or_handlers(page):
    assert not page.inline_script
    for tag, attrs, _ in page.elements:
        assert tag != "style"
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], tag
        if tag == "script":
            assert attrs.get("src", "").startswith("/")


def test_every_referenced_file_is_local_and_exists(page):
    for tag, attrs, _ in page.elements:
        for name in ("src", "href"):
            if name in attrs and tag in {"script", "link", "img"}:
                assert attrs[name].startswith("/") and not attrs[name].startswith("//")
                assert (SITE / attrs[name].lstrip("/")).is_file(), attrs[name]


def test_the_elements_a_browser_test_relies_on(page):
    assert by_id(page, "item-form")[0] == "form"
    assert by_id(page, "item-name")[2] == "item-form"
    assert by_id(page, "item-description")[2] == "item-form"
    submit = [attrs for tag, attrs, form in page.elements if tag == "button" and attrs.get("type") == "submit"]
    assert submit and submit[0].get("id") == "item-submit"
    assert by_id(page, "items")[0] == "ul"
    tag, attrs, _ = by_id(page, "error")
    assert attrs.get("role") == "alert"


def test_field_limits_match_the_contract(page):
    fields = CONTRACT["item"]["fields"]
    assert by_id(page, "item-name")[1]["maxlength"] == str(fields["name"]["maxLength"])
    assert "required" in by_id(page, "item-name")[1]
    assert by_id(page, "item-description")[1]["maxlength"] == str(fields["description"]["maxLength"])


def test_script_never_builds_html_from_data():
    # Whole-line comments may name what the code avoids; only code is checked.
    script = re.sub(r"(?m)^\s*//.*$", "", (SITE / "app.js").read_text("utf-8"))
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                      'setAttribute("style"', ".style."):
        assert forbidden not in script, forbidden
    assert "textContent" in script
    assert re.search(r'const API = "/api/items"', script)
    assert f"PAGE_SIZE = {CONTRACT['api']['listLimit']['max']}" in script


def test_stylesheet_loads_nothing_from_elsewhere():
    css = (SITE / "styles.css").read_text("utf-8")
    assert "@import" not in css and "url(" not in css
