from django.contrib import admin
from django.urls import include, path

from safereach.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("favicon.ico", home_views.favicon),
    path("accessibility/", home_views.accessibility, name="accessibility"),
    path("privacy/", home_views.privacy, name="privacy"),
    path("accounts/", include("safereach.accounts.urls")),
    path("evidence/", include("safereach.evidence.urls")),
    path("governance/", include("safereach.governance.urls")),
    path("matrix/", include("safereach.matrix.urls")),
    path("sessions/", include("safereach.catalogue.urls")),
    path("book/plan/", include("safereach.planning.urls")),
    path("book/", include("safereach.bookings.urls")),
    path("officers/", include("safereach.workforce.urls")),
    path("week/", include("safereach.delivery.week_urls")),
    path("delivery/", include("safereach.delivery.urls")),
    path("maps/", include("safereach.maps.urls")),
    path("register/", include("safereach.register.urls")),
    path("", include("safereach.schoolpage.urls")),
    path("admin/", admin.site.urls),
]
