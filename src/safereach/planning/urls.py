from django.urls import path

from safereach.planning import hold_backs, views

app_name = "planning"
urlpatterns = [
    path("", views.term_plan, name="term-plan"),
    path("<id:pk>/", views.term_plan_run, name="term-plan-run"),
    path("<id:pk>/progress/", views.term_plan_progress, name="term-plan-progress"),
    path("<id:pk>/apply/", views.apply_term_plan, name="term-plan-apply"),
    path("hold-backs/", hold_backs.hold_backs, name="hold-backs"),
    path("hold-backs/<id:pk>/", hold_backs.hold_back, name="hold-back"),
]
