from django.urls import path

from safereach.governance import views

app_name = "governance"
urlpatterns = [
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement, name="agreement-new"),
    path("agreements/<id:pk>/", views.agreement, name="agreement"),
    path("sensitive/reason/", views.reason, name="reason"),
    path("inventory/", views.inventory, name="inventory"),
    path("inventory.csv", views.inventory, {"fmt": "csv"}, name="inventory-csv"),
    path("audit/", views.audit, name="audit"),
    path("audit.csv", views.audit, {"fmt": "csv"}, name="audit-csv"),
]
