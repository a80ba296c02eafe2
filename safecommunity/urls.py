"""The portal's URLs: sign-in, language switch, the apps' pages, the API and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from programs.core.views import set_language
from programs.jobs.health import healthz
from programs.overview.views import HomeView
from safecommunity.views import favicon

handler400 = "safecommunity.views.bad_request"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("programs.urls")),
    path("", include("workgroups.urls")),
    path("", include("injuries.urls")),
    path("api/", include("safecommunity.api.urls")),
    path("admin/", admin.site.urls),
]
