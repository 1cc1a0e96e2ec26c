from django.urls import path

from catchment.alliances import map_views, views

app_name = "alliances"

A = "alliances/<slug:slug>/"
M = "communities/<slug:slug>/maps/"

urlpatterns = [
    path("alliances/", views.alliance_list, name="list"),
    path("alliances/new/", views.alliance_new, name="new"),
    path(A, views.alliance_detail, name="detail"),
    path(A + "settings/", views.alliance_edit, name="edit"),
    path(A + "platforms/new/", views.platform_new, name="platform_new"),
    path(A + "platforms/<int:pk>/", views.platform_detail, name="platform"),
    path(A + "platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path(A + "platforms/<int:pk>/remove/", views.platform_remove, name="platform_remove"),
    path(A + "direction/", views.direction, name="direction"),
    path(A + "direction/edit/", views.direction_edit, name="direction_edit"),
    path(A + "direction/v<int:number>/", views.direction_version, name="direction_version"),
    path(A + "stakeholders/", views.stakeholder_list, name="stakeholders"),
    path(A + "stakeholders.csv", views.stakeholder_csv, name="stakeholders_csv"),
    path(A + "stakeholders/import/", views.stakeholder_import, name="stakeholders_import"),
    path(A + "stakeholders/new/", views.stakeholder_new, name="stakeholder_new"),
    path(A + "stakeholders/grid/", views.grid, name="grid"),
    path(A + "stakeholders/grid.csv", views.grid_csv, name="grid_csv"),
    path(A + "stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path(A + "stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path(A + "stakeholders/<int:pk>/move/", views.stakeholder_move, name="stakeholder_move"),
    path(A + "stakeholders/<int:pk>/relations/", views.relation_add, name="relation_add"),
    path(A + "relations/<int:pk>/remove/", views.relation_remove, name="relation_remove"),
    path(A + "pipeline/", views.pipeline, name="pipeline"),
    path(A + "cycles/", views.cycle_list, name="cycles"),
    path(A + "platforms/<int:pk>/cycles/new/", views.cycle_new, name="cycle_new"),
    path(A + "cycles/<int:pk>/", views.cycle_edit, name="cycle"),
    path(A + "process/", views.process_log, name="process"),
    path(A + "process.csv", views.process_csv, name="process_csv"),
    path(A + "process/new/", views.process_new, name="process_new"),
    path(A + "process/<int:pk>/edit/", views.process_edit, name="process_edit"),
    path(A + "process/<int:pk>/delete/", views.process_delete, name="process_delete"),
    path(A + "dissemination/", views.outputs, name="outputs"),
    path(A + "dissemination/<int:pk>/delete/", views.output_delete, name="output_delete"),
    path(M, map_views.map_list, name="maps"),
    path(M + "import/", map_views.map_import, name="map_import"),
    path(M + "<int:pk>/", map_views.map_detail, name="map"),
    path(M + "<int:pk>/settings/", map_views.map_edit, name="map_edit"),
    path(M + "<int:pk>/variables/", map_views.variable_add, name="variable_add"),
    path(M + "<int:pk>/variables/<int:variable>/", map_views.variable_edit, name="variable_edit"),
    path(M + "<int:pk>/variables/<int:variable>/delete/", map_views.variable_delete, name="variable_delete"),
    path(M + "<int:pk>/links/", map_views.link_add, name="link_add"),
    path(M + "<int:pk>/links/<int:link>/delete/", map_views.link_delete, name="link_delete"),
    path(M + "<int:pk>/loops/", map_views.loop_note, name="loop_note"),
    path(M + "<int:pk>.json", map_views.map_json, name="map_json"),
    path(M + "<int:pk>/analysis.csv", map_views.map_csv, name="map_csv"),
]
