from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_members(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    Membership = apps.get_model("communities", "Membership")
    active = (
        Membership.objects.filter(community=OuterRef("pk"), status="active")
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Community.objects.update(member_count=Coalesce(Subquery(active), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0003_charter_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="community",
            name="member_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="members"),
        ),
        migrations.RunPython(count_members, migrations.RunPython.noop),
    ]
