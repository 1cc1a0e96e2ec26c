"""HTTP in and out for events: lists, pages, organising, registration, feeds, attendance and the World
Café."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts import selectors as account_selectors
from catchment.accounts.languages import spoken_language_name
from catchment.accounts.permissions import is_member
from catchment.communities import permissions as community_policy
from catchment.communities import selectors as community_selectors
from catchment.communities.models import Community
from catchment.core import pagecache
from catchment.core.csvfiles import csv_response
from catchment.core.paging import page_number, query_text
from catchment.core.views import posted
from catchment.events import permissions, selectors, services
from catchment.events.calendar import calendar_bytes
from catchment.events.forms import CafeForm, EventForm, FilterForm, HarvestForm, RegisterForm, SynthesisForm
from catchment.events.models import Event, RegistrationStatus
from catchment.events.selectors import EventView
from catchment.library import selectors as library_selectors

FEED_SALT = "catchment.events.feed"


def _list(request: HttpRequest, community: Community | None, context: dict[str, object]) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = selectors.EventFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.EventFilters(
            past=form.cleaned_data["when"] == "past",
            kind=form.cleaned_data["kind"],
            language=form.cleaned_data["language"],
            community=query_text(request, "community", 80),
        )
    page = Paginator(
        selectors.events(request.user, filters, community=community), selectors.PER_PAGE
    ).get_page(page_number(request))
    return render(
        request,
        "events/list.html",
        {**context, "form": form, "page": page, "community": community, "past": filters.past},
    )


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    return _list(request, None, {"can_create": permissions.can_create(request.user, None, None)})


@require_safe
def community_events(request: HttpRequest, slug: str) -> HttpResponse:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    return _list(
        request,
        view.community,
        {
            "view": view,
            "can_create": permissions.can_create(request.user, view.community, view.membership),
            "feed_url": _community_feed_url(request, view.community),
        },
    )


def _event_data(request: HttpRequest, form: EventForm) -> services.EventData | None:
    numbers = form.material_numbers()
    materials = library_selectors.readable_by_number(request.user, numbers)
    missing = sorted(set(numbers) - {resource.pk for resource in materials})
    if missing:
        form.add_error(
            "materials",
            _("There is no resource number %(number)d in the library.") % {"number": missing[0]},
        )
        return None
    recording = None
    if form.cleaned_data.get("recording"):
        found = library_selectors.readable_by_number(request.user, [form.cleaned_data["recording"]])
        if not found:
            form.add_error(
                "recording",
                _("There is no resource number %(number)d in the library.")
                % {"number": form.cleaned_data["recording"]},
            )
            return None
        recording = found[0]
    return form.to_data(materials, recording)


def _compose(
    request: HttpRequest, community: Community | None, event: Event | None, context: dict[str, object]
) -> HttpResponse:
    initial: dict[str, object] = {
        "kind": "webinar",
        "time_zone": getattr(request.user, "timezone", "UTC") or "UTC",
        "languages": ["en"],
    }
    if event is not None:
        initial = _initial(event)
    form = EventForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _event_data(request, form)
        if data is not None:
            try:
                if event is None:
                    saved = services.event_create(actor=request.user, community=community, data=data)
                else:
                    saved = services.event_update(actor=request.user, event=event, data=data)
            except services.EventError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The event is saved."))
                return redirect("events:detail", pk=saved.pk)
    return render(
        request,
        "events/form.html",
        {**context, "form": form, "community": community, "event": event},
        status=400 if form.errors else 200,
    )


def _initial(event: Event) -> dict[str, object]:
    from catchment.events.times import zone

    tz = zone(event.time_zone)

    def local(moment: object) -> object:
        return moment.astimezone(tz).replace(tzinfo=None) if moment else None  # type: ignore[attr-defined]

    languages = list(event.languages.all())
    return {
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "agenda": event.agenda,
        "time_zone": event.time_zone,
        "starts": local(event.starts_at),
        "ends": local(event.ends_at),
        "languages": [lang.code for lang in languages if not lang.interpretation],
        "interpreted": [lang.code for lang in languages if lang.interpretation],
        "join_url": event.join_url,
        "venue": event.venue,
        "capacity": event.capacity,
        "registration_opens": local(event.registration_opens_at),
        "registration_closes": local(event.registration_closes_at),
        "speakers": "\n".join(
            f"{s.name} – {s.affiliation}" if s.affiliation else s.name for s in event.speakers.all()
        ),
        "materials": ", ".join(str(pk) for pk in event.materials.values_list("pk", flat=True)),
        "recording": event.recording_id,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create(request.user, None, None):
        raise Http404
    return _compose(request, None, None, {})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def community_event_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_create(request.user, view.community, view.membership):
        raise Http404
    return _compose(request, view.community, None, {"view": view})


def _languages(event: Event) -> list[tuple[str, str]]:
    return [(lang.code, spoken_language_name(lang.code)) for lang in event.languages.all()]


@require_safe
@pagecache.cache_anonymous(pagecache.hub_scope)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    event = view.event
    return render(
        request,
        "events/detail.html",
        {
            "view": view,
            "event": event,
            "community": event.community,
            "register_form": RegisterForm(
                languages=_languages(event), initial={"language": _preferred(request.user, event)}
            ),
            "has_cafe": hasattr(event, "cafe") if event.kind == "world_cafe" else False,
        },
    )


def _preferred(user: object, event: Event) -> str:
    codes = [lang.code for lang in event.languages.all()]
    language = getattr(user, "language", "") or ""
    return language if language in codes else (codes[0] if codes else "")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    if not view.manager:
        raise Http404
    return _compose(request, view.event.community, view.event, {})


@login_required
@require_POST
def cancel_event(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    if not view.manager:
        raise Http404
    try:
        told = services.event_cancel(actor=request.user, event=view.event)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The event is cancelled; %(count)d people were told.") % {"count": told})
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    form = RegisterForm(request.POST, languages=_languages(view.event))
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages of the event."))
        return redirect("events:detail", pk=pk)
    try:
        registration = services.register(
            actor=request.user, event=view.event, language=form.cleaned_data["language"]
        )
    except services.EventError as error:
        messages.error(request, str(error))
    except PermissionDenied as error:
        raise Http404 from error
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(
                request, _("You are registered. A confirmation with a calendar file is on its way.")
            )
        else:
            messages.success(
                request,
                _("The event is full: you are on the waiting list, and will be told if a place frees."),
            )
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    try:
        services.cancel_registration(actor=request.user, event=view.event)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", pk=pk)


def _managed(request: HttpRequest, pk: int) -> EventView:
    view = selectors.event_for_viewer(request.user, pk)
    if not view.manager:
        raise Http404
    return view


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    if request.method == "POST":
        chosen = [int(raw) for raw in request.POST.getlist("attended") if raw.isdecimal() and len(raw) < 10]
        try:
            count = services.attendance_mark(actor=request.user, event=view.event, attended_ids=chosen)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attendance saved: %(count)d came.") % {"count": count})
        return redirect("events:registrations", pk=pk)
    rows = list(selectors.registrations(view.event))
    return render(
        request,
        "events/registrations.html",
        {
            "view": view,
            "event": view.event,
            "rows": rows,
            "registered": [r for r in rows if r.status == RegistrationStatus.REGISTERED],
            "waiting": [r for r in rows if r.status == RegistrationStatus.WAITLISTED],
            "cancelled": [r for r in rows if r.status == RegistrationStatus.CANCELLED],
            "started": view.event.starts_at <= timezone.now(),
        },
    )


@login_required
@require_safe
def registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    return csv_response(
        f"event-{pk}-registrations.csv",
        ["name", "email", "organisation", "country", "language", "status", "registered_at", "attended"],
        (
            [
                r.user.display_name,
                r.user.email,
                r.user.profile.organisation.name
                if hasattr(r.user, "profile") and r.user.profile.organisation
                else "",
                str(r.user.profile.country) if hasattr(r.user, "profile") else "",
                r.language,
                r.status,
                r.created_at.isoformat(),
                "" if r.attended is None else ("yes" if r.attended else "no"),
            ]
            for r in selectors.registrations(view.event)
        ),
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    return _ics(
        calendar_bytes([view.event], name=view.event.title, with_join_link=view.can_see_join_link),
        f"event-{pk}.ics",
    )


def feed_token(user_id: int, community_id: int | None = None) -> str:
    return signing.dumps({"u": user_id, "c": community_id or 0}, salt=FEED_SALT, compress=True)


def _read_feed_token(token: str) -> tuple[int, int] | None:
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("c"), int):
        return None
    return data["u"], data["c"]


def _community_feed_url(request: HttpRequest, community: Community) -> str:
    url = reverse("events:community_feed", kwargs={"slug": community.slug})
    if is_member(request.user) and request.user.pk:
        url += "?key=" + feed_token(request.user.pk, community.pk)
    return settings.SITE_URL + url


@require_safe
def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    found = _read_feed_token(token)
    if found is None or found[1] != 0:
        raise Http404
    user = selectors.active_user(found[0])
    if user is None:
        raise Http404
    return _ics(
        calendar_bytes(selectors.feed_events_for_user(user), name=_("My events"), with_join_link=True),
        "my-events.ics",
    )


@require_safe
def community_feed(request: HttpRequest, slug: str) -> HttpResponse:
    community = selectors.community_for_feed(slug)
    if community is None:
        raise Http404
    reader: object = request.user
    key = request.GET.get("key", "")
    if key:
        found = _read_feed_token(key)
        person = selectors.active_user(found[0]) if found and found[1] == community.pk else None
        if person is None:
            raise Http404
        reader = person
    membership = community_policy.membership_of(reader, community)  # type: ignore[arg-type]
    if not community_policy.can_read_community(reader, community, membership):  # type: ignore[arg-type]
        raise Http404
    return _ics(
        calendar_bytes(selectors.community_feed_events(community), name=community.name, with_join_link=False),
        f"{community.slug}-events.ics",
    )


@require_safe
def hub_feed(request: HttpRequest) -> HttpResponse:
    return _ics(
        calendar_bytes(selectors.hub_feed_events(), name=settings.SITE_NAME, with_join_link=False),
        "events.ics",
    )


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/mine.html",
        {
            "registrations": list(selectors.my_registrations(request.user)),
            "feed_url": settings.SITE_URL
            + reverse("events:user_feed", kwargs={"token": feed_token(request.user.pk or 0)}),
        },
    )


# --- World Café -----------------------------------------------------------------------------------------


@require_safe
def cafe(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    cafe_view = selectors.cafe_for_event(request.user, view.event)
    return render(
        request,
        "events/cafe.html",
        {
            "view": view,
            "event": view.event,
            "cafe_view": cafe_view,
            "cafe": cafe_view.cafe,
            "rounds": list(range(1, cafe_view.cafe.rounds + 1)),
            "warnings": services.cafe_warnings(cafe_view.cafe, len(cafe_view.questions))
            if view.manager
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cafe_setup(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    cafe_view = selectors.cafe_for_event(request.user, view.event)
    current = cafe_view.cafe
    form = CafeForm(
        posted(request),
        initial={
            "purpose": current.purpose,
            "mode": current.mode,
            "rounds": current.rounds,
            "round_minutes": current.round_minutes,
            "table_size": current.table_size,
            "questions": "\n".join(cafe_view.questions[n] for n in sorted(cafe_view.questions)),
            "tables": "\n".join(
                f"{t.label}; {t.host.username if t.host else ''}; {t.breakout}".rstrip("; ")
                for t in cafe_view.tables
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        rows = form.table_rows()
        hosts = account_selectors.users_by_handle(handle for _label, handle, _room in rows)
        unknown = [handle for _label, handle, _room in rows if handle and handle not in hosts]
        if unknown:
            form.add_error(
                "tables", _("No member has the handle: %(handles)s.") % {"handles": ", ".join(unknown)}
            )
        else:
            setup = services.CafeSetup(
                purpose=form.cleaned_data["purpose"],
                mode=form.cleaned_data["mode"],
                rounds=form.cleaned_data["rounds"],
                round_minutes=form.cleaned_data["round_minutes"],
                table_size=form.cleaned_data["table_size"],
                questions=form.question_list(),
                tables=[(label, hosts.get(handle) if handle else None, room) for label, handle, room in rows],
            )
            try:
                warnings = services.cafe_setup(actor=request.user, event=view.event, setup=setup)
            except services.EventError as error:
                form.add_error(None, str(error))
            else:
                for warning in warnings:
                    messages.warning(request, warning)
                messages.success(
                    request, _("The café is set up. Seat the participants when registration closes.")
                )
                return redirect("events:cafe", pk=pk)
    return render(
        request,
        "events/cafe_setup.html",
        {"form": form, "event": view.event},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def cafe_seat(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    try:
        plan = services.cafe_seat(actor=request.user, event=view.event)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Everyone is seated. Pairs meeting twice: %(repeats)d.") % {"repeats": plan.repeated_pairs()},
        )
    return redirect("events:cafe", pk=pk)


@login_required
@require_safe
def cafe_cards(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    cafe_view = selectors.cafe_for_event(request.user, view.event)
    return render(
        request,
        "events/cafe_cards.html",
        {
            "event": view.event,
            "cafe_view": cafe_view,
            "cafe": cafe_view.cafe,
            "rounds": list(range(1, cafe_view.cafe.rounds + 1)),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def harvest(request: HttpRequest, pk: int, table: int, round_no: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    cafe_view = selectors.cafe_for_event(request.user, view.event)
    found = selectors.cafe_table(cafe_view.cafe, table)
    if not 1 <= round_no <= cafe_view.cafe.rounds:
        raise Http404
    existing = cafe_view.harvests.get((found.pk, round_no))
    form = HarvestForm(
        posted(request),
        initial={
            "notes": existing.notes if existing else "",
            "insights": existing.insights if existing else "",
        },
    )
    seated = {seat.user_id for seat in cafe_view.plan.get(round_no, {}).get(found.pk, [])}
    allowed = permissions.can_harvest(request.user, view.manager, found.host_id, seated)
    if request.method == "POST":
        if not allowed:
            raise Http404
        if form.is_valid():
            try:
                services.harvest_save(
                    actor=request.user,
                    event=view.event,
                    table=found,
                    round_no=round_no,
                    notes=form.cleaned_data["notes"],
                    insights=form.cleaned_data["insights"],
                )
            except services.EventError as error:
                form.add_error(None, str(error))
            except PermissionDenied as error:
                raise Http404 from error
            else:
                messages.success(request, _("The harvest is saved."))
                return redirect(reverse("events:synthesis", kwargs={"pk": pk}) + f"#round-{round_no}")
    return render(
        request,
        "events/harvest.html",
        {
            "event": view.event,
            "table": found,
            "round_no": round_no,
            "question": cafe_view.question(round_no),
            "form": form if allowed else None,
            "existing": existing,
            "seats": cafe_view.plan.get(round_no, {}).get(found.pk, []),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def synthesis(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.event_for_viewer(request.user, pk)
    cafe_view = selectors.cafe_for_event(request.user, view.event)
    form = (
        SynthesisForm(posted(request), initial={"synthesis": cafe_view.cafe.synthesis})
        if view.manager
        else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            services.synthesis_save(actor=request.user, event=view.event, text=form.cleaned_data["synthesis"])
            messages.success(request, _("The synthesis is saved."))
            return redirect("events:synthesis", pk=pk)
    return render(
        request,
        "events/synthesis.html",
        {
            "view": view,
            "event": view.event,
            "cafe_view": cafe_view,
            "cafe": cafe_view.cafe,
            "rounds": [(n, cafe_view.question(n)) for n in range(1, cafe_view.cafe.rounds + 1)],
            "form": form,
        },
    )
