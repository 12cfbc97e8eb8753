"""The individual needs assessment (Directive 2012/29/EU Art. 22), declared once.

Two stages, as victim-support practice does it (EVVI guide, Victim Support Europe): a
short screening for every victim, then a detailed assessment when the screening shows
a need. ``QUESTIONS`` declares every question (its section, stage, kind and words); the
form (``forms_assessment``), the pages, the API and the "what changed" list are derived
from it. ``assessment_result`` is the pure rule that turns answers into a protection-
needs level, suggested special measures (Art. 23, 24) and suggested referrals
(``core.vocabulary.ServiceOffer`` codes).

The bias indicators (OSCE/ODIHR) are the professional's own observations, a checklist
for them: the victim is never asked "was it a hate crime?".

Answers are stored as codes (and free text in the person's or the professional's
words), encrypted as one document on ``NeedsAssessment.answers``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from victory.core.vocabulary import ServiceOffer

from .models import AssessmentStage, ProtectionLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# --- Codes ----------------------------------------------------------------------------


class Answer(TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known or the person prefers not to say")


class Vulnerability(TextChoices):
    DISABILITY = "disability", _("A disability or long-term health condition")
    LANGUAGE = "language", _("Needs an interpreter or help with the language")
    DEPENDENCE = "dependence", _("Depends on the person who harmed them (money, care, housing, work)")
    RESIDENCE = "residence", _("Worried about their residence status")


class Characteristic(TextChoices):
    OLDER = "older", _("An older person")
    ISOLATED = "isolated", _("Few or no people to support them")
    COMMUNICATION = "communication", _("Finds it hard to understand or to make themselves understood")
    UNACCOMPANIED = "unaccompanied", _("A child without a parent or guardian here")
    CARER = "carer", _("Cares for children or other dependants")
    PREGNANT = "pregnant", _("Pregnant")


class IncidentFeature(TextChoices):
    VIOLENCE = "violence", _("Physical violence")
    SEXUAL = "sexual", _("Sexual violence")
    WEAPON = "weapon", _("A weapon was used or shown")
    GROUP = "group", _("Several people did it together")
    REPEATED = "repeated", _("Part of a series of incidents")
    THREATS = "threats", _("Threats")
    ONLINE = "online", _("Online")
    PROPERTY = "property", _("Damage to the home or belongings")


class Relationship(TextChoices):
    STRANGER = "stranger", _("A stranger")
    NEIGHBOUR = "neighbour", _("A neighbour or acquaintance")
    WORK_SCHOOL = "work_school", _("Someone from work, school or college")
    FAMILY = "family", _("A partner, former partner or family member")
    AUTHORITY = "authority", _("Someone in authority (police, an official, a guard)")
    UNKNOWN = "unknown", _("Not known")


class Place(TextChoices):
    HOME = "home", _("At home or near home")
    WORK_SCHOOL = "work_school", _("At work, school or college")
    PUBLIC = "public", _("In the street or another public place")
    TRANSPORT = "transport", _("On public transport")
    WORSHIP = "worship", _("At or near a place of worship or a community centre")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Somewhere else")


class BiasIndicator(TextChoices):
    """OSCE/ODIHR bias indicators: what the professional observes, never asked of the victim."""

    PERCEPTION = "perception", _("The victim or witnesses perceive it as motivated by prejudice")
    COMMENTS = "comments", _("Comments, writing or gestures by the offender")
    SYMBOLS = "symbols", _("Symbols or graffiti")
    DIFFERENCES = "differences", _("Differences between offender and victim (religion, ethnicity, …)")
    ORGANISED_GROUP = "organised_group", _("Involvement of an organised hate group")
    PATTERN = "pattern", _("Earlier incidents or a pattern in the area")
    LOCATION_TIMING = "location_timing", _("Location and timing (a holy day, a place of worship, …)")
    AFFILIATION = "affiliation", _("Visible affiliation of the victim (clothing, a symbol, a place)")
    VIOLENCE_DEGREE = "violence_degree", _("A degree of violence out of proportion")
    NO_OTHER_MOTIVE = "no_other_motive", _("No other motive apparent")


class AssessedRisk(TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


RISK_RANK = {level: rank for rank, level in enumerate(AssessedRisk.values)}


class SpecialMeasure(TextChoices):
    """Art. 23 (victims with specific protection needs) and Art. 24 (children)."""

    INTERVIEW_PREMISES = "interview_premises", _("Interviews in premises designed or adapted for it")
    TRAINED_PROFESSIONALS = "trained_professionals", _("Interviews by professionals trained for it")
    SAME_INTERVIEWER = "same_interviewer", _("All interviews by the same person")
    SAME_SEX_INTERVIEWER = "same_sex_interviewer", _("Interviews by a person of the same sex, if the person wishes")
    AVOID_VISUAL_CONTACT = "avoid_visual_contact", _("No visual contact with the offender, also when giving evidence")
    REMOTE_HEARING = "remote_hearing", _("Heard in court without being present in the courtroom")
    NO_PRIVATE_LIFE_QUESTIONS = "no_private_life_questions", _("No questions on private life unrelated to the crime")
    HEARING_IN_CAMERA = "hearing_in_camera", _("A hearing without the public")
    RECORDED_INTERVIEW = "recorded_interview", _("A child's interviews recorded, to be used as evidence")
    SPECIAL_REPRESENTATIVE = "special_representative", _("A special representative for the child")


# --- Questions ------------------------------------------------------------------------


class Kind(enum.StrEnum):
    ANSWER = "answer"  # radios: Answer codes (yes, no, not known)
    CHOICE = "choice"  # radios: one code of ``choices``
    CHOICES = "choices"  # checkboxes: any codes of ``choices``
    FLAG = "flag"  # one tick box: True or False
    RISK = "risk"  # radios: AssessedRisk
    TEXT = "text"  # a few lines of free text


class Section(TextChoices):
    SCREENING = "screening", _("First questions")
    CHARACTERISTICS = "characteristics", _("Personal characteristics")
    INCIDENT = "incident", _("What happened and how")
    BIAS = "bias", _("Bias indicators: your observations as a professional")
    WISHES = "wishes", _("What the person wishes")
    RISKS = "risks", _("Risks")


@dataclass(frozen=True)
class Question:
    name: str
    section: Section
    kind: Kind
    label: StrOrPromise
    help_text: StrOrPromise = ""
    choices: type[TextChoices] | None = None
    # Asked in the screening too (every screening question is also in the detailed one,
    # so a detailed version stands on its own).
    screening: bool = False
    # For a risk's reason: the risk it explains (required when that risk is rated).
    reason_for: str = ""

    def label_of(self, value: Any) -> str:
        """An answer in words, in the active language ("" when not answered)."""
        if value in (None, "", []):
            return ""
        if self.kind is Kind.FLAG:
            return str(_("Yes")) if value else ""
        if self.kind is Kind.TEXT:
            return str(value)
        choices = Answer if self.kind is Kind.ANSWER else AssessedRisk if self.kind is Kind.RISK else self.choices
        assert choices is not None, self.name
        codes = value if isinstance(value, list) else [value]
        return "; ".join(str(choices(code).label) for code in codes if code in choices.values)


def _risk(name: str, label: StrOrPromise) -> tuple[Question, Question]:
    return (
        Question(name, Section.RISKS, Kind.RISK, label),
        Question(
            f"{name}_reason",
            Section.RISKS,
            Kind.TEXT,
            _("Why you rate it so"),
            help_text=_("Needed when you rate this risk low, medium or high."),
            reason_for=name,
        ),
    )


QUESTIONS: tuple[Question, ...] = (
    # Stage 1, the screening: short, for every victim.
    Question(
        "is_child",
        Section.SCREENING,
        Kind.ANSWER,
        _("Is the person under 18?"),
        help_text=_("A child is presumed to have protection needs (Art. 22(4))."),
        screening=True,
    ),
    Question("feels_safe", Section.SCREENING, Kind.ANSWER, _("Does the person feel safe now?"), screening=True),
    Question(
        "offender_contact",
        Section.SCREENING,
        Kind.ANSWER,
        _("Does the person who harmed them know where they live or work, or are they in contact?"),
        screening=True,
    ),
    Question(
        "earlier_incidents",
        Section.SCREENING,
        Kind.ANSWER,
        _("Has something like this happened to them before?"),
        screening=True,
    ),
    Question(
        "health_effects",
        Section.SCREENING,
        Kind.ANSWER,
        _("Were they injured, or does it affect their health, sleep or daily life?"),
        screening=True,
    ),
    Question(
        "vulnerabilities",
        Section.SCREENING,
        Kind.CHOICES,
        _("Does any of these apply?"),
        help_text=_("Choose all that apply, as the person tells you."),
        choices=Vulnerability,
        screening=True,
    ),
    Question("wants_support", Section.SCREENING, Kind.ANSWER, _("Does the person want support now?"), screening=True),
    Question(
        "screening_notes",
        Section.SCREENING,
        Kind.TEXT,
        _("Anything else the person said"),
        screening=True,
    ),
    # Stage 2, the detailed assessment.
    Question(
        "characteristics",
        Section.CHARACTERISTICS,
        Kind.CHOICES,
        _("What else matters about the person?"),
        help_text=_("Choose all that apply."),
        choices=Characteristic,
    ),
    Question("characteristics_notes", Section.CHARACTERISTICS, Kind.TEXT, _("Notes on the person's situation")),
    Question(
        "incident_features",
        Section.INCIDENT,
        Kind.CHOICES,
        _("What did the incident involve?"),
        help_text=_("Choose all that apply."),
        choices=IncidentFeature,
    ),
    Question("relationship", Section.INCIDENT, Kind.CHOICE, _("Who harmed them?"), choices=Relationship),
    Question("place", Section.INCIDENT, Kind.CHOICE, _("Where did it happen?"), choices=Place),
    Question(
        "bias_indicators",
        Section.BIAS,
        Kind.CHOICES,
        _("Which bias indicators do you observe?"),
        help_text=_(
            "Your own observations, from what you heard and saw. Do not ask the person whether it was a hate crime."
        ),
        choices=BiasIndicator,
    ),
    Question("bias_notes", Section.BIAS, Kind.TEXT, _("Your observations")),
    Question(
        "wished_measures",
        Section.WISHES,
        Kind.CHOICES,
        _("Which measures does the person want?"),
        help_text=_("Choose all the person asks for."),
        choices=SpecialMeasure,
    ),
    Question(
        "refused_measures",
        Section.WISHES,
        Kind.CHOICES,
        _("Which measures does the person not want?"),
        help_text=_("A measure the person refuses is never suggested; the refusal is shown with the result."),
        choices=SpecialMeasure,
    ),
    Question(
        "refuses_all_measures",
        Section.WISHES,
        Kind.FLAG,
        _("The person does not want any special measures"),
    ),
    Question(
        "wishes_own_words",
        Section.WISHES,
        Kind.TEXT,
        _("The person's wishes, in their own words"),
    ),
    *_risk("risk_repeat", _("Risk of repeat victimisation")),
    *_risk("risk_intimidation", _("Risk of intimidation")),
    *_risk("risk_retaliation", _("Risk of retaliation")),
)

QUESTIONS_BY_NAME = {question.name: question for question in QUESTIONS}
RISK_QUESTIONS = tuple(q.name for q in QUESTIONS if q.kind is Kind.RISK)


def questions_for(stage: str) -> tuple[Question, ...]:
    """The questions a stage asks, in order."""
    if stage == AssessmentStage.SCREENING:
        return tuple(q for q in QUESTIONS if q.screening)
    return QUESTIONS


# --- The rule -------------------------------------------------------------------------


class Ground(TextChoices):
    """Why the result is what it is: shown with it, so the professional sees the reasons."""

    CHILD = "child", _("A child: presumed to have protection needs (Art. 22(4))")
    UNSAFE = "unsafe", _("The person does not feel safe, or is not sure")
    OFFENDER_CONTACT = "offender_contact", _("The person who harmed them knows where they are or is in contact")
    EARLIER = "earlier", _("It happened before")
    HEALTH = "health", _("Injuries or effects on health")
    VULNERABILITY = "vulnerability", _("A personal vulnerability")
    BIAS = "bias", _("Bias indicators observed: particular attention (Art. 22(3))")
    SERIOUS = "serious", _("Violence, sexual violence or a weapon")
    RISK_SOME = "risk_some", _("A risk rated low or medium")
    RISKS_SEVERAL = "risks_several", _("Several risks rated medium or higher")
    RISK_HIGH = "risk_high", _("A risk rated high")


@dataclass(frozen=True)
class AssessmentResult:
    protection_level: str  # a ProtectionLevel code
    detailed_needed: bool
    special_measures: list[str]  # SpecialMeasure codes, in their order
    suggested_referrals: list[str]  # ServiceOffer codes, in their order
    refused_measures: list[str]  # what the person refused (never in special_measures)
    grounds: list[str] = field(default_factory=list)  # Ground codes


def _codes(answers: Mapping[str, Any], name: str) -> set[str]:
    value = answers.get(name) or []
    return {str(code) for code in value} if isinstance(value, list) else set()


def _screening_grounds(answers: Mapping[str, Any]) -> list[str]:
    grounds: list[str] = []
    if answers.get("is_child") == Answer.YES:
        grounds.append(Ground.CHILD)
    if answers.get("feels_safe") in (Answer.NO, Answer.UNKNOWN):
        grounds.append(Ground.UNSAFE)
    if answers.get("offender_contact") == Answer.YES:
        grounds.append(Ground.OFFENDER_CONTACT)
    if answers.get("earlier_incidents") == Answer.YES:
        grounds.append(Ground.EARLIER)
    if answers.get("health_effects") == Answer.YES:
        grounds.append(Ground.HEALTH)
    if _codes(answers, "vulnerabilities") or _codes(answers, "characteristics") - {Characteristic.CARER}:
        grounds.append(Ground.VULNERABILITY)
    return grounds


def _risks(answers: Mapping[str, Any]) -> dict[str, int]:
    return {name: RISK_RANK.get(str(answers.get(name) or ""), 0) for name in RISK_QUESTIONS}


def _detailed_grounds(answers: Mapping[str, Any]) -> list[str]:
    grounds: list[str] = []
    if _codes(answers, "bias_indicators"):
        grounds.append(Ground.BIAS)
    if _codes(answers, "incident_features") & {
        IncidentFeature.VIOLENCE,
        IncidentFeature.SEXUAL,
        IncidentFeature.WEAPON,
    }:
        grounds.append(Ground.SERIOUS)
    ranks = _risks(answers).values()
    medium, high = RISK_RANK[AssessedRisk.MEDIUM], RISK_RANK[AssessedRisk.HIGH]
    if any(rank == high for rank in ranks):
        grounds.append(Ground.RISK_HIGH)
    if sum(rank >= medium for rank in ranks) >= 2:
        grounds.append(Ground.RISKS_SEVERAL)
    elif any(0 < rank < high for rank in ranks):
        grounds.append(Ground.RISK_SOME)
    return grounds


# Grounds that, in a detailed assessment, call for special measures.
_ENHANCED_GROUNDS = {Ground.RISK_HIGH, Ground.RISKS_SEVERAL}


def _level(stage: str, answers: Mapping[str, Any], grounds: list[str]) -> str:
    if not grounds:
        return ProtectionLevel.NONE
    if stage == AssessmentStage.DETAILED:
        features = _codes(answers, "incident_features")
        child_at_risk = Ground.CHILD in grounds and (Ground.SERIOUS in grounds or Ground.RISK_SOME in grounds)
        if _ENHANCED_GROUNDS & set(grounds) or IncidentFeature.SEXUAL in features or child_at_risk:
            return ProtectionLevel.ENHANCED
    # A screening concludes at most "standard": special measures follow from the
    # detailed assessment it calls for.
    return ProtectionLevel.STANDARD


def _suggested_measures(answers: Mapping[str, Any], level: str, child: bool) -> list[str]:
    features = _codes(answers, "incident_features")
    relationship = answers.get("relationship")
    suggested: set[str] = set()
    if child:  # Art. 24, with the presumption of Art. 22(4)
        suggested |= {SpecialMeasure.RECORDED_INTERVIEW, SpecialMeasure.TRAINED_PROFESSIONALS}
        if relationship == Relationship.FAMILY or Characteristic.UNACCOMPANIED in _codes(answers, "characteristics"):
            suggested.add(SpecialMeasure.SPECIAL_REPRESENTATIVE)
    if level == ProtectionLevel.ENHANCED:
        suggested |= {
            SpecialMeasure.INTERVIEW_PREMISES,
            SpecialMeasure.TRAINED_PROFESSIONALS,
            SpecialMeasure.SAME_INTERVIEWER,
            SpecialMeasure.AVOID_VISUAL_CONTACT,
            SpecialMeasure.NO_PRIVATE_LIFE_QUESTIONS,
        }
        ranks = _risks(answers)
        if max(ranks["risk_intimidation"], ranks["risk_retaliation"]) == RISK_RANK[AssessedRisk.HIGH]:
            suggested.add(SpecialMeasure.REMOTE_HEARING)
        if IncidentFeature.SEXUAL in features:
            suggested.add(SpecialMeasure.HEARING_IN_CAMERA)
    # Art. 23(2)(d): sexual violence, gender-based violence, violence in close relationships.
    if IncidentFeature.SEXUAL in features or (relationship == Relationship.FAMILY and level != ProtectionLevel.NONE):
        suggested.add(SpecialMeasure.SAME_SEX_INTERVIEWER)
    # What the person asks for is suggested too.
    suggested |= _codes(answers, "wished_measures") & set(SpecialMeasure.values)
    return [code for code in SpecialMeasure.values if code in suggested]


def _suggested_referrals(answers: Mapping[str, Any], grounds: list[str]) -> list[str]:
    features = _codes(answers, "incident_features")
    vulnerabilities = _codes(answers, "vulnerabilities")
    ranks = _risks(answers)
    medium = RISK_RANK[AssessedRisk.MEDIUM]
    offers: set[str] = set()
    if answers.get("wants_support") == Answer.YES or grounds:
        offers.add(ServiceOffer.EMOTIONAL)
    if answers.get("health_effects") == Answer.YES or features & {IncidentFeature.VIOLENCE, IncidentFeature.SEXUAL}:
        offers |= {ServiceOffer.MEDICAL, ServiceOffer.PSYCHOLOGICAL}
    if Vulnerability.LANGUAGE in vulnerabilities:
        offers.add(ServiceOffer.INTERPRETATION)
    if Vulnerability.RESIDENCE in vulnerabilities or any(rank >= medium for rank in ranks.values()):
        offers.add(ServiceOffer.LEGAL)
    if Vulnerability.DEPENDENCE in vulnerabilities:
        offers.add(ServiceOffer.PRACTICAL)
    unsafe_where_they_live = Ground.UNSAFE in grounds and Ground.OFFENDER_CONTACT in grounds
    if unsafe_where_they_live or max(ranks["risk_repeat"], ranks["risk_retaliation"]) == RISK_RANK[AssessedRisk.HIGH]:
        offers.add(ServiceOffer.ACCOMMODATION)
    return [code for code in ServiceOffer.values if code in offers]


def assessment_result(*, stage: str, answers: Mapping[str, Any]) -> AssessmentResult:
    """What the answers of one version conclude. Pure: the same answers always give the
    same result; nothing is read from the database.

    - ``detailed_needed``: any sign of need in the screening questions, or a child.
    - the level: none without any ground; a child is at least "standard"; a detailed
      assessment with a high risk, several medium ones, sexual violence, or a child
      facing violence or risk is "enhanced" (special measures).
    - measures the person refused (or all, when they refuse any) are never suggested.
    """
    grounds = _screening_grounds(answers)
    detailed_needed = bool(grounds)
    if stage == AssessmentStage.DETAILED:
        grounds += _detailed_grounds(answers)
    level = _level(stage, answers, grounds)
    child = answers.get("is_child") == Answer.YES
    refused = _codes(answers, "refused_measures") & set(SpecialMeasure.values)
    if answers.get("refuses_all_measures"):
        refused = set(SpecialMeasure.values)
    measures = [code for code in _suggested_measures(answers, level, child) if code not in refused]
    return AssessmentResult(
        protection_level=level,
        detailed_needed=detailed_needed,
        special_measures=measures,
        suggested_referrals=_suggested_referrals(answers, grounds),
        refused_measures=[code for code in SpecialMeasure.values if code in refused],
        grounds=grounds,
    )


# --- Checking answers (the form and the API) ------------------------------------------


def answers_problems(*, stage: str, answers: Mapping[str, Any]) -> dict[str, list[StrOrPromise]]:
    """What is wrong with ``answers`` for ``stage``, field by field (empty: nothing).
    Every question is optional; what the rule needs: known codes, a reason for each risk
    rated above none, and no measure both wished and refused."""
    problems: dict[str, list[StrOrPromise]] = {}
    asked = {q.name: q for q in questions_for(stage)}
    for name in answers:
        if name not in asked:
            problems.setdefault(name, []).append(_("This question is not part of this stage."))
    for question in asked.values():
        problem = _answer_problem(question, answers.get(question.name))
        if problem:
            problems.setdefault(question.name, []).append(problem)
    rated = {AssessedRisk.LOW, AssessedRisk.MEDIUM, AssessedRisk.HIGH}
    for question in asked.values():
        unexplained = not str(answers.get(question.name) or "").strip()
        if question.reason_for and answers.get(question.reason_for) in rated and unexplained:
            problems.setdefault(question.name, [_("Say why you rate this risk so.")])
    both = _codes(answers, "wished_measures") & _codes(answers, "refused_measures")
    if both and "refused_measures" not in problems:
        problems["refused_measures"] = [
            _("A measure cannot be both wanted and refused: untick it in one of the lists.")
        ]
    if answers.get("refuses_all_measures") and _codes(answers, "wished_measures") and "wished_measures" not in problems:
        problems["wished_measures"] = [
            _("The person refuses all special measures: untick the measures they want, or the refusal.")
        ]
    return problems


def _answer_problem(question: Question, value: Any) -> StrOrPromise:
    if value in (None, "", []):
        return ""
    if question.kind is Kind.TEXT:
        return "" if isinstance(value, str) else _("Give this answer as text.")
    if question.kind is Kind.FLAG:
        return "" if isinstance(value, bool) else _("Give true or false.")
    choices = (
        Answer if question.kind is Kind.ANSWER else AssessedRisk if question.kind is Kind.RISK else question.choices
    )
    assert choices is not None, question.name
    if question.kind is Kind.CHOICES:
        if not isinstance(value, list) or any(code not in choices.values for code in value):
            return _("Choose among the listed answers.")
        return ""
    return "" if value in choices.values else _("Choose one of the listed answers.")


def answers_clean(*, stage: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as stored: only the stage's questions, unanswered ones left out, text
    as typed (surrounding blanks removed), lists in the codes' order."""
    cleaned: dict[str, Any] = {}
    for question in questions_for(stage):
        value = answers.get(question.name)
        if value in (None, "", [], False):
            continue
        if question.kind is Kind.TEXT:
            value = str(value).strip()
            if not value:
                continue
        elif question.kind is Kind.CHOICES:
            assert question.choices is not None
            value = [code for code in question.choices.values if code in value]
        cleaned[question.name] = value
    return cleaned


@dataclass(frozen=True)
class ChangedAnswer:
    label: str
    before: str
    after: str


def answers_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[ChangedAnswer]:
    """What changed between two versions' answers, question by question, in words."""
    changed = []
    for question in QUESTIONS:
        old, new = before.get(question.name), after.get(question.name)
        if (old or None) != (new or None):
            changed.append(ChangedAnswer(str(question.label), question.label_of(old), question.label_of(new)))
    return changed


def answers_in_words(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every answered question as (question, answer) in words, in the form's order: how a
    referral's recipient reads a shared assessment, in their own language."""
    rows = []
    for question in QUESTIONS:
        shown = question.label_of(answers.get(question.name))
        if shown:
            rows.append((str(question.label), shown))
    return rows
