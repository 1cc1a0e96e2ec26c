"""The hub's starting thematic taxonomy, named in the four interface languages. Staff edit it afterwards."""

from django.db import migrations

THEMES = [
    ("transboundary-waters", "Transboundary waters", "Aguas transfronterizas", "Eaux transfrontalières",
     "Трансграничные воды"),
    ("river-restoration", "River restoration", "Restauración de ríos", "Restauration des rivières",
     "Восстановление рек"),
    ("nature-based-solutions", "Nature-based solutions", "Soluciones basadas en la naturaleza",
     "Solutions fondées sur la nature", "Природоориентированные решения"),
    ("drought", "Drought", "Sequía", "Sécheresse", "Засуха"),
    ("floods", "Floods", "Inundaciones", "Inondations", "Наводнения"),
    ("groundwater", "Groundwater", "Aguas subterráneas", "Eaux souterraines", "Подземные воды"),
    ("wash", "Water, sanitation and hygiene (WASH)", "Agua, saneamiento e higiene (WASH)",
     "Eau, assainissement et hygiène (EAH)", "Водоснабжение, санитария и гигиена"),
    ("gender", "Gender", "Género", "Genre", "Гендерное равенство"),
    ("climate-adaptation", "Climate adaptation", "Adaptación al cambio climático",
     "Adaptation au changement climatique", "Адаптация к изменению климата"),
    ("multiple-use-services", "Multiple-use water services", "Servicios de agua de usos múltiples",
     "Services d'eau à usages multiples", "Многоцелевое водоснабжение"),
    ("water-governance", "Water governance", "Gobernanza del agua", "Gouvernance de l'eau",
     "Управление водными ресурсами"),
    ("iwrm-planning", "IWRM planning", "Planificación de la GIRH", "Planification de la GIRE",
     "Планирование ИУВР"),
    ("source-to-sea", "Source-to-sea", "De la fuente al mar", "De la source à la mer", "От истока до моря"),
    ("water-quality", "Water quality", "Calidad del agua", "Qualité de l'eau", "Качество воды"),
    ("water-for-agriculture", "Water for agriculture", "Agua para la agricultura", "L'eau pour l'agriculture",
     "Вода для сельского хозяйства"),
    ("urban-water", "Urban water", "Agua urbana", "Eau urbaine", "Городское водное хозяйство"),
    ("water-finance", "Water finance", "Financiación del agua", "Financement de l'eau",
     "Финансирование водного сектора"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("accounts", "Theme")
    for position, (slug, en, es, fr, ru) in enumerate(THEMES):
        Theme.objects.get_or_create(
            slug=slug,
            defaults={"name_en": en, "name_es": es, "name_fr": fr, "name_ru": ru, "position": position * 10},
        )


def remove_themes(apps, schema_editor):
    apps.get_model("accounts", "Theme").objects.filter(slug__in=[theme[0] for theme in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_themes, remove_themes)]
