from django.urls import path

from safereach.evidence import views

app_name = "evidence"
urlpatterns = [
    path("datasets/", views.datasets, name="datasets"),
]
