from django.urls import path

from safereach.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.officers, name="officers"),
    path("<int:pk>/", views.officer, name="officer"),
    path("<int:pk>/calendar/read/", views.read_calendar, name="read-calendar"),
    path("<int:pk>/leave/<int:leave_pk>/remove/", views.remove_leave, name="remove-leave"),
]
