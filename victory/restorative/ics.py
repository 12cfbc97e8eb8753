"""Calendar invitations for restorative sessions (RFC 5545, written by ``icalendar``).

One invitation per participant, in their language. The session's UID stays the same for
its whole life and its SEQUENCE grows with each change, so a calendar that already holds
the invitation replaces it; a cancelled session, or a participant who withdrew, gets
``METHOD:CANCEL`` with ``STATUS:CANCELLED``. The invitation names no other participant:
who else takes part is not the calendar's business."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import DialogueSession, Participant, SessionStatus

PRODUCT_ID = "-//VicTory//Restorative programme//EN"


def invitation(*, session: DialogueSession, participant: Participant) -> bytes:
    """The ``text/calendar`` body for ``participant``'s invitation to ``session``."""
    invited = session.invitations.filter(participant=participant).first()
    cancelled = session.status == SessionStatus.CANCELLED or invited is None or invited.withdrawn_at is not None
    zone = zoneinfo.ZoneInfo(session.time_zone)
    with translation.override(participant.language):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancelled else "REQUEST")
        event = Event()
        event.add("uid", session.uid)
        event.add("sequence", session.sequence + (1 if cancelled and session.status != SessionStatus.CANCELLED else 0))
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add(
            "summary",
            _("Cancelled: restorative dialogue meeting") if cancelled else _("Restorative dialogue meeting"),
        )
        event.add("location", _("Online (the link is in the description)") if session.remote else session.place)
        lines = [
            _("Your facilitator from %(service)s invites you to this meeting.")
            % {"service": session.process.organisation.name},
            _("You can stop taking part at any moment, without giving a reason."),
        ]
        if session.remote:
            lines.append(_("Link: %(link)s") % {"link": session.place})
        if session.interpreter_language:
            lines.append(_("An interpreter will be there."))
        if cancelled:
            lines = [_("This meeting is cancelled.")]
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
