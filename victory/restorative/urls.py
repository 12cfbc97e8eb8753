"""Every page of the restorative programme: the professional pages (``views``) and the
person's inbox and public pages (``public_views``)."""

from django.urls import URLPattern, path

from . import public_views, views

app_name = "restorative"

_P = "staff/restorative/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("staff/restorative/", views.ProcessListView.as_view(), name="list"),
    path("staff/restorative/refer/", views.ReferView.as_view(), name="refer"),
    path("staff/restorative/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(_P, views.ProcessDetailView.as_view(), name="detail"),
    path(_P + "agreement.pdf", views.AgreementPdfView.as_view(), name="agreement_pdf"),
    path(
        _P + "sessions/<int:session_id>/invitations/<int:participant_id>.ics",
        views.InvitationView.as_view(),
        name="invitation",
    ),
    path(_P + "sessions/<int:session_id>/cancel/", views.SessionCancelView.as_view(), name="session_cancel"),
    path(_P + "sessions/<int:session_id>/held/", views.SessionHeldView.as_view(), name="session_held"),
    *(
        path(_P + f"{view.name.replace('_', '-')}/", view.as_view(), name=view.name)
        for view in (
            views.AcceptView,
            views.DeclineView,
            views.AssignView,
            views.ParticipantAddView,
            views.CircumstancesView,
            views.AssessmentView,
            views.InformationView,
            views.ConsentView,
            views.AcknowledgementView,
            views.PreparationView,
            views.FormatView,
            views.AdvanceView,
            views.SessionScheduleView,
            views.ItemAddView,
            views.ConfirmView,
            views.NoAgreementView,
            views.FollowUpView,
            views.CloseView,
            views.NoteView,
            views.WithdrawView,
            views.ReviewView,
        )
    ),
    *public_views.urlpatterns,
]
