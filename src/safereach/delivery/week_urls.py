from django.urls import path

from safereach.delivery import week_views

app_name = "week"
urlpatterns = [
    path("", week_views.my_week, name="mine"),
    path("<int:pk>/", week_views.officer_week, name="officer"),
    path("<int:pk>/calendar/reset/", week_views.reset_feed, name="reset-feed"),
    path("<int:pk>/calendar/<str:token>.ics", week_views.feed, name="feed"),
]
