from django.urls import path

from accountability import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("mine/", views.my_cases, name="case-mine"),
    path("new/", views.case_report, name="case-report"),
    path("<id:pk>/", views.case_detail, name="case-detail"),
    path("<id:pk>/files/<id:attachment_pk>/", views.attachment_download, name="case-attachment"),
    path("<id:pk>/<str:action>/", views.case_action, name="case-action"),
]
