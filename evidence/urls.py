from django.urls import path

from evidence import views

urlpatterns = [
    path("verify/", views.verify_page, name="evidence-verify"),
    path("dossier/<id:pk>/", views.dossier_pdf, name="proposal-dossier"),
    path("documents/<id:pk>/<slug:key>/", views.document_pdf, name="official-document"),
]
