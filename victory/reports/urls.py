"""Every page of the reports app, in one place: the public report form, the reporter's
inbox and the receiving organisation's pages."""

from django.urls import path

from .views import inbox, inbox_consent, intake, intake_check, intake_files, intake_sharing, staff

app_name = "reports"

urlpatterns = [
    # The public report form.
    path("report/", intake.StartView.as_view(), name="start"),
    path("report/check/", intake_check.CheckView.as_view(), name="check"),
    path("report/sent/", intake_check.SentView.as_view(), name="sent"),
    path("report/acknowledgement.pdf", intake_check.AcknowledgementView.as_view(), name="acknowledgement"),
    path("report/keep/", intake_check.KeepAliveView.as_view(), name="keepalive"),
    path("report/confirm-sharing/", intake_sharing.ConfirmSharingView.as_view(), name="confirm_sharing"),
    path("report/contact/remove/", intake_sharing.ContactRemoveView.as_view(), name="contact_remove"),
    path(f"report/{intake.EVIDENCE_STEP}/", intake_files.EvidenceView.as_view(), name="evidence"),
    path("report/files/<int:pk>/remove/", intake_files.EvidenceRemoveView.as_view(), name="evidence_remove"),
    path("report/<slug:step>/", intake.StepView.as_view(), name="step"),
    # The reporter, with their receipt.
    path("inbox/", inbox.InboxLoginView.as_view(), name="inbox_login"),
    path("inbox/report/", inbox.InboxPageView.as_view(), name="inbox"),
    path("inbox/report/message/", inbox.InboxMessageView.as_view(), name="inbox_message"),
    path("inbox/report/keep/", inbox.InboxKeepAliveView.as_view(), name="inbox_keep_alive"),
    path("inbox/report/delete/", inbox.InboxDeleteView.as_view(), name="inbox_delete"),
    path("inbox/deleted/", inbox.InboxDeletedView.as_view(), name="inbox_deleted"),
    path("inbox/logout/", inbox.InboxLogoutView.as_view(), name="inbox_logout"),
    path("inbox/logged-out/", inbox.InboxLoggedOutView.as_view(), name="inbox_logged_out"),
    path("inbox/report/consent/", inbox_consent.InboxConsentView.as_view(), name="inbox_consent"),
    # The receiving organisation.
    path("staff/reports/", staff.StaffReportListView.as_view(), name="staff_list"),
    path("staff/reports/<str:reference>/", staff.StaffReportDetailView.as_view(), name="staff_detail"),
    path("staff/reports/<str:reference>/reply/", staff.StaffReplyView.as_view(), name="staff_reply"),
    path("staff/reports/<str:reference>/status/", staff.StaffStatusView.as_view(), name="staff_status"),
    path(
        "staff/reports/<str:reference>/files/<int:pk>/",
        staff.StaffEvidenceView.as_view(),
        name="staff_evidence",
    ),
]
