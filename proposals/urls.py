from django.urls import path

from proposals import views

urlpatterns = [
    path("", views.proposal_list, name="proposal-list"),
    path("inbox/", views.proposal_inbox, name="proposal-inbox"),
    path("all/", views.proposal_all, name="proposal-all"),
    path("new/", views.proposal_create, name="proposal-create"),
    path("<id:pk>/", views.proposal_detail, name="proposal-detail"),
    path("<id:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("<id:pk>/check/", views.proposal_check, name="proposal-check"),
    path("<id:pk>/attachments/", views.attachment_upload, name="proposal-attach"),
    path("<id:pk>/attachments/<id:attachment_pk>/", views.attachment_download, name="proposal-attachment"),
    path(
        "<id:pk>/co-implementers/<str:change>/", views.co_implementer_change, name="proposal-co-implementer"
    ),
    path("<id:pk>/<str:action>/", views.proposal_action, name="proposal-action"),
]
