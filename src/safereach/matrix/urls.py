from django.urls import path

from safereach.matrix import views

app_name = "matrix"
urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("districts/", views.districts, name="districts"),
    path("schools/<int:urn>/", views.school, name="school"),
    path("<slug:slug>/", views.target_list, name="target-list"),
    path("<slug:slug>/export.<str:fmt>", views.export, name="export"),
    path("<slug:slug>/backtest/", views.backtest, name="backtest"),
    path("<slug:slug>/backtest/<int:pk>/", views.backtest_run, name="backtest-run"),
    path("<slug:slug>/backtest/<int:pk>/progress/", views.backtest_progress, name="backtest-progress"),
    path("<slug:slug>/profile/", views.profile, name="profile"),
    path("<slug:slug>/profile/indicators/", views.profile_indicators, name="profile-indicators"),
    path("<slug:slug>/profile/rebuild/", views.rebuild, name="rebuild"),
    path("<slug:slug>/profile/rebuild/<int:pk>/progress/", views.rebuild_progress,
         name="rebuild-progress"),
    path("<slug:slug>/districts/", views.district_summary, name="district-summary"),
]
