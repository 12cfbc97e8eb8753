"""Reading a directory file: every problem is named by row and column, and a file with any
problem imports nothing."""

from __future__ import annotations

import codecs
import json
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.support.conftest import csv_bytes, json_bytes, json_item, service_row
from victory.support import importing
from victory.support.importing import Problem, parse_services
from victory.support.models import SupportService

pytestmark = pytest.mark.django_db


def problems_of(data: bytes, file_format: str = "csv") -> list[tuple[int | None, str]]:
    parsed = parse_services(data, file_format=file_format)
    assert parsed.rows == []  # all or nothing
    return [(problem.row, problem.column) for problem in parsed.problems]


def test_a_valid_csv_gives_normalised_rows() -> None:
    parsed = parse_services(csv_bytes([service_row(country="pt", offers="Legal; emotional;legal")]), file_format="csv")
    assert parsed.problems == []
    (row,) = parsed.rows
    assert row.country == "PT"
    assert row.offers == ["legal", "emotional"]
    assert row.is_free is True and row.accepts_reports_via_victory is False
    assert row.translations["pt"].opening_hours == "Dias úteis, 9–18"
    assert set(row.translations) == {"en", "pt"}


def test_a_byte_order_mark_is_accepted() -> None:
    parsed = parse_services(codecs.BOM_UTF8 + csv_bytes([service_row()]), file_format="csv")
    assert parsed.problems == [] and len(parsed.rows) == 1


def test_semicolon_separated_csv_from_a_european_spreadsheet_is_read() -> None:
    data = 'slug;name;organisation_name;country;offers;description_en\r\nx;X (fictional);O;ES;"legal;emotional";Hi\r\n'
    parsed = parse_services(data.encode(), file_format="csv")
    assert parsed.problems == []
    assert parsed.rows[0].offers == ["legal", "emotional"]


def test_a_latin_1_file_is_reported_as_not_utf8_with_its_row_and_column() -> None:
    plain = {"description_pt": "", "opening_hours_pt": ""}
    rows = [service_row("first", **plain), service_row("second", region="Setúbal", **plain)]
    data = csv_bytes(rows, encoding="latin-1")
    (problem,) = parse_services(data, file_format="csv").problems
    assert (problem.row, problem.column) == (3, "region")
    assert "not UTF-8" in problem.message
    assert "byte" in problem.message and "0xFA" in problem.message


def test_a_utf16_file_is_named_as_such() -> None:
    data = "slug,name\r\n".encode("utf-16")
    (problem,) = parse_services(data, file_format="csv").problems
    assert "UTF-16" in problem.message


def test_a_non_utf8_json_file_is_reported_with_its_line() -> None:
    data = '[{"slug": "a", "name": "Caf\xe9"}]'.encode("latin-1")
    (problem,) = parse_services(data, file_format="json").problems
    assert problem.row is None and "not UTF-8" in problem.message and "line 1" in problem.message


def test_missing_required_columns_are_reported_once_on_the_header_row() -> None:
    data = csv_bytes([service_row()], columns=["slug", "name", "region"])
    found = problems_of(data)
    assert (1, "organisation_name") in found
    assert (1, "country") in found
    assert (1, "description_en") in found
    assert all(row == 1 for row, _column in found)


