"""The working parts of a case: people linked to it, tasks, internal notes, risk flags;
and the organisation's reply templates.

Each service checks the case is the actor's (404 otherwise), claims the case's next
version (a stale form is refused), writes the audit event and the timeline's event, and
keeps the case's counters right: ``next_task_due`` (earliest due date of an open task)
and ``risk_level`` (the highest flag in force)."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, User
from victory.core.audit import audit_record

from ..models import (
    RISK_ORDER,
    Case,
    CaseNote,
    CasePerson,
    CaseTask,
    PersonRole,
    ReplyTemplate,
    RiskFlag,
    RiskKind,
    RiskLevel,
)
from ..permissions import can_manage_reply_templates, can_work_case
from ..timeline import event_record
from .common import case_write, require_case_access

TITLE_MAX = 500
TEXT_MAX = 20_000
NAME_MAX = 300
CONTACT_MAX = 1_000
# A language code as written in BCP 47: "pt", "ar", "rom", "pt-BR".
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def _text_required(value: str, *, field: str, message: str, limit: int = TEXT_MAX) -> str:
    if not value.strip():
        raise ValidationError({field: [message]})
    return _text_limited(value, field=field, limit=limit)


def _text_limited(value: str, *, field: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationError({field: [_("Shorten this to %(limit)s characters or fewer.") % {"limit": f"{limit:,}"}]})
    return value


def _same_case(case: Case, row_case_id: int) -> None:
    """A part (task, person, flag) named with another case's reference is not found."""
    if row_case_id != case.pk:
        raise Http404


# --- People ---------------------------------------------------------------------------


def _person_values(
    *,
    case: Case,
    person: CasePerson | None,
    role: str,
    full_name: str,
    email: str,
    phone: str,
    address: str,
    safe_times: str,
    language: str,
    related_to: CasePerson | None,
) -> dict[str, list[str]]:
    """What is wrong with a person's details, by field (empty when nothing is)."""
    errors: dict[str, list[str]] = {}
    if role not in PersonRole.values:
        errors["role"] = [_("Choose the person's role in the case from the list.")]
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError:
            errors["email"] = [_("Enter an e-mail address like name@example.org, or leave it empty.")]
    for field, value, limit in (
        ("full_name", full_name, NAME_MAX),
        ("email", email, NAME_MAX),
        ("phone", phone, NAME_MAX),
        ("address", address, CONTACT_MAX),
        ("safe_times", safe_times, CONTACT_MAX),
    ):
        if len(value) > limit:
            errors.setdefault(field, []).append(
                _("Shorten this to %(limit)s characters or fewer.") % {"limit": f"{limit:,}"}
            )
    if language.strip() and not _LANGUAGE_CODE.match(language.strip()):
        errors["language"] = [_("Write the language as a short code, such as pt, ar or uk, or leave it empty.")]
    if related_to is not None and (
        related_to.case_id != case.pk
        or related_to.erased_at is not None
        or (person is not None and related_to.pk == person.pk)
    ):
        errors["related_to"] = [_("Choose another person linked to this case, or nobody.")]
    return errors


def _contact(*, email: str, phone: str, address: str, safe_times: str) -> dict[str, str] | None:
    contact = {
        "email": email.strip(),
        "phone": phone.strip(),
        "address": address.strip(),
        "safe_times": safe_times.strip(),
    }
    return {key: value for key, value in contact.items() if value} or None


