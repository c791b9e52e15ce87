from django.urls import path

from safereach.schoolpage import staff_views, views

app_name = "schoolpage"
urlpatterns = [
    # The school's side: signed links, no password.
    path("school/", views.ask_for_link, name="ask"),
    path("school/link-sent/", views.link_sent, name="link-sent"),
    path("school/visit/<str:token>/feedback/", views.feedback, name="feedback"),
    path("school/visit/<str:token>/knowledge-check/", views.knowledge_check,
         name="knowledge-check"),
    path("school/<str:token>/", views.school_page, name="page"),
    path("school/<str:token>/what-would-help/", views.needs, name="needs"),
    path("school/<str:token>/concern/", views.share_concern, name="share-concern"),
    path("school/<str:token>/concern/sent/<str:reference>/", views.concern_sent,
         name="concern-sent"),
    # Staff.
    path("schools/unmet-demand/", staff_views.unmet_demand, name="unmet-demand"),
    path("schools/unmet-demand.csv", staff_views.unmet_demand_csv, name="unmet-demand-csv"),
    path("schools/tiers/", staff_views.tiers, name="tiers"),
    path("schools/tiers/<int:urn>/", staff_views.tier_decision, name="tier-decision"),
    path("schools/feedback/", staff_views.feedback_overview, name="feedback-overview"),
    path("schools/feedback/<slug:slug>/", staff_views.session_feedback_page,
         name="session-feedback"),
    path("schools/feedback/<slug:slug>/questions/<int:pk>/delete/", staff_views.delete_question,
         name="delete-question"),
    path("schools/concerns/", staff_views.concerns_inbox, name="concerns"),
    path("schools/concerns/<str:reference>/", staff_views.concern_detail, name="concern"),
]