def test_unknown_columns_and_languages_in_the_header_are_reported() -> None:
    row = service_row(descripton_en="typo", description_xx="?")
    found = problems_of(csv_bytes([row]))
    assert (1, "descripton_en") in found
    assert (1, "description_xx") in found


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("country", "ZZ"),
        ("country", "Portugal"),
        ("offers", "emotional;counselling"),
        ("groups", "anti_everyone"),
        ("channels", "pigeon"),
        ("languages", "portuguese"),
        ("email", "not-an-address"),
        ("website", "javascript:alert(1)"),
        ("website", "www.example.org"),
        ("last_reviewed_on", "15/01/2026"),
        ("last_reviewed_on", "2026-02-30"),
        ("last_reviewed_on", "2999-01-01"),
        ("is_free", "maybe"),
        ("accepts_reports_via_victory", "si"),
        ("status", "live"),
        ("slug", "Lisbon Support"),
        ("phone", "call us"),
        ("name", ""),
        ("name", "<b>Bold</b> support"),
        ("region", "x" * 121),
        ("description_pt", '<script>alert("x")</script>'),
        ("opening_hours_pt", "<img src=x onerror=alert(1)>"),
        ("organisation_name", '=HYPERLINK("http://evil")'),
    ],
)
def test_each_bad_value_is_reported_with_its_row_and_column(column: str, value: str) -> None:
    bad = service_row("bad-one")
    bad[column] = value
    rows = [service_row("good-one"), bad]
    found = problems_of(csv_bytes(rows))
    assert found == [(3, column)], found
    assert SupportService.objects.count() == 0


def test_markup_is_refused_with_a_message_that_says_so() -> None:
    parsed = parse_services(csv_bytes([service_row(description_en="<script>x</script>")]), file_format="csv")
    assert "HTML or script" in parsed.problems[0].message


def test_a_lone_less_than_sign_is_plain_text() -> None:
    parsed = parse_services(csv_bytes([service_row(description_en="Waiting time < 2 days, <3")]), file_format="csv")
    assert parsed.problems == []


def test_a_row_without_any_description_is_reported() -> None:
    found = problems_of(csv_bytes([service_row(description_en="", description_pt="", opening_hours_pt="")]))
    assert found == [(2, "description_en")]


def test_opening_hours_without_a_description_in_that_language_are_reported() -> None:
    found = problems_of(csv_bytes([service_row(description_pt="")]))
    assert found == [(2, "description_pt")]


def test_duplicate_slugs_are_reported_on_the_later_row() -> None:
    rows = [service_row("same"), service_row("other"), service_row("same")]
    parsed = parse_services(csv_bytes(rows), file_format="csv")
    (problem,) = parsed.problems
    assert (problem.row, problem.column) == (4, "slug")
    assert "row 2" in problem.message


def test_every_problem_of_every_row_is_reported() -> None:
    rows = [
        service_row("a", country="XX", email="nope"),
        service_row("b"),
        service_row("c", is_free="perhaps", description_en="<b>x</b>"),
    ]
    found = problems_of(csv_bytes(rows))
    assert found == [(2, "country"), (2, "email"), (4, "is_free"), (4, "description_en")]


def test_problems_read_as_row_and_column() -> None:
    assert str(Problem(4, "country", "Unknown.")) == "row 4, column country: Unknown."
    assert str(Problem(4, "", "Odd.")) == "row 4: Odd."


def test_json_problems_name_the_object_and_the_key() -> None:
    items: list[Any] = [
        json_item("a"),
        json_item("b", offers="legal", translations={"xx": {"description": "?"}}),
        json_item("c", is_free="sometimes", translations={"pt": {"description": "<script>"}}),
        "not an object",
        json_item("d", phone=351210000000, colour="red"),
    ]
    found = problems_of(json_bytes(items), "json")
    assert found == [
        (2, "translations.xx"),
        (2, "offers"),
        (2, "description_en"),
        (3, "is_free"),
        (3, "translations.pt.description"),
        (4, ""),
        (5, "colour"),
        (5, "phone"),
    ]


def test_a_broken_json_file_is_reported_with_its_line() -> None:
    (problem,) = parse_services(b'[{"slug": "a",\n  "name": }]', file_format="json").problems
    assert problem.row is None and "line 2" in problem.message


def test_json_must_be_a_list() -> None:
    (problem,) = parse_services(json_bytes({"slug": "a"}), file_format="json").problems
    assert "list" in problem.message


def test_the_service_checks_are_shared_with_the_admin_and_services() -> None:
    assert importing.service_problems({"country": "ZZ", "offers": ["emotional"]}).keys() == {"country"}
    assert importing.translation_problems(language="pt", description="<p>x</p>").keys() == {"description"}


