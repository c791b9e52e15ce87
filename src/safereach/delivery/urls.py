from django.urls import path

from safereach.delivery import views

app_name = "delivery"
urlpatterns = [
    path("visits/<int:visit_id>/outcome/", views.outcome, name="outcome"),
]
