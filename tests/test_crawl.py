"""A crawl of the demo hub as anonymous visitor, member, convenor and site admin (reliability.md #8, #24).

Every HTML answer carries a Content-Security-Policy that lets no inline script run (no 'unsafe-inline', no
'unsafe-eval', scripts and styles only from the hub or with the request's nonce), forbids plugins, <base> and
framing; and no page relies on what that policy would block (inline handlers, style attributes, inline
<script>/<style> without the nonce), so the policy costs nothing. Every answer to a signed-in person is kept
from shared caches, and no error answer is cacheable at all.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

from django.core.management import call_command
from django.test import Client
from lxml import html as lxml_html

from catchment.accounts.models import User
from catchment.communities.models import Role

LIMIT = 100  # pages per role; the demo hub links to more, the crawl takes the first ones breadth-first
SEEDS = [
    "/",
    "/communities/",
    "/events/",
    "/library/",
    "/members/",
    "/organisations/",
    "/alliances/",
    "/search/?q=water",
    "/notifications/",
    "/messages/",
    "/api/v1/docs/",
    "/api/v1/docs/explorer/",
    "/settings/api-tokens/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/no-such-page/",
    "/communities/no-such-community/",
]
ADMIN_SEEDS = ["/admin/", "/admin/accounts/user/", "/admin/communities/community/"]
# Links a crawler must not follow: they sign out, or they are downloads rather than pages.
SKIP = re.compile(
    r"^/(static|media)/|/logout/|\.(ics|csv|graphml|json|zip|docx|png|jpe?g|pdf|svg)$|/download"
)
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


def links(body: bytes) -> list[str]:
    found = []
    for raw in re.findall(rb'href="(/[^"]*)"', body):
        target = urldefrag(raw.decode().replace("&amp;", "&"))[0]
        if not SKIP.search(urlsplit(target).path):
            found.append(target)
    return found


def crawl(client: Client, seeds: list[str], signed_in: bool) -> tuple[int, list[str]]:
    queue = deque(seeds)
    seen: set[str] = set(seeds)
    problems: list[str] = []
    pages = 0
    while queue and pages < LIMIT:
        url = queue.popleft()
        response = client.get(url)
        pages += 1
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        problems += cache_problems(url, response, signed_in)
        if response.get("Content-Type", "").startswith("text/html"):
            body = response.content
            problems += policy_problems(url, response.get("Content-Security-Policy"), body)
            for target in links(body):
                # The same page with other filters or pages of a list says nothing new about the policy.
                if target not in seen and urlsplit(target).path not in {urlsplit(s).path for s in seen}:
                    seen.add(target)
                    queue.append(target)
    return pages, problems


def test_every_page_keeps_scripts_out_and_private_answers_out_of_shared_caches(db):
    # One demo hub (loading it is the slow part) crawled by each role in turn.
    call_command("load_demo", members=60)
    member = User.objects.filter(memberships__role=Role.MEMBER).exclude(is_staff=True).order_by("pk").first()
    assert member is not None
    roles = {
        "anonymous": None,
        "member": member,
        "convenor": User.objects.get(email="convenor@demo.catchment.example"),
        "site admin": User.objects.get(email="admin@demo.catchment.example"),
    }
    problems: list[str] = []
    for role, user in roles.items():
        client = Client(raise_request_exception=False)
        seeds = list(SEEDS)
        if user is not None:
            client.force_login(user)
        if role == "site admin":
            seeds = ADMIN_SEEDS + seeds
        pages, found = crawl(client, seeds, signed_in=user is not None)
        problems += [f"{role} {problem}" for problem in found]
        assert pages > 50, role
    assert not problems, "\n".join(problems)


def test_the_policy_names_the_nonce_a_page_uses(client, db):
    response = client.get("/api/v1/docs/explorer/")
    header = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", header)
    assert nonce is not None
    assert f'nonce="{nonce.group(1)}"'.encode() in response.content
    assert client.get("/api/v1/docs/explorer/")["Content-Security-Policy"] != header  # fresh for each answer
