from django.urls import path

from replication import views

urlpatterns = [
    path("", views.model_list, name="model-list"),
    path("publish/<id:pilot_pk>/", views.model_publish, name="model-publish"),
    path("<id:pk>/", views.model_detail, name="model-detail"),
    path("<id:pk>/adopt/", views.model_adopt, name="model-adopt"),
    path("<id:pk>/attach/", views.model_attach, name="model-attach"),
    path("<id:pk>/files/<id:attachment_pk>/", views.model_attachment, name="model-attachment"),
    path("<id:pk>/institutionalise/", views.model_institutionalise, name="model-institutionalise"),
    path(
        "institutionalisations/<id:pk>/advance/",
        views.institutionalisation_advance,
        name="institutionalisation-advance",
    ),
]