# --- The commands -------------------------------------------------------------


def test_the_import_command_prints_each_problem_and_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "services.csv"
    path.write_bytes(csv_bytes([service_row("a"), service_row("b", country="ZZ", email="x")]))
    stderr = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_services", str(path), stderr=stderr, stdout=StringIO(), verbosity=0)
    assert error.value.returncode != 0
    assert "nothing was imported" in str(error.value)
    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("row 3, column country: ")
    assert lines[1].startswith("row 3, column email: ")
    assert not SupportService.objects.exists()


def test_the_import_command_imports_a_json_file_and_reports_counts(tmp_path: Path) -> None:
    path = tmp_path / "directory.data"
    path.write_bytes(json_bytes([json_item("a"), json_item("b")]))
    stdout = StringIO()
    call_command("import_services", str(path), file_format="json", stdout=stdout, verbosity=0)
    assert "2 created, 0 updated, 0 unchanged" in stdout.getvalue()
    assert SupportService.objects.count() == 2


def test_the_import_command_dry_run_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "services.csv"
    path.write_bytes(csv_bytes([service_row()]))
    stdout = StringIO()
    call_command("import_services", str(path), dry_run=True, stdout=stdout, verbosity=0)
    assert "1 created" in stdout.getvalue() and "nothing imported" in stdout.getvalue()
    assert not SupportService.objects.exists()


def test_the_import_command_needs_a_known_format(tmp_path: Path) -> None:
    path = tmp_path / "services.txt"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="--format"):
        call_command("import_services", str(path), verbosity=0)


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_command_writes_a_file_the_import_command_reads_back(tmp_path: Path, file_format: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([service_row("a"), service_row("b", status="draft")]))
    call_command("import_services", str(source), stdout=StringIO(), verbosity=0)
    target = tmp_path / f"out.{file_format}"
    stdout = StringIO()
    call_command("export_services", str(target), file_format=file_format, stdout=stdout)
    assert "Exported 2 services" in stdout.getvalue()
    before = importing.service_rows_all()
    SupportService.objects.all().delete()
    call_command("import_services", str(target), stdout=StringIO(), verbosity=0)
    assert importing.service_rows_all() == before


def test_export_command_writes_to_standard_output() -> None:
    stdout = StringIO()
    call_command("export_services", "-", file_format="csv", stdout=stdout)
    assert stdout.getvalue().startswith("slug,name,organisation_name,country,")


def test_the_same_service_under_another_slug_is_a_duplicate() -> None:
    rows = [service_row("one", name="Harbour Help (fictional)"), service_row("two", name="harbour help (fictional) ")]
    parsed = parse_services(csv_bytes(rows), file_format="csv")
    assert parsed.rows == []
    (problem,) = parsed.problems
    assert (problem.row, problem.column) == (3, "name")
    assert "row 2" in problem.message


@pytest.mark.django_db
def test_a_service_already_in_the_directory_under_another_slug_is_a_duplicate() -> None:
    from victory.support import services

    services.services_import(actor=None, rows=parse_services(csv_bytes([service_row("first")]), file_format="csv").rows)
    parsed = parse_services(
        csv_bytes([service_row("second", name="Lisbon support first (fictional)")]), file_format="csv"
    )
    (problem,) = parsed.problems
    assert "“first”" in problem.message


# --- Deeply nested JSON (issue 7, item 11) ----------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_deeply_nested_json_file_is_a_problem_not_a_crash() -> None:
    # Deep enough for Python's JSON parser to give up with a RecursionError.
    (problem,) = parse_services(_nested(200_000).encode(), file_format="json").problems
    assert (problem.row, problem.column) == (1, "")
    assert "nested" in problem.message


