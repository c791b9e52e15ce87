from django.urls import path

from safereach.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.term_plan, name="term-plan"),
    path("<int:pk>/", views.term_plan_run, name="term-plan-run"),
    path("<int:pk>/progress/", views.term_plan_progress, name="term-plan-progress"),
    path("<int:pk>/apply/", views.apply_term_plan, name="term-plan-apply"),
]
