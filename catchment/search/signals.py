"""Keep the index in step: each save or delete of something searchable updates its document."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catchment.accounts.models import Profile, User
from catchment.communities.models import Community
from catchment.discussions.models import Post, Topic
from catchment.events.models import Event
from catchment.library.models import Resource
from catchment.search import services
from catchment.search.models import Kind


@receiver(post_save, sender=Topic)
def _topic_saved(sender: Any, instance: Topic, **kwargs: Any) -> None:
    services.index_topic(instance)
    # Hiding or restoring a topic hides or restores its replies in search too.
    for post in instance.posts.filter(number__gt=1):
        services.index_post(post)


@receiver(post_save, sender=Post)
def _post_saved(sender: Any, instance: Post, **kwargs: Any) -> None:
    services.index_post(instance)


@receiver(post_save, sender=Community)
def _community_saved(sender: Any, instance: Community, **kwargs: Any) -> None:
    services.index_community(instance)


@receiver(post_save, sender=Profile)
def _profile_saved(sender: Any, instance: Profile, **kwargs: Any) -> None:
    services.index_profile(instance)


@receiver(post_save, sender=User)
def _user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    profile = Profile.objects.filter(user=instance).first()
    if profile is not None:
        services.index_profile(profile)


@receiver(post_delete, sender=Topic)
def _topic_deleted(sender: Any, instance: Topic, **kwargs: Any) -> None:
    services.remove(Kind.TOPIC, instance.pk)


@receiver(post_delete, sender=Post)
def _post_deleted(sender: Any, instance: Post, **kwargs: Any) -> None:
    services.remove(Kind.POST, instance.pk)


@receiver(post_delete, sender=Community)
def _community_deleted(sender: Any, instance: Community, **kwargs: Any) -> None:
    services.remove(Kind.COMMUNITY, instance.pk)


@receiver(post_delete, sender=Profile)
def _profile_deleted(sender: Any, instance: Profile, **kwargs: Any) -> None:
    services.remove(Kind.PERSON, instance.pk)


@receiver(post_save, sender=Resource)
def _resource_saved(sender: Any, instance: Resource, **kwargs: Any) -> None:
    services.index_resource(instance)


@receiver(post_delete, sender=Resource)
def _resource_deleted(sender: Any, instance: Resource, **kwargs: Any) -> None:
    services.remove(Kind.RESOURCE, instance.pk)


@receiver(post_save, sender=Event)
def _event_saved(sender: Any, instance: Event, **kwargs: Any) -> None:
    services.index_event(instance)


@receiver(post_delete, sender=Event)
def _event_deleted(sender: Any, instance: Event, **kwargs: Any) -> None:
    services.remove(Kind.EVENT, instance.pk)