def test_a_deeply_nested_value_is_named_by_its_row_and_column() -> None:
    items = json_bytes([json_item("first"), json_item("second")]).decode()
    deep = items.replace('"offers": ["emotional"]', f'"offers": {_nested(100_000)}', 2)
    deep = deep.replace(f'"offers": {_nested(100_000)}', '"offers": ["emotional"]', 1)  # only the second row
    problems = parse_services(deep.encode(), file_format="json").problems
    assert [(p.row, p.column) for p in problems] == [(2, "offers")]
    assert str(problems[0]).startswith("row 2, column offers:")


def test_nesting_the_schema_does_not_need_is_refused_before_it_is_read() -> None:
    # Shallow enough for the parser, but no directory field is ever a list of lists.
    items = json_bytes([json_item("a", name=json.loads(_nested(30)))])
    (problem,) = parse_services(items, file_format="json").problems
    assert (problem.row, problem.column) == (1, "name")


def test_brackets_inside_texts_are_not_nesting() -> None:
    parsed = parse_services(json_bytes([json_item("a", region="[" * 50 + "{" * 50)]), file_format="json")
    assert parsed.problems == []


def test_the_admin_upload_page_names_a_deeply_nested_file(admin_client: Client) -> None:
    upload = BytesIO(_nested(200_000).encode())
    upload.name = "directory.json"
    with translation.override("en"):
        url = reverse("admin:support_supportservice_import")
    response = admin_client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "nested" in page
    assert not SupportService.objects.exists()


def test_the_import_command_names_a_deeply_nested_file(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    path.write_text(_nested(200_000))
    with pytest.raises(CommandError):
        call_command("import_services", str(path), stdout=StringIO(), stderr=(errors := StringIO()))
    assert "nested" in errors.getvalue()


# --- A number too long for Python to convert ----------------------------------------------

# Python converts no longer whole number (sys.get_int_max_str_digits): json.loads raises a
# plain ValueError for it, not JSONDecodeError.
LONG_NUMBER = "9" * 4301


def _with_long_number(second_row_key: str = "phone") -> bytes:
    items = json_bytes([json_item("first"), json_item("second", **{second_row_key: "LONG"})]).decode()
    return items.replace('"LONG"', LONG_NUMBER).encode()


def test_a_number_too_long_to_read_is_named_by_its_row_and_column() -> None:
    (problem,) = parse_services(_with_long_number(), file_format="json").problems
    assert (problem.row, problem.column) == (2, "phone")
    assert "more than 4300 digits" in problem.message


def test_a_long_number_alone_is_a_problem_of_the_file() -> None:
    (problem,) = parse_services(f"[-{LONG_NUMBER}]".encode(), file_format="json").problems
    assert (problem.row, problem.column) == (1, "")
    assert "digits" in problem.message


def test_digits_in_a_text_or_a_long_decimal_are_not_taken_for_that_number() -> None:
    items = json_bytes([json_item("first", region="9" * 5000), json_item("second", phone="LONG")]).decode()
    items = items.replace('"LONG"', LONG_NUMBER).replace('"is_free": true', f'"is_free": {LONG_NUMBER}.5', 1)
    assert f"{LONG_NUMBER}.5" in items  # a float, which Python reads however long
    (problem,) = parse_services(items.encode(), file_format="json").problems
    assert (problem.row, problem.column) == (2, "phone")


def test_the_admin_upload_page_names_a_number_too_long(admin_client: Client) -> None:
    upload = BytesIO(_with_long_number())
    upload.name = "directory.json"
    with translation.override("en"):
        url = reverse("admin:support_supportservice_import")
    response = admin_client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "more than 4300 digits" in page
    assert not SupportService.objects.exists()


def test_the_import_command_names_a_number_too_long(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    path.write_bytes(_with_long_number())
    with pytest.raises(CommandError):
        call_command("import_services", str(path), stdout=StringIO(), stderr=(errors := StringIO()))
    assert "row 2, column phone:" in errors.getvalue()
    assert "more than 4300 digits" in errors.getvalue()
    assert not SupportService.objects.exists()
