import re

from hypothesis import given
from hypothesis import strategies as st

from catchment.core.markdown import render_markdown


def test_markdown_renders_emphasis_lists_and_links_with_safe_rel():
    html = render_markdown("**bold** and [site](https://example.org)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">site</a>' in html
    assert "<li>one</li>" in html


def test_raw_html_scripts_and_event_handlers_do_not_survive():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)"><b style="x">b</b>')
    # Raw HTML is shown as text (escaped), never as markup.
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert not re.search(r"<[a-z0-9]+[^>]*\s(on[a-z]+|style)\s*=", html)


def test_javascript_links_are_dropped():
    html = render_markdown("[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)")
    assert 'href="javascript' not in html
    assert 'href="data' not in html


def test_user_headings_never_outrank_the_page_heading():
    assert "<h1" not in render_markdown("# Big title")
    assert "<h2>Big title</h2>" in render_markdown("# Big title")


@given(st.text(max_size=300))
def test_any_input_renders_without_dangerous_markup(text):
    html = render_markdown(text + "<script>x</script><a href='javascript:y'>z</a>")
    lowered = html.lower()
    assert "<script" not in lowered
    assert 'href="javascript' not in lowered
    assert not re.search(r"<[a-z0-9]+[^>]*\son[a-z]+\s*=", lowered)
