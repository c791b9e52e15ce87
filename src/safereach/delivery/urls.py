from django.urls import path

from safereach.delivery import projected, views

app_name = "delivery"
urlpatterns = [
    path("visits/<int:visit_id>/outcome/", views.outcome, name="outcome"),
    path("fairness/", views.fairness, name="fairness"),
    path("projected/", projected.projected_delivery, name="projected"),
    path("projected/visits.csv", projected.projected_csv, name="projected-csv"),
    path("projected/feed/<str:key>.ics", projected.projected_feed, name="projected-feed"),
]
