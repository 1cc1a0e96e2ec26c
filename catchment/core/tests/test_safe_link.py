"""Stored web addresses are links only for http, https, mailto or relative addresses."""

import pytest
from django.template import Context, Template

from catchment.core.templatetags.catchment import safe_link


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_script_addresses_are_dropped(url):
    assert safe_link(url) == ""


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1", "http://example.org", "mailto:a@example.org", "/library/3/", ""]
)
def test_web_addresses_are_kept(url):
    assert safe_link(url) == url


def test_the_template_filter_escapes_what_it_keeps():
    rendered = Template('{% load catchment %}<a href="{{ url|safe_link }}">x</a>').render(
        Context({"url": 'https://example.org/"><script>'})
    )
    assert rendered == '<a href="https://example.org/&quot;&gt;&lt;script&gt;">x</a>'
