import re
from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString

from catchment.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render user Markdown through the one sanitising path."""
    return render_markdown(text)


LINK_SCHEMES = {"http", "https", "mailto"}
IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20\x7f]")


@register.filter(name="safe_link")
def safe_link(url: object) -> str:
    """A stored web address fit for href: http, https, mailto or a relative address, else empty. Forms and
    the API accept only http(s) addresses; this keeps a javascript:, data: or vbscript: address that reached
    the database another way (an import, an old row, a direct edit) from becoming a link that runs. Browsers
    drop tabs, line breaks and leading control characters before reading the scheme, so this does too."""
    text = "" if url is None else str(url)
    scheme = urlsplit(IGNORED_IN_SCHEMES.sub("", text)).scheme.lower()
    return text if not scheme or scheme in LINK_SCHEMES else ""


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination links that keep filters)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
