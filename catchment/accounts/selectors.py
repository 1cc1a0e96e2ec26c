"""Reads for the directory, profiles, organisations and the hub's headline numbers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from catchment.accounts.models import Organisation, Profile, SpokenLanguage, Theme, User
from catchment.accounts.permissions import Viewer, check_view_profile, visible_profiles_q
from catchment.core import pagecache


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    country: str = ""
    stakeholder_group: str = ""
    theme: str = ""
    language: str = ""
    organisation: str = ""


def _profiles() -> QuerySet[Profile]:
    return Profile.objects.select_related("user", "organisation").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "name_en")),
        Prefetch("spoken_languages", queryset=SpokenLanguage.objects.order_by("code")),
    )


def directory_profiles(viewer: Viewer, filters: DirectoryFilters) -> QuerySet[Profile]:
    """Profiles `viewer` may see that match the filters, ordered by name, with what a card shows loaded."""
    profiles = _profiles().filter(visible_profiles_q(viewer))
    if filters.query:
        # Each word: the name or position (one pass over profiles and their accounts), or an organisation
        # or theme whose name matches (small tables, looked up apart), so no join multiplies the profiles.
        for word in filters.query.split()[:8]:
            organisations = Organisation.objects.filter(name__icontains=word).values("pk")
            themes = Theme.objects.filter(
                Q(name_en__icontains=word)
                | Q(name_es__icontains=word)
                | Q(name_fr__icontains=word)
                | Q(name_ru__icontains=word)
            )
            profiles = profiles.filter(
                Q(user__display_name__icontains=word)
                | Q(position__icontains=word)
                | Q(organisation__in=organisations)
                | Q(pk__in=Profile.themes.through.objects.filter(theme__in=themes).values("profile_id"))
            )
    if filters.country:
        profiles = profiles.filter(country=filters.country)
    if filters.stakeholder_group:
        profiles = profiles.filter(stakeholder_group=filters.stakeholder_group)
    if filters.theme:
        profiles = profiles.filter(pk__in=Profile.objects.filter(themes__slug=filters.theme).values("pk"))
    if filters.language:
        profiles = profiles.filter(
            pk__in=SpokenLanguage.objects.filter(code=filters.language).values("profile")
        )
    if filters.organisation:
        profiles = profiles.filter(organisation__slug=filters.organisation)
    return profiles.order_by("user__display_name", "pk")


def country_counts(profiles: QuerySet[Profile]) -> dict[str, int]:
    """Members per country (ISO alpha-2) in one grouped query; members without a country are left out."""
    rows = (
        profiles.order_by()
        .exclude(country="")
        .values("country")
        .annotate(members=Count("pk"))  # the filters use subqueries: no join repeats a profile
        .values_list("country", "members")
    )
    return {str(code): members for code, members in rows}


@dataclass(frozen=True)
class HubCounts:
    members: int
    countries: int
    organisations: int


def hub_counts() -> HubCounts:
    """The live headline numbers of the home page, in two queries, counted again only after a change to
    accounts, profiles or organisations (counting 100,000 profiles on every visit costs a tenth of a second)."""

    def count() -> HubCounts:
        people = Profile.objects.filter(user__is_active=True).aggregate(
            members=Count("pk"), countries=Count("country", distinct=True, filter=~Q(country=""))
        )
        return HubCounts(
            members=people["members"],
            countries=people["countries"],
            organisations=Organisation.objects.count(),
        )

    return pagecache.remember("hub-counts", ["shared"], count)


def newest_profiles(viewer: Viewer, limit: int = 6) -> list[Profile]:
    """The most recently joined members `viewer` may see."""
    return list(_profiles().filter(visible_profiles_q(viewer)).order_by("-user__date_joined", "-pk")[:limit])


def profile_for_viewer(viewer: Viewer, username: str) -> Profile:
    """A profile by handle, or 404 when it does not exist or `viewer` may not see it."""
    profile = _profiles().filter(user__username=username).first()
    if profile is None:
        raise Http404
    check_view_profile(viewer, profile)
    return profile


def own_profile(user: User) -> Profile:
    """The signed-in member's profile with everything the edit form needs."""
    return _profiles().get(user=user)


def active_themes() -> QuerySet[Theme]:
    """The taxonomy as offered to members."""
    return Theme.objects.filter(is_active=True).order_by("position", "name_en")


def organisation_list(*, query: str = "", type: str = "", country: str = "") -> QuerySet[Organisation]:
    """Organisations with their number of members, filtered."""
    organisations = Organisation.objects.annotate(
        member_count=Count("profiles", filter=Q(profiles__user__is_active=True))
    )
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if type:
        organisations = organisations.filter(type=type)
    if country:
        organisations = organisations.filter(country=country)
    return organisations.order_by("name")


def organisation_by_slug(slug: str) -> Organisation:
    """An organisation or 404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def organisation_members(viewer: Viewer, organisation: Organisation) -> QuerySet[Profile]:
    """Members of an organisation that `viewer` may see."""
    return (
        _profiles()
        .filter(visible_profiles_q(viewer), organisation=organisation)
        .order_by("user__display_name", "pk")
    )


def organisation_admins(organisation: Organisation) -> QuerySet[User]:
    """The people who manage an organisation's page."""
    return organisation.admins.order_by("display_name")


def organisation_choices() -> QuerySet[Organisation]:
    """Organisations a member can link their profile to."""
    return Organisation.objects.order_by("name")


def organisation_name_taken(name: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another organisation already uses this name (case-insensitively)."""
    taken = Organisation.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def users_by_handle(handles: Iterable[str]) -> dict[str, User]:
    """Active accounts by lower-cased handle (username), for forms that name people."""
    wanted = {handle.lower() for handle in handles if handle}
    if not wanted:
        return {}
    found = User.objects.annotate(handle=Lower("username")).filter(is_active=True, handle__in=wanted)
    return {user.username.lower(): user for user in found}


def mail_recipients_q(prefix: str = "") -> Q:
    """Accounts we may mail: active, with a confirmed primary address (never an address someone typed
    for somebody else and nobody confirmed)."""
    confirmed = EmailAddress.objects.filter(verified=True, primary=True).values("user_id")
    return Q(**{f"{prefix}is_active": True, f"{prefix}pk__in": confirmed})


def may_be_mailed(user: User) -> bool:
    """The same rule for one account."""
    return (
        bool(user.is_active and user.email)
        and EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    )
