"""URLs: pages, the admin, and the REST API under /api/v1/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, register_converter
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accountability.api import CaseViewSet
from evidence.api import DocumentsView, DocumentView, DossierView, VerifyView
from monitoring.api import (
    PeriodicReviewViewSet,
    ReportComplianceView,
    ReportSummaryView,
    SnapshotViewSet,
    UrgingViewSet,
)
from monitoring.views import review_attach, review_attachment, review_list
from pilots.api import PilotViewSet
from portal import api, health, metrics, sign_in, sso, views
from portal.converters import CodeConverter, IdConverter
from proposals.api import ProposalViewSet
from recognition.api import PersonRecordView, RewardViewSet
from replication.api import InstitutionalisationViewSet, ModelViewSet
from replication.views import public_page
from support.api import ObstacleViewSet, PilotObstaclesView

register_converter(IdConverter, "id")
register_converter(CodeConverter, "code")

router = DefaultRouter(trailing_slash=True)
router.register("units", api.UnitViewSet, basename="api-unit")
router.register("proposals", ProposalViewSet, basename="api-proposal")
router.register("pilots", PilotViewSet, basename="api-pilot")
router.register("cases", CaseViewSet, basename="api-case")
router.register("obstacles", ObstacleViewSet, basename="api-obstacle")
router.register("urgings", UrgingViewSet, basename="api-urging")
router.register("rewards", RewardViewSet, basename="api-reward")
router.register("models", ModelViewSet, basename="api-model")
router.register("reviews", PeriodicReviewViewSet, basename="api-review")
router.register("reports/snapshots", SnapshotViewSet, basename="api-report-snapshot")
router.register("institutionalisations", InstitutionalisationViewSet, basename="api-institutionalisation")

api_urls = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("auth/tokens/", api.TokensView.as_view(), name="api-tokens"),
    path("auth/logout/", api.LogoutView.as_view(), name="api-logout"),
    path("auth/logoutall/", api.LogoutAllView.as_view(), name="api-logout-all"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("pilots/<id:pk>/obstacles/", PilotObstaclesView.as_view(), name="api-pilot-obstacles"),
    path("people/<str:username>/record/", PersonRecordView.as_view(), name="api-person-record"),
    path("reports/summary/", ReportSummaryView.as_view(), name="api-report-summary"),
    path("reports/compliance/", ReportComplianceView.as_view(), name="api-report-compliance"),
    path("proposals/<id:pk>/dossier/", DossierView.as_view(), name="api-proposal-dossier"),
    path("proposals/<id:pk>/documents/", DocumentsView.as_view(), name="api-proposal-documents"),
    path("proposals/<id:pk>/documents/<slug:key>/", DocumentView.as_view(), name="api-proposal-document"),
    path("dossiers/verify/", VerifyView.as_view(), name="api-dossier-verify"),
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*)$", views.api_fallback, name="api-fallback"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("work/count/", views.work_count, name="work-count"),
    path("people/search/", views.people_search, name="people-search"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications-read"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/<code:code>/", views.unit_detail, name="unit-detail"),
    path("proposals/", include("proposals.urls")),
    path("pilots/", include("pilots.urls")),
    path("cases/", include("accountability.urls")),
    path("obstacles/", include("support.urls")),
    path("organisation/", include("organisation.urls")),
    path("urgings/", include("monitoring.urls")),
    path("reports/", include("monitoring.report_urls")),
    path("reviews/", review_list, name="review-list"),
    path("reviews/<id:pk>/attach/", review_attach, name="review-attach"),
    path("reviews/<id:pk>/files/<id:attachment_pk>/", review_attachment, name="review-attachment"),
    path("models/", include("replication.urls")),
    path("evidence/", include("evidence.urls")),
    path("public/", public_page, name="public"),
    path("", include("recognition.urls")),
    path("accounts/login/", sign_in.SignInView.as_view(), name="login"),
    path("accounts/login/code/", sign_in.login_code, name="login-code"),
    path("accounts/two-factor/", sign_in.two_factor_setup, name="two-factor-setup"),
    path(
        "accounts/two-factor/backup-codes/", sign_in.two_factor_backup_codes, name="two-factor-backup-codes"
    ),
    path("accounts/two-factor/backup-codes/new/", sign_in.backup_codes_renew, name="backup-codes-renew"),
    path("accounts/security/", sign_in.account_security, name="account-security"),
    path("accounts/security/tokens/<str:key>/revoke/", sign_in.token_revoke, name="token-revoke"),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    # the link an imported person is sent to set their first password (organisation.tasks)
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="registration/password_set.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_set_done.html"),
        name="password_reset_complete",
    ),
    path("oidc/", include(sso.urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz/", health.view(), name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls)),
    re_path(r"^api/(?P<path>.*)$", views.api_fallback),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
