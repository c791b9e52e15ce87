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
    path("<slug:slug>/profile/", views.profile, name="profile"),
]
