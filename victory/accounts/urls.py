from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.LoginVerifyView.as_view(), name="login_verify"),
    path("login/set-up-app/", views.LoginEnrolView.as_view(), name="login_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("keep/", views.KeepAliveView.as_view(), name="keep_alive"),
    path("security/backup-codes/", views.BackupCodesView.as_view(), name="backup_codes"),
    path("organisations/<int:organisation_id>/members/", views.MemberListView.as_view(), name="members"),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/",
        views.MemberChangeView.as_view(),
        name="member_change",
    ),
    path(
        "organisations/<int:organisation_id>/role-requests/<int:grant_id>/",
        views.RoleGrantDecideView.as_view(),
        name="role_grant_decide",
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    # The e-mailed link: the token in the query string, moved into the session at once.
    path("password-reset/link/<uidb64>/", views.PasswordResetLinkView.as_view(), name="password_reset_link"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
