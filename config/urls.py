from django.contrib import admin
from django.urls import include, path

from catchment.accounts import views as account_views
from catchment.communities import views as community_views
from catchment.core import views as core_views

handler400 = "catchment.core.views.bad_request"
handler403 = "catchment.core.views.permission_denied"
handler404 = "catchment.core.views.page_not_found"
handler500 = "catchment.core.views.server_error"
handler429 = (
    "catchment.core.views.too_many_requests"  # allauth's rate limits (sign-in, sign-up, reset) answer with it
)

urlpatterns = [
    path("", community_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/language/", account_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("catchment.api.urls")),
    path("", include("catchment.api.web_urls")),
    path("", include("catchment.webhooks.urls")),
    path("search/", include("catchment.search.urls")),
    path("notifications/", include("catchment.notifications.urls")),
    path("messages/", include("catchment.conversations.urls")),
    path("", include("catchment.newsletters.urls")),
    path("", include("catchment.library.urls")),
    path("", include("catchment.events.urls")),
    path("", include("catchment.insights.urls")),
    path("", include("catchment.alliances.urls")),
    path("communities/", include("catchment.discussions.urls")),
    path("communities/", include("catchment.communities.urls")),
    path("", include("catchment.accounts.urls")),
]
