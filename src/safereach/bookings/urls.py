from django.urls import path

from safereach.bookings import invitations, leave, views

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
    path("queue/", views.coordinator_queue, name="queue"),
    path("invite/", invitations.invite, name="invite"),
    path("queue/<int:pk>/", views.coordinator_booking, name="coordinator-booking"),
    path("queue/<int:pk>/action/", views.coordinator_action, name="coordinator-action"),
    path("officers/<int:pk>/leave/", leave.add_leave, name="add-leave"),
]
