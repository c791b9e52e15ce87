from django.urls import path

from safereach.register import manage_views, views

app_name = "register"
urlpatterns = [
    # The public register: no sign-in.
    path("", views.register, name="search"),
    path("map/", views.map_page, name="map"),
    path("notices/<uuid:public_id>/", views.entry, name="entry"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/entries.csv", views.feed_csv, name="feed-csv"),
    path("feeds/entries.json", views.feed_json, name="feed-json"),
    path("feeds/national.json", views.feed_national, name="feed-national"),
    path("suggestions.json", views.suggestions, name="suggestions"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    # Protection staff.
    path("manage/", manage_views.notices, name="notices"),
    path("manage/new/", manage_views.new_notice, name="new-notice"),
    path("manage/import/", manage_views.import_notices, name="import"),
    path("manage/due/", manage_views.due_page, name="due"),
    path("manage/<int:pk>/", manage_views.notice, name="notice"),
    path("manage/<int:pk>/details/", manage_views.edit_notice, name="edit-notice"),
    path("manage/<int:pk>/events/<str:kind>/", manage_views.add_event, name="add-event"),
    path("manage/<int:pk>/strike-out/", manage_views.strike_out, name="strike-out"),
]
