"""The assessment's form, derived from ``assessment.QUESTIONS``: radios and checkboxes
grouped in fieldsets by section, every answer optional; the service checks what the
rule needs (a reason for each rated risk, for a redo) and the form shows it by the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from victory.core.forms import AccessibleFormMixin

from .assessment import Answer, AssessedRisk, Kind, Question, Section, questions_for

MAX_TEXT_CHARS = 5000


def _field(question: Question) -> forms.Field:
    common: dict[str, Any] = {"label": question.label, "required": False, "help_text": question.help_text}
    invalid = {"invalid_choice": _("Choose one of the listed answers.")}
    if question.kind is Kind.TEXT:
        return forms.CharField(
            max_length=MAX_TEXT_CHARS,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": _("Keep this under %(limit_value)s characters.")},
            **common,
        )
    if question.kind is Kind.FLAG:
        return forms.BooleanField(**common)
    if question.kind is Kind.CHOICES:
        assert question.choices is not None
        return forms.MultipleChoiceField(
            choices=question.choices.choices, widget=forms.CheckboxSelectMultiple, error_messages=invalid, **common
        )
    codes: type[TextChoices] | None = (
        Answer if question.kind is Kind.ANSWER else AssessedRisk if question.kind is Kind.RISK else question.choices
    )
    assert codes is not None, question.name
    return forms.ChoiceField(choices=codes.choices, widget=forms.RadioSelect, error_messages=invalid, **common)


class AssessmentForm(AccessibleFormMixin, forms.Form):
    """One stage's questions, the reason for a redo and the case's version."""

    case_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Why are you redoing the assessment?"),
        required=False,
        max_length=2000,
        help_text=_("For example: “circumstances changed: the person moved, the person who harmed them was released”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        self.stage = stage
        self.questions = questions_for(stage)
        super().__init__(*args, **kwargs)
        for question in self.questions:
            self.fields[question.name] = _field(question)
        for question in self.questions:  # AccessibleFormMixin's hints, for the added fields
            if question.help_text:
                self.fields[question.name].widget.attrs["aria-describedby"] = f"{self[question.name].auto_id}_hint"

    def add_error(self, field: str | None, error: Any) -> None:
        """As Django's, and a service's refusal added after cleaning is tied to its field
        for screen readers as the mixin ties the form's own errors."""
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            described = [f"{self[name].auto_id}_hint"] if self.fields[name].help_text else []
            attrs["aria-describedby"] = " ".join([*described, f"{self[name].auto_id}_error"])
            attrs["aria-invalid"] = "true"

    def answers(self) -> dict[str, Any]:
        return {question.name: self.cleaned_data.get(question.name) for question in self.questions}

    def error_summary(self) -> list[dict[str, Any]]:
        """As the mixin's, but radios and checkboxes link to their first option."""
        items = super().error_summary()
        for item in items:
            name = item["target"].removeprefix("id_")
            if name in self.fields and isinstance(
                self.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                item["target"] = f"{item['target']}_0"
        return items

    def sections(self) -> list[dict[str, Any]]:
        """The fieldsets: each section's legend and its bound fields, in order."""
        grouped: dict[str, dict[str, Any]] = {}
        for question in self.questions:
            entry = grouped.setdefault(
                question.section, {"code": question.section, "legend": Section(question.section).label, "fields": []}
            )
            entry["fields"].append({"field": self[question.name], "kind": question.kind.value})
        return list(grouped.values())