@transaction.atomic
def person_add(
    *,
    actor: User,
    case: Case,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    safe_times: str = "",
    notes: str = "",
    language: str = "",
    is_child: bool | None = None,
    related_to: CasePerson | None = None,
    expected_version: int | None,
) -> CasePerson:
    """Link a person to the case (person harmed, witness, person who caused harm,
    supporter, guardian). Their name, contact and notes are stored encrypted."""
    require_case_access(actor, case)
    errors = _person_values(
        case=case,
        person=None,
        role=role,
        full_name=full_name,
        email=email,
        phone=phone,
        address=address,
        safe_times=safe_times,
        language=language,
        related_to=related_to,
    )
    if len(notes) > TEXT_MAX:
        errors["notes"] = [_("Shorten this to %(limit)s characters or fewer.") % {"limit": f"{TEXT_MAX:,}"}]
    if errors:
        raise ValidationError(errors)
    case_write(case=case, actor=actor, action="case.person_added", expected_version=expected_version, reason=role)
    # (The ignore: django-stubs cannot know that an EncryptedJSONField holds JSON, not text.)
    person = CasePerson.objects.create(  # type: ignore[misc]
        case=case,
        role=role,
        full_name=full_name.strip(),
        contact=_contact(email=email, phone=phone, address=address, safe_times=safe_times),
        notes=notes,
        language=language.strip(),
        is_child=is_child,
        related_to=related_to,
    )
    event_record(case=case, kind="person.added", actor=actor, role=role)
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: CasePerson,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    safe_times: str = "",
    notes: str = "",
    language: str = "",
    is_child: bool | None = None,
    related_to: CasePerson | None = None,
    expected_version: int | None,
) -> CasePerson:
    """Change a linked person's details (all of them, as the edit form holds them)."""
    case = person.case
    require_case_access(actor, case)
    if person.erased_at is not None:
        raise ValidationError(_("This person's data was erased on their request: it cannot be changed."))
    errors = _person_values(
        case=case,
        person=person,
        role=role,
        full_name=full_name,
        email=email,
        phone=phone,
        address=address,
        safe_times=safe_times,
        language=language,
        related_to=related_to,
    )
    if len(notes) > TEXT_MAX:
        errors["notes"] = [_("Shorten this to %(limit)s characters or fewer.") % {"limit": f"{TEXT_MAX:,}"}]
    if errors:
        raise ValidationError(errors)
    case_write(
        case=case, actor=actor, action="case.person_updated", expected_version=expected_version, reason=str(person.pk)
    )
    person.role = role
    person.full_name = full_name.strip()
    person.contact = _contact(email=email, phone=phone, address=address, safe_times=safe_times)
    person.notes = notes
    person.language = language.strip()
    person.is_child = is_child
    person.related_to = related_to
    person.save()
    event_record(case=case, kind="person.updated", actor=actor, role=role)
    return person


# --- Tasks ------------------------------------------------------------------------------


def next_task_due_refresh(case: Case) -> None:
    """``Case.next_task_due``: the earliest due date of an open task (None without one).
    Written with an UPDATE of that one column, so the version claimed stays as it is."""
    due = case.tasks.filter(done_at__isnull=True, due_on__isnull=False).aggregate(first=Min("due_on"))["first"]
    Case.objects.filter(pk=case.pk).update(next_task_due=due, updated_at=timezone.now())
    case.next_task_due = due


@transaction.atomic
def task_add(
    *,
    actor: User,
    case: Case,
    title: str,
    due_on: date | None = None,
    assigned_to: User | None = None,
    expected_version: int | None,
) -> CaseTask:
    """A task on the case, with a due date and someone who works the case to do it."""
    require_case_access(actor, case)
    errors: dict[str, list[str]] = {}
    try:
        title = _text_required(title, field="title", message=_("Say what is to be done."), limit=TITLE_MAX).strip()
    except ValidationError as error:
        errors.update(error.message_dict)
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = [_("The due date is in the past: choose today or a later day.")]
    if assigned_to is not None and not can_work_case(assigned_to, case):
        errors["assigned_to"] = [_("Choose someone who works on this case, or nobody.")]
    if errors:
        raise ValidationError(errors)
    case_write(case=case, actor=actor, action="case.task_added", expected_version=expected_version)
    task = CaseTask.objects.create(case=case, title=title, due_on=due_on, assigned_to=assigned_to, created_by=actor)
    next_task_due_refresh(case)
    event_record(case=case, kind="task.added", actor=actor, subject_user=assigned_to, task=task.pk)
    return task


@transaction.atomic
def task_done(*, actor: User, task: CaseTask, expected_version: int | None) -> CaseTask:
    case = task.case
    require_case_access(actor, case)
    if task.done_at is not None:
        raise ValidationError(_("This task is already done."))
    case_write(case=case, actor=actor, action="case.task_done", expected_version=expected_version, reason=str(task.pk))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    next_task_due_refresh(case)
    event_record(case=case, kind="task.done", actor=actor, task=task.pk)
    return task


@transaction.atomic
def task_reopen(*, actor: User, task: CaseTask, expected_version: int | None) -> CaseTask:
    case = task.case
    require_case_access(actor, case)
    if task.done_at is None:
        raise ValidationError(_("This task is still open."))
    case_write(
        case=case, actor=actor, action="case.task_reopened", expected_version=expected_version, reason=str(task.pk)
    )
    task.done_at = None
    task.save(update_fields=["done_at"])
    next_task_due_refresh(case)
    event_record(case=case, kind="task.reopened", actor=actor, task=task.pk)
    return task


# --- Notes ------------------------------------------------------------------------------


@transaction.atomic
def note_add(
    *, actor: User, case: Case, body: str, confidential: bool = False, expected_version: int | None
) -> CaseNote:
    """An internal note, never shown to the person who reported. A confidential one is
    read only by its author and the organisation's supervisors."""
    require_case_access(actor, case)
    body = _text_required(body, field="body", message=_("Write the note."))
    case_write(
        case=case,
        actor=actor,
        action="case.note_added_confidential" if confidential else "case.note_added",
        expected_version=expected_version,
    )
    note = CaseNote.objects.create(case=case, author=actor, body=body, confidential=confidential)
    event_record(case=case, kind="note.added_confidential" if confidential else "note.added", actor=actor)
    return note


