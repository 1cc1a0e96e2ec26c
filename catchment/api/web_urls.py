from django.urls import path

from catchment.api import web

app_name = "api_tokens"

urlpatterns = [
    path("settings/api-tokens/", web.tokens, name="list"),
    path("settings/api-tokens/new/", web.token_made, name="made"),
    path("settings/api-tokens/<int:pk>/revoke/", web.token_revoke, name="revoke"),
]
