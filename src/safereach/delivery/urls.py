from django.urls import path

from safereach.delivery import impact_views, projected, reach_views, views

app_name = "delivery"
urlpatterns = [
    path("visits/<id:visit_id>/outcome/", views.outcome, name="outcome"),
    path("fairness/", views.fairness, name="fairness"),
    path("projected/", projected.projected_delivery, name="projected"),
    path("projected/visits.csv", projected.projected_csv, name="projected-csv"),
    path("projected/feed/reset/", projected.reset_feed, name="projected-feed-reset"),
    path("projected/feed/<str:key>.ics", projected.projected_feed, name="projected-feed"),
    path("reach/", reach_views.reach, name="reach"),
    path("reach/export.<str:fmt>", reach_views.reach_export, name="reach-export"),
    path("reach/<slug:agency>/", reach_views.reach, name="reach-agency"),
    path("reach/<slug:agency>/export.<str:fmt>", reach_views.reach_export, name="reach-agency-export"),
    path("impact/", impact_views.programmes, name="impact"),
    path("impact/<slug:slug>/", impact_views.programme_impact, name="impact-programme"),
    path("impact/<slug:slug>/runs/<id:pk>/", impact_views.run, name="impact-run"),
    path("impact/<slug:slug>/runs/<id:pk>/progress/", impact_views.run_progress, name="impact-progress"),
]