# --- Risk flags ---------------------------------------------------------------------------


def risk_level_refresh(case: Case) -> None:
    """``Case.risk_level``: the highest level among the flags in force."""
    levels = set(case.risk_flags.filter(cleared_at__isnull=True).values_list("level", flat=True))
    level = max(levels, key=RISK_ORDER.__getitem__, default=RiskLevel.NONE)
    Case.objects.filter(pk=case.pk).update(risk_level=level, updated_at=timezone.now())
    case.risk_level = level


def _risk_event(*, case: Case, event: str, actor: User, risk_kind: str, level: str = "") -> None:
    if level:
        event_record(case=case, kind=event, actor=actor, risk=risk_kind, level=level)
    else:
        event_record(case=case, kind=event, actor=actor, risk=risk_kind)


@transaction.atomic
def risk_raise(
    *, actor: User, case: Case, kind: str, level: str, reason: str, expected_version: int | None
) -> RiskFlag:
    require_case_access(actor, case)
    errors: dict[str, list[str]] = {}
    if kind not in RiskKind.values:
        errors["kind"] = [_("Choose the kind of risk from the list.")]
    if level not in RiskLevel.values or level == RiskLevel.NONE:
        errors["level"] = [_("Choose how high the risk is: low, medium or high.")]
    try:
        reason = _text_required(reason, field="reason", message=_("Say why you see this risk."))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    case_write(case=case, actor=actor, action="case.risk_raised", expected_version=expected_version, reason=kind)
    flag = RiskFlag.objects.create(case=case, kind=kind, level=level, reason=reason, raised_by=actor)
    risk_level_refresh(case)
    _risk_event(case=case, event="risk.raised", actor=actor, risk_kind=kind, level=level)
    return flag


@transaction.atomic
def risk_clear(*, actor: User, flag: RiskFlag, reason: str, expected_version: int | None) -> RiskFlag:
    """Clear a flag with a reason. It stays in the case's risk history."""
    case = flag.case
    require_case_access(actor, case)
    if flag.cleared_at is not None:
        raise ValidationError(_("This risk was already cleared."))
    reason = _text_required(reason, field="reason", message=_("Say why this risk no longer applies."))
    case_write(
        case=case, actor=actor, action="case.risk_cleared", expected_version=expected_version, reason=str(flag.pk)
    )
    flag.cleared_at = timezone.now()
    flag.cleared_by = actor
    flag.clear_reason = reason
    flag.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    risk_level_refresh(case)
    _risk_event(case=case, event="risk.cleared", actor=actor, risk_kind=flag.kind)
    return flag


# --- Reply templates ----------------------------------------------------------------------


def _require_template_manager(actor: User, organisation: Organisation) -> None:
    if not can_manage_reply_templates(actor, organisation):
        raise PermissionDenied


@transaction.atomic
def reply_template_save(
    *,
    actor: User,
    organisation: Organisation,
    language: str,
    title: str,
    body: str,
    template: ReplyTemplate | None = None,
) -> ReplyTemplate:
    """Add a reply template (``template`` None) or change one, for the organisation's
    caseworkers to start a reply to a reporter from."""
    _require_template_manager(actor, organisation)
    if template is not None and template.organisation_id != organisation.pk:
        raise Http404
    errors: dict[str, list[str]] = {}
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = [_("Choose the language of the text from the list.")]
    for field, value, message, limit in (
        ("title", title, _("Give the template a short title."), 120),
        ("body", body, _("Write the text of the reply."), TEXT_MAX),
    ):
        try:
            _text_required(value, field=field, message=message, limit=limit)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    duplicate = ReplyTemplate.objects.filter(organisation=organisation, language=language, title=title.strip())
    if template is not None:
        duplicate = duplicate.exclude(pk=template.pk)
    if duplicate.exists():
        raise ValidationError({"title": [_("A template with this title exists in this language: choose another.")]})
    template = template or ReplyTemplate(organisation=organisation)
    template.language = language
    template.title = title.strip()
    template.body = body
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:  # the same title saved at the same moment by someone else
        raise ValidationError(
            {"title": [_("A template with this title exists in this language: choose another.")]}
        ) from None
    audit_record(
        action="case.reply_template_saved", actor=actor, organisation=organisation, obj=template, reason=language
    )
    return template


@transaction.atomic
def reply_template_delete(*, actor: User, template: ReplyTemplate) -> None:
    organisation = template.organisation
    _require_template_manager(actor, organisation)
    audit_record(
        action="case.reply_template_deleted",
        actor=actor,
        organisation=organisation,
        obj=template,
        reason=template.title,
    )
    template.delete()
