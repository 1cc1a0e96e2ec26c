from django.urls import path

from catchment.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.hub, name="hub"),
    path("insights/communities.csv", views.hub_csv, name="hub_csv"),
    path("insights/recompute/", views.hub_recompute, name="hub_recompute"),
    path("insights/map-opt-out/", views.map_opt_out, name="map_opt_out"),
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
]
