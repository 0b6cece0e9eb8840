from django.urls import path

from monitoring import report_views as views

urlpatterns = [
    path("", views.report_page, name="report"),
    path("items/", views.drill_page, name="report-items"),
    path("units/", views.unit_search, name="report-units"),
    path("snapshots/", views.freeze, name="report-freeze"),
    path("downloads/", views.download_list, name="report-downloads"),
    path("downloads/<id:pk>/", views.download_file, name="report-download"),
    path("downloads/<id:pk>/progress/", views.download_progress, name="report-download-progress"),
]
