from django.urls import path

from safereach.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.officers, name="officers"),
    path("<id:pk>/", views.officer, name="officer"),
    path("<id:pk>/calendar/read/", views.read_calendar, name="read-calendar"),
    path("<id:pk>/leave/<id:leave_pk>/remove/", views.remove_leave, name="remove-leave"),
]
