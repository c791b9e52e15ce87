from django.contrib import admin
from django.urls import include, path

from safereach.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("safereach.accounts.urls")),
    path("evidence/", include("safereach.evidence.urls")),
    path("matrix/", include("safereach.matrix.urls")),
    path("sessions/", include("safereach.catalogue.urls")),
    path("book/", include("safereach.bookings.urls")),
    path("officers/", include("safereach.workforce.urls")),
    path("week/", include("safereach.bookings.week_urls")),
    path("delivery/", include("safereach.delivery.urls")),
    path("maps/", include("safereach.maps.urls")),
    path("admin/", admin.site.urls),
]
