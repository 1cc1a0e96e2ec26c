"""Demo newsletters: a hub newsletter sent in four languages, and a community draft for the demo convenor."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import User
from catchment.communities.models import Membership, Role
from catchment.newsletters.models import Delivery, DeliveryStatus, Edition, Newsletter, Status

HUB_EDITIONS = {
    "en": (
        "Network launch: the multi-stakeholder partnership sourcebook",
        "Join the launch webinar on **Tuesday 30 May 2023, 14:00–15:45 CEST**, with interpretation into "
        "Spanish, French and Russian.\n\n## On the agenda\n\n- Why the sourcebook, and for whom\n"
        "- Stories from three country water partnerships\n- Questions and answers",
    ),
    "es": (
        "Lanzamiento en red: el manual de alianzas multiactor",
        "Participe en el seminario web de lanzamiento el **martes 30 de mayo de 2023, 14:00–15:45 CEST**, "
        "con interpretación al español, francés y ruso.",
    ),
    "fr": (
        "Lancement en réseau : le guide des partenariats multi-acteurs",
        "Rejoignez le webinaire de lancement le **mardi 30 mai 2023, 14h00–15h45 CEST**, avec interprétation "
        "en espagnol, français et russe.",
    ),
    "ru": (
        "Запуск в сети: руководство по многосторонним партнёрствам",
        "Присоединяйтесь к вебинару **во вторник, 30 мая 2023 г., 14:00–15:45 CEST** с переводом на "
        "испанский, французский и русский языки.",
    ),
}


@transaction.atomic
def load_demo_newsletters() -> int:
    """Create the demo newsletters once; returns how many were created. No mail is sent."""
    if Newsletter.objects.exists():
        return 0
    admin = User.objects.filter(email=f"admin@{DEMO_DOMAIN}").first()
    convenor = User.objects.filter(email=f"convenor@{DEMO_DOMAIN}").first()
    if admin is None or convenor is None:
        return 0
    sent_at = timezone.now() - datetime.timedelta(days=5)
    hub = Newsletter.objects.create(
        author=admin, sent_by=admin, status=Status.SENT, sent_at=sent_at, default_language="en"
    )
    Edition.objects.bulk_create(
        [
            Edition(newsletter=hub, language=code, subject=subject, body=body)
            for code, (subject, body) in HUB_EDITIONS.items()
        ]
    )
    readers = User.objects.filter(is_active=True, email__endswith=f"@{DEMO_DOMAIN}").values_list(
        "pk", "language"
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                newsletter=hub,
                user_id=pk,
                language=language if language in HUB_EDITIONS else "en",
                status=DeliveryStatus.SENT,
                sent_at=sent_at,
            )
            for pk, language in readers
        ]
    )
    created = 1
    membership = (
        Membership.objects.filter(user=convenor, role=Role.CONVENOR).select_related("community").first()
    )
    if membership is not None:
        draft = Newsletter.objects.create(
            community=membership.community, author=convenor, default_language="en"
        )
        Edition.objects.create(
            newsletter=draft,
            language="en",
            subject=f"{membership.community.name}: what we learnt this quarter",
            body="Three highlights from our discussions, and the date of our next World Café.\n\n"
            "1. Monitoring indicators that partners actually use\n2. A case study on water user associations\n"
            "3. Interpretation for every webinar",
        )
        created += 1
    return created
