"""Reading the index: full-text matches the viewer may see, ranked, with highlighted snippets."""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities.permissions import readable_communities_q
from catchment.search.models import CONFIGS, Audience, Kind, SearchDocument

MAX_QUERY = 200
MAX_MATCHES = 1000
SINCE = {"week": 7, "month": 31, "year": 366}
START, STOP = "\x02", "\x03"


@dataclass(frozen=True)
class SearchFilters:
    query: str
    kind: str = ""
    community: str = ""
    language: str = ""
    since: str = ""


@dataclass
class Result:
    document: SearchDocument
    snippet: SafeString


def visible_q(viewer: Viewer) -> Q:
    """The documents `viewer` may find: the same rules as the pages they point to."""
    if is_staff(viewer):
        return Q()
    audiences = [Audience.PUBLIC, Audience.MEMBERS] if is_member(viewer) else [Audience.PUBLIC]
    hub_wide = Q(community__isnull=True, audience__in=audiences)
    return hub_wide | readable_communities_q(viewer, prefix="community__")


def clean_query(raw: str) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


def _filtered(viewer: Viewer, filters: SearchFilters) -> QuerySet[SearchDocument]:
    documents = SearchDocument.objects.filter(visible_q(viewer))
    if filters.kind in Kind.values:
        documents = documents.filter(kind=filters.kind)
    if filters.community:
        documents = documents.filter(community__slug=filters.community)
    if filters.language:
        documents = documents.filter(language=filters.language)
    if filters.since in SINCE:
        documents = documents.filter(
            updated_at__gte=timezone.now() - datetime.timedelta(days=SINCE[filters.since])
        )
    return documents


def _highlight(text: str) -> SafeString:
    """Escape the snippet, then turn the engine's markers into <mark>: user text never becomes markup."""
    safe = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped just above


def search(viewer: Viewer, filters: SearchFilters) -> QuerySet[SearchDocument] | list[SearchDocument]:
    """Ranked matches the viewer may see, each with a `snippet` (engine markers, not yet escaped). On
    PostgreSQL a lazy queryset (the paginator fetches and highlights one page); on SQLite a list."""
    text = clean_query(filters.query)
    if not text:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(viewer, filters, text)
    return _search_sqlite(viewer, filters, text)


def result(document: SearchDocument) -> Result:
    return Result(document=document, snippet=_highlight(getattr(document, "snippet", "") or ""))


def _search_postgres(viewer: Viewer, filters: SearchFilters, text: str) -> QuerySet[SearchDocument]:
    query = reduce(
        operator.or_,
        [
            SearchQuery(text, config=config, search_type="websearch")
            for config in [*CONFIGS.values(), "simple"]
        ],
    )
    # Ranking reads every match's vector: a word in the titles of popular topics matches a hundred thousand
    # documents at 2,000,000 posts, and ranking them all takes seconds. As on SQLite, MAX_MATCHES bounds the
    # work: the newest matches (found along the primary key, or through the GIN index for rare words,
    # whichever the planner finds cheaper) are ranked, and the best of them shown first.
    candidates = _filtered(viewer, filters).filter(vector=query).order_by("-pk").values("pk")[:MAX_MATCHES]
    return (
        SearchDocument.objects.filter(pk__in=Subquery(candidates))
        .annotate(
            rank=SearchRank(F("vector"), query),
            snippet=SearchHeadline(
                "body", query, config="simple", start_sel=START, stop_sel=STOP, max_words=35, min_words=15
            ),
        )
        .defer("body", "vector")
        .select_related("community")
        .order_by("-rank", "-updated_at", "pk")
    )


FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts5_query(text: str) -> str:
    """User words as an FTS5 query that cannot be misread as syntax: each word quoted, prefix-matched."""
    words = FTS_TOKEN.findall(text)[:12]
    return " ".join(f'"{word}"*' for word in words)


def _search_sqlite(viewer: Viewer, filters: SearchFilters, text: str) -> list[SearchDocument]:
    match = fts5_query(text)
    if not match:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, snippet(search_fts, 1, char(2), char(3), '…', 24) FROM search_fts "
            "WHERE search_fts MATCH %s ORDER BY bm25(search_fts, 5.0, 1.0) LIMIT %s",
            [match, MAX_MATCHES],
        )
        ranked = cursor.fetchall()
    order = {row[0]: position for position, row in enumerate(ranked)}
    snippets = {row[0]: row[1] for row in ranked}
    documents = list(
        _filtered(viewer, filters)
        .filter(pk__in=list(order))
        .defer("body", "vector")
        .select_related("community")
    )
    for document in documents:
        document.snippet = snippets.get(document.pk, "")  # type: ignore[attr-defined]
    return sorted(documents, key=lambda doc: order[doc.pk])
