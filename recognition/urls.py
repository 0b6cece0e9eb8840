from django.urls import path

from recognition import views

urlpatterns = [
    path("rewards/new/<id:pilot_pk>/", views.reward_new, name="reward-new"),
    path("people/<str:username>/", views.person_record, name="person-record"),
    path("people/<str:username>/record.pdf", views.person_record_pdf, name="person-record-pdf"),
]
