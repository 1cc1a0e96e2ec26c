"""The checks every answer of the GET sweep goes through (tests/test_no_writes_on_get.py walks every URL
pattern as convenor, member and anonymous visitor over a community with one of everything; reliability.md
#8, #24).

Every HTML answer carries a Content-Security-Policy that lets no inline script run (no 'unsafe-inline', no
'unsafe-eval', scripts and styles only from the hub or with the request's nonce), forbids plugins, <base> and
framing; and no page relies on what that policy would block (inline handlers, style attributes, inline
<script>/<style> without the nonce), so the policy costs nothing. Every answer to a signed-in person is kept
from shared caches, and no error answer is cacheable at all.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

NEVER_INLINE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def policy_problems(url: str, header: str | None, body: bytes) -> list[str]:
    if not header:
        return [f"{url}: no Content-Security-Policy"]
    policy = directives(header)
    problems = []
    for name in ("script-src", "style-src"):
        sources = policy.get(name, policy.get("default-src", []))
        if not sources:
            problems.append(f"{url}: {name} missing")
        problems += [f"{url}: {name} allows {s}" for s in sources if s in NEVER_INLINE]
    for name, wanted in (("object-src", "'none'"), ("base-uri", "'none'"), ("frame-ancestors", "'none'")):
        if policy.get(name) != [wanted]:
            problems.append(f"{url}: {name} is {policy.get(name)}")
    nonces = {s[len("'nonce-") : -1] for s in policy.get("script-src", []) if s.startswith("'nonce-")}
    style_nonces = {s[len("'nonce-") : -1] for s in policy.get("style-src", []) if s.startswith("'nonce-")}
    if not body.strip():
        return problems
    document = lxml_html.document_fromstring(body)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        if handlers:
            problems.append(f"{url}: <{tag} {handlers[0]}=…> would be blocked")
        if "style" in element.attrib:
            problems.append(f"{url}: <{tag} style=…> would be blocked")
        inline_script = (
            tag == "script" and not element.get("src") and element.get("type") != "application/json"
        )
        if inline_script and element.get("nonce") not in nonces:
            problems.append(f"{url}: inline <script> without the page's nonce")
        if tag == "style" and element.get("nonce") not in style_nonces:
            problems.append(f"{url}: inline <style> without the page's nonce")
        href = (element.get("href") or "").strip().lower()
        if href.startswith("javascript:"):
            problems.append(f"{url}: javascript: link would be blocked")
    return problems


def cache_problems(url: str, response, signed_in: bool) -> list[str]:
    control = {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")}
    problems = []
    if signed_in and not ({"private", "no-store"} & control):
        problems.append(f"{url}: answer to a signed-in person without Cache-Control private/no-store")
    if "public" in control and signed_in:
        problems.append(f"{url}: public answer to a signed-in person")
    if response.status_code >= 400 and "no-store" not in control:
        problems.append(f"{url}: error {response.status_code} is cacheable")
    return problems


def test_the_policy_names_the_nonce_a_page_uses(client, db):
    response = client.get("/api/v1/docs/explorer/")
    header = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", header)
    assert nonce is not None
    assert f'nonce="{nonce.group(1)}"'.encode() in response.content
    assert client.get("/api/v1/docs/explorer/")["Content-Security-Policy"] != header  # fresh for each answer
