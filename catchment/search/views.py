from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catchment.core.paging import page_number
from catchment.search import selectors
from catchment.search.forms import SearchForm


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    """One search for people, communities, topics and replies, filtered by what the viewer may read."""
    form = SearchForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.search(request.user, filters), 20).get_page(page_number(request))
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "results": [selectors.result(document) for document in page.object_list],
        },
    )
