from django.urls import path

from safereach.accounts import two_step, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-step/", two_step.two_step, name="two-step"),
]
