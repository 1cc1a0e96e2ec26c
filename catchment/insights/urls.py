from django.urls import path

from catchment.insights import survey_views, views

app_name = "insights"

urlpatterns = [
    path("insights/", views.hub, name="hub"),
    path("insights/communities.csv", views.hub_csv, name="hub_csv"),
    path("insights/recompute/", views.hub_recompute, name="hub_recompute"),
    path("insights/map-opt-out/", views.map_opt_out, name="map_opt_out"),
    path("insights/my-survey-answers/", survey_views.my_answers, name="my_answers"),
    path("communities/<slug:slug>/insights/", views.dashboard, name="dashboard"),
    path("communities/<slug:slug>/insights/recompute/", views.recompute, name="recompute"),
    path("communities/<slug:slug>/insights/network/", views.network_view, name="network"),
    path("communities/<slug:slug>/insights/network.graphml", views.network_graphml, name="network_graphml"),
    path("communities/<slug:slug>/insights/network.csv", views.network_csv, name="network_csv"),
    path("communities/<slug:slug>/insights/me/", views.my_level, name="me"),
    path("communities/<slug:slug>/insights/settings/", views.level_settings, name="settings"),
    path("communities/<slug:slug>/value/", views.value_matrix, name="value"),
    path("communities/<slug:slug>/value.csv", views.value_csv, name="value_csv"),
    path("communities/<slug:slug>/value/stories/", views.story_list, name="stories"),
    path("communities/<slug:slug>/value/stories/new/", views.story_new, name="story_new"),
    path("communities/<slug:slug>/value/stories/<int:pk>/", views.story_detail, name="story"),
    path("communities/<slug:slug>/value/stories/<int:pk>/edit/", views.story_edit, name="story_edit"),
    path("communities/<slug:slug>/value/indicators/", views.indicators, name="indicators"),
    path("communities/<slug:slug>/value/indicators/seed/", views.indicators_seed, name="indicators_seed"),
    path("communities/<slug:slug>/value/indicators/<int:pk>/observe/", views.observe, name="observe"),
    path("communities/<slug:slug>/surveys/", survey_views.survey_list, name="surveys"),
    path("communities/<slug:slug>/surveys/new/", survey_views.survey_new, name="survey_new"),
    path("communities/<slug:slug>/surveys/<int:pk>/", survey_views.survey_detail, name="survey"),
    path("communities/<slug:slug>/surveys/<int:pk>/edit/", survey_views.survey_edit, name="survey_edit"),
    path(
        "communities/<slug:slug>/surveys/<int:pk>/status/", survey_views.survey_status, name="survey_status"
    ),
    path(
        "communities/<slug:slug>/surveys/<int:pk>/withdraw/",
        survey_views.survey_withdraw,
        name="survey_withdraw",
    ),
    path(
        "communities/<slug:slug>/surveys/<int:pk>/results/",
        survey_views.survey_results,
        name="survey_results",
    ),
    path("communities/<slug:slug>/surveys/<int:pk>/results.csv", survey_views.survey_csv, name="survey_csv"),
    path(
        "communities/<slug:slug>/surveys/<int:pk>/results.graphml",
        survey_views.survey_graphml,
        name="survey_graphml",
    ),
    path(
        "communities/<slug:slug>/surveys/<int:pk>/recompute/",
        survey_views.survey_recompute,
        name="survey_recompute",
    ),
]
