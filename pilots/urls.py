from django.urls import path

from pilots import views

urlpatterns = [
    path("", views.pilot_list, name="pilot-list"),
    path("reports-due/", views.reports_due, name="pilot-reports-due"),
    path("inspections/", views.my_inspections, name="pilot-inspections"),
    path("new/<id:proposal_pk>/", views.pilot_create, name="pilot-create"),
    path("<id:pk>/", views.pilot_detail, name="pilot-detail"),
    path("<id:pk>/attachments/", views.attachment_upload, name="pilot-attach"),
    path("<id:pk>/attachments/<id:attachment_pk>/", views.attachment_download, name="pilot-attachment"),
    path("<id:pk>/inspectors/<str:change>/", views.inspector_change, name="pilot-inspector"),
    path("<id:pk>/<str:action>/", views.pilot_action, name="pilot-action"),
]
