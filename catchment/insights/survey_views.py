"""HTTP in and out for the existing-connections survey: its list, the convenors' form, the answer form
(usable without JavaScript: "more lines" is a submit button), the analysis with its map, and downloads."""

from __future__ import annotations

from typing import Any

import networkx as nx
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.communities import selectors as community_selectors
from catchment.communities.selectors import CommunityView
from catchment.core.csvfiles import csv_response
from catchment.core.views import posted, safe_next
from catchment.insights import extract, network, permissions, selectors, surveys
from catchment.insights.forms import AnswerForm, SurveyForm, contact_formset, contacts_of
from catchment.insights.models import Channel, ConnectionSurvey, Frequency, SurveyStatus

PSEUDONYM = gettext_lazy("Person %(number)d")
KIND_LABELS = {
    "respondent": gettext_lazy("answered"),
    "member": gettext_lazy("member, did not answer"),
    "outside": gettext_lazy("no hub account found"),
}
SUGGESTIONS = 250
DRAWN_EDGES = 220
MORE_ROWS = 5


def _community(request: HttpRequest, slug: str) -> CommunityView:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    return view


def _survey(request: HttpRequest, view: CommunityView, pk: int) -> ConnectionSurvey:
    survey = selectors.survey_for(view.community, pk)
    if survey is None or not permissions.can_see_survey(
        request.user, view.community, view.membership, is_draft=survey.status == SurveyStatus.DRAFT
    ):
        raise Http404
    return survey


def _managing(request: HttpRequest, view: CommunityView) -> bool:
    return permissions.can_manage_surveys(request.user, view.community, view.membership)


def _analysing(request: HttpRequest, view: CommunityView) -> bool:
    return permissions.can_see_insights(request.user, view.community, view.membership)


def _channel_label(value: str) -> str:
    return str(Channel(value).label) if value in Channel.values else value


@login_required
@require_safe
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    view = _community(request, slug)
    analysing = _analysing(request, view)
    return render(
        request,
        "insights/surveys.html",
        {
            "view": view,
            "community": view.community,
            "surveys": [
                _with_accepting(survey)
                for survey in selectors.surveys(view.community, request.user.pk, everything=analysing)
            ],
            "analysing": analysing,
            "can_create": _managing(request, view),
            "today": timezone.localdate(),
        },
    )


def _with_accepting(survey: ConnectionSurvey) -> ConnectionSurvey:
    survey.accepting = surveys.accepting(survey)  # type: ignore[attr-defined]
    return survey


