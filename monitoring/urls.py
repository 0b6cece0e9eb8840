from django.urls import path

from monitoring import views

urlpatterns = [
    path("", views.urging_list, name="urging-list"),
    path("unit/<code:code>/", views.unit_overdue, name="unit-overdue"),
    path("<id:pk>/", views.urging_detail, name="urging-detail"),
    path("<id:pk>/answer/", views.urging_answer, name="urging-answer"),
]
