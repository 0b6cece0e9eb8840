from django.urls import path

from organisation import views

urlpatterns = [
    path("", views.reorganisation_list, name="reorganisation-list"),
    path("import/", views.people_import, name="people-import"),
    path("<id:pk>/", views.reorganisation_detail, name="reorganisation-detail"),
    path("<id:pk>/share/<int:step>/", views.reorganisation_share, name="reorganisation-share"),
    path("<id:pk>/<str:action>/", views.reorganisation_action, name="reorganisation-action"),
]
