from django.urls import path

from safereach.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("open-referral.json", views.open_referral, name="open-referral"),
    path("our-sessions/", views.our_sessions, name="our-sessions"),
    path("our-sessions/new/", views.edit_session, name="add-session"),
    path("our-sessions/<slug:slug>/", views.edit_session, name="edit-session"),
    path("<slug:slug>/", views.session_detail, name="session"),
]