def _survey_form(request: HttpRequest, view: CommunityView, survey: ConnectionSurvey | None) -> HttpResponse:
    initial: dict[str, Any] = {"channels": [value for value in Channel.values if value != Channel.OTHER]}
    if survey is not None:
        initial = {
            "topic": survey.topic,
            "introduction": survey.introduction,
            "channels": survey.channel_list,
            "closes_on": survey.closes_on,
        }
    form = SurveyForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = surveys.survey_save(
                actor=request.user, community=view.community, data=form.to_data(), survey=survey
            )
        except surveys.SurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("insights:survey", slug=view.community.slug, pk=saved.pk)
    return render(
        request,
        "insights/survey_form.html",
        {"view": view, "community": view.community, "form": form, "survey": survey},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = _community(request, slug)
    if not _managing(request, view):
        raise Http404
    return _survey_form(request, view, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _community(request, slug)
    if not _managing(request, view):
        raise Http404
    return _survey_form(request, view, _survey(request, view, pk))


@login_required
@require_POST
def survey_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _community(request, slug)
    if not _managing(request, view):
        raise Http404
    survey = _survey(request, view, pk)
    status = request.POST.get("status", "")
    if status not in (SurveyStatus.OPEN, SurveyStatus.CLOSED):
        messages.error(request, _("Choose whether to open or to close the survey."))
        return redirect("insights:survey", slug=slug, pk=pk)
    try:
        surveys.survey_set_status(actor=request.user, survey=survey, status=status)
    except surveys.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The survey is open for answers.")
            if status == SurveyStatus.OPEN
            else _("The survey is closed; its analysis is being computed."),
        )
    return redirect("insights:survey", slug=slug, pk=pk)


def _channels(survey: ConnectionSurvey) -> list[tuple[str, str]]:
    return [(value, _channel_label(value)) for value in survey.channel_list]


def _typed_rows(data: Any) -> list[dict[str, Any]]:
    """The lines as typed, for "More lines": shown again, unvalidated (no errors before one sends), with
    empty lines added after them; nothing is lost."""
    total = data.get("contact-TOTAL_FORMS", "0")
    count = min(surveys.MAX_CONTACTS, int(total)) if total.isdecimal() and len(total) < 4 else 0
    rows = []
    for index in range(count):
        prefix = f"contact-{index}-"
        frequency = data.get(prefix + "frequency", "")
        rows.append(
            {
                "name": data.get(prefix + "name", "")[:150],
                "organisation": data.get(prefix + "organisation", "")[:200],
                "channels": data.getlist(prefix + "channels"),
                "frequency": int(frequency)
                if frequency in {str(value) for value in Frequency.values}
                else None,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The survey as its audience sees it: the answer form while it is open, one's own answers after."""
    view = _community(request, slug)
    survey = _survey(request, view, pk)
    accepting = surveys.accepting(survey)
    can_answer = permissions.can_answer_survey(request.user, view.community, view.membership, accepting)
    own = selectors.own_answer(survey, request.user.pk)
    contacts = list(own.contacts.all()) if own else []
    initial = [
        {
            "name": c.name,
            "organisation": c.organisation,
            "channels": c.channel_list,
            "frequency": c.frequency,
        }
        for c in contacts
    ]
    data = posted(request) if can_answer else None
    if request.method == "POST" and not can_answer:
        messages.error(request, _("This survey is not taking answers."))
        return redirect("insights:survey", slug=slug, pk=pk)
    adding = data is not None and "more" in data
    if adding and data is not None:
        # Shown unbound: the lines and the consent boxes as typed, through `initial`.
        form = AnswerForm(initial={"consent": "consent" in data, "named": "named" in data})
        typed = _typed_rows(data)
        formset = contact_formset(None, _channels(survey), initial=typed, rows=len(typed) + MORE_ROWS)
        data = None
    else:
        form = AnswerForm(data, initial={"consent": own is not None, "named": own.named if own else False})
        formset = contact_formset(data, _channels(survey), initial=initial)
    status = 200
    if data is not None:
        if form.is_valid() and formset.is_valid():
            try:
                surveys.answer_save(
                    actor=request.user,
                    survey=survey,
                    data=surveys.AnswerData(
                        contacts=contacts_of(formset),
                        named=form.cleaned_data["named"],
                        consent=form.cleaned_data["consent"],
                    ),
                )
            except surveys.SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you: your answers are saved. You can change them while the survey is open."),
                )
                return redirect("insights:survey", slug=slug, pk=pk)
        status = 400
    analysing = _analysing(request, view)
    results = survey.results if survey.computed_at else {}
    return render(
        request,
        "insights/survey.html",
        {
            "view": view,
            "community": view.community,
            "survey": survey,
            "accepting": accepting,
            "can_answer": can_answer,
            "managing": _managing(request, view),
            "analysing": analysing,
            "own": own,
            "contacts": contacts,
            "form": form,
            "formset": formset,
            "channel_labels": dict(_channels(survey)),
            "frequency_labels": dict(Frequency.choices),
            "people": extract.member_names(view.community, SUGGESTIONS) if can_answer else [],
            "organisations": extract.organisation_names(SUGGESTIONS) if can_answer else [],
            "channel_summary": _channel_rows(results) if survey.status == SurveyStatus.CLOSED and own else [],
            "max_contacts": surveys.MAX_CONTACTS,
            "more_possible": formset.total_form_count() < surveys.MAX_CONTACTS,
        },
        status=status,
    )


@login_required
@require_POST
def survey_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw one's answers: allowed even to those who can no longer read the community."""
    survey = selectors.answered_survey(slug, pk, request.user.pk)
    if survey is None or not permissions.can_withdraw_answer(request.user, has_answer=True):
        raise Http404
    if surveys.answer_withdraw(actor=request.user, survey=survey):
        messages.success(request, _("Your answers are deleted."))
    return redirect(safe_next(request, reverse("insights:my_answers")))


@login_required
@require_safe
def my_answers(request: HttpRequest) -> HttpResponse:
    """Every survey one has answered, to review or withdraw the answers."""
    return render(request, "insights/my_answers.html", {"answers": selectors.my_answers(request.user.pk)})


def _channel_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "label": _channel_label(row["channel"]),
            "reach_percent": round(100 * row["reach"]),
            "tie_percent": round(100 * row["tie_share"]),
            "bar": round(260 * row["reach"], 1),
            "y": 8 + 26 * index,
        }
        for index, row in enumerate(results.get("channels", []))
    ]


def _analysis(request: HttpRequest, slug: str, pk: int) -> tuple[CommunityView, ConnectionSurvey]:
    view = _community(request, slug)
    if not _analysing(request, view):
        raise Http404
    return view, _survey(request, view, pk)


def _computed(request: HttpRequest, slug: str, pk: int) -> ConnectionSurvey:
    """A survey whose analysis exists, for the downloads."""
    _view, survey = _analysis(request, slug, pk)
    if not survey.computed_at:
        raise Http404
    return survey


