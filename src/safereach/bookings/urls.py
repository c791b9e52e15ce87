from django.urls import path

from safereach.bookings import invitations, projected, term_plan_views, views

app_name = "bookings"
urlpatterns = [
    path("", views.start, name="start"),
    path("school/<int:urn>/", views.request_form, name="request"),
    path("times/<str:token>/", views.times, name="times"),
    path("held/<str:token>/", views.held, name="held"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:token>/visit/<int:visit_id>/", views.reschedule, name="reschedule"),
    path("projected/", projected.projected_delivery, name="projected"),
    path("projected/visits.csv", projected.projected_csv, name="projected-csv"),
    path("projected/feed/<str:key>.ics", projected.projected_feed, name="projected-feed"),
    path("queue/", views.coordinator_queue, name="queue"),
    path("plan/", term_plan_views.term_plan, name="term-plan"),
    path("plan/<int:pk>/", term_plan_views.term_plan_run, name="term-plan-run"),
    path("plan/<int:pk>/progress/", term_plan_views.term_plan_progress, name="term-plan-progress"),
    path("plan/<int:pk>/apply/", term_plan_views.apply_term_plan, name="term-plan-apply"),
    path("invite/", invitations.invite, name="invite"),
    path("queue/<int:pk>/", views.coordinator_booking, name="coordinator-booking"),
    path("queue/<int:pk>/action/", views.coordinator_action, name="coordinator-action"),
]
