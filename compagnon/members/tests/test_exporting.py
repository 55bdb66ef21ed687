"""CSV exports: formula-safe cells, people and organisations, and a lossless round trip."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from compagnon.core.csvsafe import csv_lines, csv_safe_cell, csv_unsafe_cell
from compagnon.members import services
from compagnon.members.exporting import (
    ORGANISATION_HEADERS,
    PEOPLE_HEADERS,
    organisations_export_rows,
    people_export_rows,
)
from compagnon.members.models import (
    Level,
    MembershipType,
    Organisation,
    Person,
    RoleFamily,
    Tag,
    Visibility,
)
from compagnon.members.tests.factories import (
    BaseFactory,
    InterestFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ada", "Ada"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe_cell(value, expected):
    assert csv_safe_cell(value) == expected


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "Ada", "'quoted", "", "'"])
def test_csv_unsafe_cell_undoes_csv_safe_cell(value):
    assert csv_unsafe_cell(csv_safe_cell(value)) == value


def test_csv_lines_parse_back():
    text = "".join(csv_lines([["a", "=b"], ['quote " and, comma', "line\nbreak"]]))
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))) == [
        ["a", "'=b"],
        ['quote " and, comma', "line\nbreak"],
    ]


def read_csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte order mark so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def exported_person(org_a):
    person = PersonFactory(
        organisation=org_a,
        first_name="Hélène",
        last_name="=cmd|' /C calc'!A0",
        email="helene@alpha.example",
        job_title='=HYPERLINK("http://evil.example","click")',
        role_family=RoleFamily.PHD_CANDIDATE,
        membership_type=MembershipType.RESEARCHER,
        bio="Séries temporelles, prévision.\nDeuxième ligne.",
        linkedin_url="https://www.linkedin.com/in/helene",
        base=BaseFactory(name="Paris"),
        directory_visibility=Visibility.ORGANISATION,
    )
    SkillFactory(
        person=person,
        tag=Tag.objects.get(slug="machine-learning"),
        level=Level.EXPERT,
        can_teach=True,
    )
    SkillFactory(person=person, tag=Tag.objects.get(slug="time-series"), level=Level.NOTIONS)
    InterestFactory(person=person, tag=Tag.objects.get(slug="genai-text"))
    return person


def test_people_export(client_of, staff_user, exported_person):
    rows = read_csv(client_of(staff_user).get(reverse("staff:export_people")))
    assert list(rows[0]) == list(PEOPLE_HEADERS)
    row = next(r for r in rows if r["Email"] == "helene@alpha.example")
    assert row["Prénom"] == "Hélène"
    assert row["Nom"] == "'=cmd|' /C calc'!A0"
    assert row["Titre"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["Organisation"] == "Alpha Corp"
    assert row["Métier"] == "Doctorant"
    assert row["Statut"] == "Chercheur"
    assert row["Domain"] == "Machine Learning"
    assert row["Tags"] == "Time Series"
    assert row["Intérêt"] == "Generative AI (text)"
    assert row["Description"] == "Séries temporelles, prévision.\nDeuxième ligne."
    assert row["Compétences"] == "Machine Learning (4/4), Time Series (1/4)"
    assert row["Peut enseigner"] == "Machine Learning"
    assert row["Base"] == "Paris"
    assert row["Visibilité"] == "organisation"
    assert len(rows) == Person.objects.count(), "staff export everyone"
    for cells in rows:
        for value in cells.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_exported_people_reimport_unchanged(
    client_of, staff_user, exported_person, member_a, tmp_path
):
    response = client_of(staff_user).get(reverse("staff:export_people"))
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    before = {p.pk: p.updated_at for p in Person.objects.all()}

    preview = services.people_import_preview(data=path.read_bytes())
    assert preview.errors == []
    assert preview.unknown_columns == []
    assert preview.counts == {
        "create": 0,
        "update": 0,
        "unchanged": Person.objects.count(),
        "skip": 0,
    }
    result = services.people_import_apply(
        data=path.read_bytes(), filename="export.csv", imported_by=None
    )

    assert result.unchanged == Person.objects.count()
    assert {p.pk: p.updated_at for p in Person.objects.all()} == before
    exported_person.refresh_from_db()
    assert exported_person.job_title == '=HYPERLINK("http://evil.example","click")'
    assert {s.tag.slug: s.level for s in exported_person.skills.all()} == {
        "machine-learning": Level.EXPERT,
        "time-series": Level.NOTIONS,
    }


def test_people_export_rows_of_a_chosen_queryset(org_a, org_b, member_a, member_b):
    rows = list(people_export_rows(Person.objects.filter(organisation=org_a)))
    assert rows[0] == list(PEOPLE_HEADERS)
    assert [row[2] for row in rows[1:]] == ["ada@alpha.example"]


@pytest.mark.django_db
def test_people_export_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries, org_a):
    for _number in range(30):
        person = PersonFactory(organisation=org_a)
        SkillFactory(person=person, tag=Tag.objects.get(slug="nlp"))
    with django_assert_max_num_queries(5):
        rows = list(people_export_rows(Person.objects.all()))
    assert len(rows) == 31


def test_organisations_export(client_of, staff_user, org_a, member_a, manager_a):
    org_a.member_since = datetime.date(2023, 9, 1)
    org_a.home_base = BaseFactory(name="Paris")
    org_a.email_domains = "alpha.example, @Alpha.fr"
    org_a.save()
    OrganisationFactory(name="+Plus Corp")

    rows = read_csv(client_of(staff_user).get(reverse("staff:export_organisations")))

    assert list(rows[0]) == list(ORGANISATION_HEADERS)
    alpha = next(r for r in rows if r["Nom"] == "Alpha Corp")
    assert alpha == {
        "Nom": "Alpha Corp",
        "Type": "company",
        "Formule": "standard",
        "Statut": "active",
        "Membre depuis": "2023-09-01",
        "Membre jusqu'au": "",
        "Base": "Paris",
        "Domaines": "alpha.example, alpha.fr",
        "Personnes": "2",
    }
    assert any(r["Nom"] == "'+Plus Corp" for r in rows)
    assert len(rows) == Organisation.objects.count()


def test_organisations_export_rows_counts_people(org_a, org_b, member_a, manager_a, member_b):
    rows = list(organisations_export_rows(Organisation.objects.order_by("name")))
    assert [(row[0], row[-1]) for row in rows[1:]] == [("Alpha Corp", "2"), ("Beta Lab", "1")]