@login_required
@require_safe
def survey_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view, survey = _analysis(request, slug, pk)
    results = survey.results if survey.computed_at else {}
    names = selectors.survey_names(survey, named=True, pseudonym=str(PSEUDONYM)) if results else {}
    nodes = results.get("nodes", [])
    drawn = set(results.get("drawn", []))
    drawing = [
        {
            **node,
            "name": names.get(str(node["id"]), ""),
            "px": round(20 + node["x"] * 600, 1),
            "py": round(20 + node["y"] * 440, 1),
            "r": round(4 + 2.5 * min(node["in_degree"], 6), 1),
        }
        for node in nodes
        if str(node["id"]) in drawn
    ]
    positions = {str(node["id"]): (node["px"], node["py"]) for node in drawing}
    edges = [
        {
            "s": s,
            "t": t,
            "x1": positions[s][0],
            "y1": positions[s][1],
            "x2": positions[t][0],
            "y2": positions[t][1],
            "channels": ", ".join(_channel_label(c) for c in channels),
            "w": min(3.5, 0.8 + 0.6 * len(channels)),
        }
        for s, t, channels in results.get("edges", [])
        if s in positions and t in positions
    ][:DRAWN_EDGES]
    by_id = {str(node["id"]): node for node in nodes}

    def person(key: str) -> dict[str, Any]:
        node = by_id.get(key, {})
        return {
            "name": names.get(key, ""),
            "organisation": node.get("organisation", ""),
            "in_degree": node.get("in_degree", 0),
            "kind": KIND_LABELS.get(node.get("kind", ""), ""),
        }

    summary = results.get("summary", {})
    respondents = results.get("respondents", 0)
    return render(
        request,
        "insights/survey_results.html",
        {
            "view": view,
            "community": view.community,
            "survey": survey,
            "results": results,
            "summary": summary,
            "channels": _channel_rows(results),
            "chart_height": 16 + 26 * len(results.get("channels", [])),
            "recommended": [_channel_label(c) for c in results.get("recommended", [])],
            "go_to": [person(str(key)) for key in results.get("go_to", [])],
            "to_draw_in": [person(str(key)) for key in results.get("to_draw_in", [])],
            "drawing": drawing,
            "edges": edges,
            "total": len(nodes),
            "response_rate": (
                round(100 * results.get("member_respondents", 0) / results["members"])
                if results.get("members")
                else None
            ),
            "respondents": respondents,
            "managing": _managing(request, view),
            "kinds": KIND_LABELS,
        },
    )


def _labelled_graph(survey: ConnectionSurvey) -> nx.MultiDiGraph:
    """The survey's network for Gephi and friends: one edge per respondent, contact and channel."""
    results = survey.results
    names = selectors.survey_names(survey, named=True, pseudonym=str(PSEUDONYM))
    graph = nx.MultiDiGraph()
    for node in results.get("nodes", []):
        graph.add_node(
            str(node["id"]),
            label=names.get(str(node["id"]), ""),
            kind=node["kind"],
            organisation=node["organisation"],
            in_degree=node["in_degree"],
            betweenness=node["betweenness"],
            cluster=node["cluster"],
            broker=node["broker"],
        )
    for source, target, channel, frequency in results.get("ties", []):
        graph.add_edge(str(source), str(target), key=channel, channel=channel, frequency=frequency)
    return graph


@login_required
@require_safe
def survey_graphml(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = _computed(request, slug, pk)
    response = HttpResponse(
        network.graphml(_labelled_graph(survey)), content_type="application/graphml+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-survey-{pk}.graphml"'
    return response


@login_required
@require_safe
def survey_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every tie: who turns to whom, through which channel, how often (labels as on the map)."""
    survey = _computed(request, slug, pk)
    names = selectors.survey_names(survey, named=True, pseudonym=str(PSEUDONYM))
    organisation = {str(node["id"]): node["organisation"] for node in survey.results.get("nodes", [])}
    return csv_response(
        f"{slug}-survey-{pk}.csv",
        [
            "respondent",
            "respondent_organisation",
            "turns_to",
            "turns_to_organisation",
            "channel",
            "frequency",
        ],
        (
            [
                names.get(str(s), ""),
                organisation.get(str(s), ""),
                names.get(str(t), ""),
                organisation.get(str(t), ""),
                channel,
                frequency,
            ]
            for s, t, channel, frequency in survey.results.get("ties", [])
        ),
    )


@login_required
@require_POST
def survey_recompute(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _view, survey = _analysis(request, slug, pk)
    surveys.recompute(actor=request.user, survey=survey)
    messages.success(request, _("The analysis is being computed; reload the page in a moment."))
    return redirect("insights:survey_results", slug=slug, pk=pk)
