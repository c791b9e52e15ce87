from django.urls import path

from safereach.maps import views

app_name = "maps"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("layers/<slug:key>.json", views.layer_json, name="layer-json"),
    path("tables/<slug:key>/", views.table_page, name="layer-table"),
    path("tables/<slug:key>.<str:fmt>", views.table_export, name="table-export"),
    path("incidents/<id:pk>/schools/", views.near_incident, name="near-incident"),
    path("pack/", views.map_pack, name="pack"),
    path("pack/<id:pk>/", views.map_pack_run, name="pack-run"),
    path("pack/<id:pk>/progress/", views.map_pack_progress, name="pack-progress"),
    path("pack/<id:pk>/map-pack.pdf", views.map_pack_pdf, name="pack-pdf"),
]
