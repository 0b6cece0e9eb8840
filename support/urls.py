from django.urls import path

from support import views

urlpatterns = [
    path("", views.obstacle_list, name="obstacle-list"),
    path("raise/<id:pilot_pk>/", views.obstacle_raise, name="obstacle-raise"),
    path("<id:pk>/", views.obstacle_detail, name="obstacle-detail"),
    path("<id:pk>/files/<id:attachment_pk>/", views.attachment_download, name="obstacle-attachment"),
    path("<id:pk>/<str:action>/", views.obstacle_action, name="obstacle-action"),
]
