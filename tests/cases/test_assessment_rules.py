"""The assessment's rule (victory/cases/assessment.py): pure, so tested with tables and
with generated answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from victory.cases.assessment import (
    QUESTIONS,
    AssessedRisk,
    Kind,
    SpecialMeasure,
    answers_changed,
    answers_problems,
    assessment_result,
    questions_for,
)
from victory.cases.models import AssessmentStage, ProtectionLevel
from victory.core.vocabulary import ServiceOffer

SCREENING = AssessmentStage.SCREENING
DETAILED = AssessmentStage.DETAILED
ORDER = list(ProtectionLevel.values)


def _answer(question: Any) -> st.SearchStrategy[Any]:
    if question.kind is Kind.TEXT:
        return st.sampled_from(["", "Some words."])
    if question.kind is Kind.FLAG:
        return st.booleans()
    if question.kind is Kind.CHOICES:
        return st.lists(st.sampled_from(question.choices.values), unique=True)
    if question.kind is Kind.RISK:
        return st.sampled_from(["", *AssessedRisk.values])
    if question.kind is Kind.ANSWER:
        return st.sampled_from(["", "yes", "no", "unknown"])
    return st.sampled_from(["", *question.choices.values])


def answers_for(stage: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({q.name: _answer(q) for q in questions_for(stage)})


def test_nothing_said_means_no_specific_need() -> None:
    result = assessment_result(stage=SCREENING, answers={})
    assert result.protection_level == ProtectionLevel.NONE
    assert not result.detailed_needed
    assert result.special_measures == []


@pytest.mark.parametrize(
    "answers",
    [
        {"feels_safe": "no"},
        {"feels_safe": "unknown"},
        {"offender_contact": "yes"},
        {"earlier_incidents": "yes"},
        {"health_effects": "yes"},
        {"vulnerabilities": ["residence"]},
        {"is_child": "yes"},
    ],
)
def test_any_sign_of_need_in_the_screening_calls_for_the_detailed_assessment(answers: dict[str, Any]) -> None:
    result = assessment_result(stage=SCREENING, answers=answers)
    assert result.detailed_needed
    assert result.protection_level == ProtectionLevel.STANDARD


@given(answers=answers_for(DETAILED), stage=st.sampled_from([SCREENING, DETAILED]))
def test_a_child_always_needs_the_detailed_assessment_and_at_least_standard_protection(
    answers: dict[str, Any], stage: str
) -> None:
    asked = {question.name for question in questions_for(stage)}
    answers = {name: value for name, value in answers.items() if name in asked} | {"is_child": "yes"}
    result = assessment_result(stage=stage, answers=answers)
    assert result.detailed_needed
    assert ORDER.index(result.protection_level) >= ORDER.index(ProtectionLevel.STANDARD)


def test_a_child_is_offered_a_recorded_interview_and_a_special_representative_against_family() -> None:
    result = assessment_result(stage=DETAILED, answers={"is_child": "yes", "relationship": "family"})
    assert SpecialMeasure.RECORDED_INTERVIEW in result.special_measures
    assert SpecialMeasure.SPECIAL_REPRESENTATIVE in result.special_measures


@pytest.mark.parametrize("risk", ["risk_repeat", "risk_intimidation", "risk_retaliation"])
def test_a_high_risk_means_special_measures(risk: str) -> None:
    result = assessment_result(stage=DETAILED, answers={risk: "high", f"{risk}_reason": "He said he would come back."})
    assert result.protection_level == ProtectionLevel.ENHANCED
    assert SpecialMeasure.AVOID_VISUAL_CONTACT in result.special_measures


def test_high_retaliation_suggests_a_hearing_without_presence_and_a_safe_place() -> None:
    result = assessment_result(stage=DETAILED, answers={"risk_retaliation": "high"})
    assert SpecialMeasure.REMOTE_HEARING in result.special_measures
    assert ServiceOffer.ACCOMMODATION in result.suggested_referrals


def test_a_screening_concludes_at_most_standard() -> None:
    answers = {"is_child": "yes", "feels_safe": "no", "offender_contact": "yes", "health_effects": "yes"}
    assert assessment_result(stage=SCREENING, answers=answers).protection_level == ProtectionLevel.STANDARD


@given(answers=answers_for(DETAILED))
def test_a_refused_measure_is_never_suggested_and_the_refusal_is_kept(answers: dict[str, Any]) -> None:
    result = assessment_result(stage=DETAILED, answers=answers)
    refused = set(answers["refused_measures"]) | (
        set(SpecialMeasure.values) if answers["refuses_all_measures"] else set()
    )
    assert not refused & set(result.special_measures)
    assert set(result.refused_measures) == refused


@given(answers=answers_for(DETAILED))
def test_every_code_in_a_result_is_a_known_one(answers: dict[str, Any]) -> None:
    result = assessment_result(stage=DETAILED, answers=answers)
    assert result.protection_level in ProtectionLevel.values
    assert set(result.special_measures) <= set(SpecialMeasure.values)
    assert set(result.suggested_referrals) <= set(ServiceOffer.values)


def test_a_wished_measure_is_suggested() -> None:
    result = assessment_result(stage=DETAILED, answers={"wished_measures": ["same_sex_interviewer"]})
    assert result.special_measures == ["same_sex_interviewer"]


def test_refusing_every_measure_leaves_none() -> None:
    answers = {"risk_retaliation": "high", "risk_retaliation_reason": "Threats.", "refuses_all_measures": True}
    result = assessment_result(stage=DETAILED, answers=answers)
    assert result.protection_level == ProtectionLevel.ENHANCED
    assert result.special_measures == []
    assert result.refused_measures == list(SpecialMeasure.values)


def test_what_the_rule_needs_is_named_by_field() -> None:
    problems = answers_problems(
        stage=DETAILED,
        answers={
            "risk_intimidation": "medium",
            "is_child": "maybe",
            "wished_measures": ["hearing_in_camera"],
            "refused_measures": ["hearing_in_camera"],
        },
    )
    assert set(problems) == {"risk_intimidation_reason", "is_child", "refused_measures"}


def test_a_detailed_question_is_not_part_of_the_screening() -> None:
    assert set(answers_problems(stage=SCREENING, answers={"bias_indicators": ["symbols"]})) == {"bias_indicators"}


def test_the_victim_is_never_asked_whether_it_was_a_hate_crime() -> None:
    labels = " ".join(str(q.label) for q in QUESTIONS).lower()
    assert "hate crime?" not in labels
    bias = next(q for q in QUESTIONS if q.name == "bias_indicators")
    assert "your own observations" in str(bias.help_text).lower()


def test_what_changed_lists_each_changed_answer_in_words() -> None:
    from django.utils import translation

    with translation.override("en"):  # a page requested earlier in the thread leaves its language active
        changed = answers_changed({"feels_safe": "yes"}, {"feels_safe": "no", "bias_indicators": ["symbols"]})
    assert [(c.label, c.before, c.after) for c in changed] == [
        ("Does the person feel safe now?", "Yes", "No"),
        ("Which bias indicators do you observe?", "", "Symbols or graffiti"),
    ]
