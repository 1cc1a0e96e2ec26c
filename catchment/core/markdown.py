"""User-written Markdown to safe HTML: markdown-it-py with raw HTML off, then nh3 as the final gate."""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Render Markdown written by a user; the result is safe to place in a page."""
    html = _renderer.render(text or "")
    # markdown-it emits h1 for "# title"; user text never outranks the page's own headings.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


MAX_MESSAGE = 20000
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def message_text(body: str, error: type[ValueError]) -> str:
    """A message as it will be kept: trimmed, not empty, at most MAX_MESSAGE characters; otherwise `error`
    (the caller's domain exception) with a translated reason."""
    text = (body or "").strip()
    if not text:
        raise error(_("Write a message first."))
    if len(text) > MAX_MESSAGE:
        raise error(
            _("A message can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": MAX_MESSAGE, "length": len(text)}
        )
    return text


def link_count(text: str) -> int:
    """How many web links a message holds (for the limits on new accounts)."""
    return len(LINK.findall(text))
