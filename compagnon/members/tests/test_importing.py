"""The member import: reading the club's spreadsheet, deciding each row, writing in one go."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from compagnon.members import importing, services
from compagnon.members.importing import ImportFileError, RowAction
from compagnon.members.models import (
    Interest,
    Level,
    MembershipType,
    Organisation,
    OrganisationKind,
    Person,
    RoleFamily,
    Skill,
    Tag,
)
from compagnon.members.tests.factories import PersonFactory, SkillFactory

HEADER = [
    "Prénom",
    "Nom",
    "Email",
    "Organisation",
    "Titre",
    "Métier",
    "Intérêt",
    "Domain",
    "Tags",
    "Statut",
    "Description",
    "Linkedin",
]

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English source form; tag labels too.
    with translation.override("en"):
        yield


def member_row(**cells: str) -> list[str]:
    values = {
        "Prénom": "Ada",
        "Nom": "Martin",
        "Email": "ada@alpha.example",
        "Organisation": "Alpha Corp",
        "Titre": "Lead data scientist",
        "Métier": "Data Scientist",
        "Intérêt": "NLP",
        "Domain": "Finance",
        "Tags": "Time Series, ML",
        "Statut": "Adhérent",
        "Description": "Works on forecasting.",
        "Linkedin": "https://www.linkedin.com/in/ada",
    }
    values.update(cells)
    return [values[column] for column in HEADER]


def write_csv(
    tmp_path: Path,
    rows: list[list[str]],
    *,
    header: list[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
    name: str = "members.csv",
) -> Path:
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def preview_of(path: Path) -> importing.ImportPreview:
    return services.people_import_preview(data=path.read_bytes())


def import_of(path: Path) -> importing.ImportResult:
    return services.people_import_apply(
        data=path.read_bytes(), filename=path.name, imported_by=None
    )


def tag(slug: str) -> Tag:
    return Tag.objects.get(slug=slug)


# --- happy path, idempotence, updates ----------------------------------------------------


def test_creates_people_with_organisation_skills_and_interests(tmp_path):
    path = write_csv(
        tmp_path,
        [
            member_row(),
            member_row(
                **{
                    "Prénom": "Bruno",
                    "Nom": "Petit",
                    "Email": "Bruno@Beta.example",
                    "Organisation": "Beta Lab",
                    "Métier": "Doctorant",
                    "Statut": "Résident",
                    "Intérêt": "",
                    "Domain": "",
                    "Tags": "",
                    "Linkedin": "linkedin.com/in/bruno",
                }
            ),
        ],
    )

    preview = preview_of(path)
    assert preview.counts == {"create": 2, "update": 0, "unchanged": 0, "skip": 0}
    assert preview.new_organisations == ["Alpha Corp", "Beta Lab"]
    result = import_of(path)

    assert (result.created, result.updated, result.unchanged, result.skipped) == (2, 0, 0, 0)
    ada = Person.objects.get(email="ada@alpha.example")
    assert (ada.first_name, ada.last_name, ada.job_title) == (
        "Ada",
        "Martin",
        "Lead data scientist",
    )
    assert ada.role_family == RoleFamily.DATA_SCIENTIST
    assert ada.membership_type == MembershipType.EMPLOYEE
    assert ada.bio == "Works on forecasting."
    assert ada.organisation.name == "Alpha Corp"
    assert ada.organisation.kind == OrganisationKind.COMPANY
    assert ada.organisation.status == "active"
    assert {s.tag.slug: s.level for s in ada.skills.all()} == {
        "machine-learning": Level.PRACTITIONER,
        "time-series": Level.PRACTITIONER,
    }
    assert [i.tag.slug for i in ada.interests.all()] == ["nlp"]
    bruno = Person.objects.get(email="bruno@beta.example")
    assert bruno.role_family == RoleFamily.PHD_CANDIDATE
    assert bruno.membership_type == MembershipType.RESIDENT
    assert bruno.linkedin_url == "https://linkedin.com/in/bruno"


def test_existing_organisation_is_matched_without_regard_to_case(tmp_path, org_a):
    path = write_csv(tmp_path, [member_row(Organisation="  alpha   CORP ")])
    preview = preview_of(path)
    assert preview.new_organisations == []
    import_of(path)
    assert Person.objects.get(email="ada@alpha.example").organisation == org_a
    assert Organisation.objects.count() == 1


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path, [member_row(), member_row(Email="eve@alpha.example", Prénom="Eve")])
    import_of(path)
    before = {p.email: p.updated_at for p in Person.objects.all()}
    counts = (Skill.objects.count(), Interest.objects.count(), Organisation.objects.count())

    assert preview_of(path).counts == {"create": 0, "update": 0, "unchanged": 2, "skip": 0}
    result = import_of(path)

    assert (result.created, result.updated, result.unchanged, result.skipped) == (0, 0, 2, 0)
    assert {p.email: p.updated_at for p in Person.objects.all()} == before
    assert (Skill.objects.count(), Interest.objects.count(), Organisation.objects.count()) == counts


def test_a_changed_field_updates_only_that_person(tmp_path):
    import_of(write_csv(tmp_path, [member_row(), member_row(Email="eve@alpha.example")]))
    eve_before = Person.objects.get(email="eve@alpha.example").updated_at
    ada_before = Person.objects.get(email="ada@alpha.example").updated_at

    path = write_csv(
        tmp_path,
        [member_row(Titre="Head of data", Nom=""), member_row(Email="eve@alpha.example")],
        name="second.csv",
    )
    preview = preview_of(path)
    assert [row.action for row in preview.rows] == [RowAction.UPDATE, RowAction.UNCHANGED]
    assert preview.rows[0].notes == ["changes: job title"]
    import_of(path)

    ada = Person.objects.get(email="ada@alpha.example")
    assert ada.job_title == "Head of data"
    assert ada.last_name == "Martin", "a blank cell never erases a value"
    assert ada.updated_at > ada_before
    assert Person.objects.get(email="eve@alpha.example").updated_at == eve_before


def test_moving_someone_to_a_new_organisation(tmp_path, member_a, org_a):
    blank = dict.fromkeys(
        ["Titre", "Métier", "Intérêt", "Domain", "Tags", "Statut", "Description", "Linkedin"], ""
    )
    path = write_csv(tmp_path, [member_row(Organisation="Gamma Labs", **blank)])
    row = preview_of(path).rows[0]
    assert row.action == RowAction.UPDATE
    assert row.notes == ["new organisation “Gamma Labs”", "changes: organisation"]
    import_of(path)
    member_a.refresh_from_db()
    assert member_a.organisation.name == "Gamma Labs"
    assert member_a.organisation.slug == "gamma-labs"


def test_new_organisation_slugs_do_not_clash(tmp_path, org_a):
    org_a.slug = "new-co"
    org_a.save()
    import_of(
        write_csv(
            tmp_path,
            [
                member_row(Organisation="New Co"),
                member_row(Email="b@x.example", Organisation="NEW  co"),
            ],
        )
    )
    created = Organisation.objects.get(name="New Co")
    assert created.slug == "new-co-2"
    assert Person.objects.filter(organisation=created).count() == 2


def test_existing_email_is_matched_case_insensitively(tmp_path, member_a):
    path = write_csv(tmp_path, [member_row(Email="ADA@Alpha.Example", Titre="Chief scientist")])
    preview = preview_of(path)
    assert preview.rows[0].action == RowAction.UPDATE
    import_of(path)
    assert Person.objects.filter(email__iexact="ada@alpha.example").count() == 1
    member_a.refresh_from_db()
    assert member_a.job_title == "Chief scientist"


def test_skills_are_never_downgraded_or_removed(tmp_path, member_a):
    SkillFactory(person=member_a, tag=tag("machine-learning"), level=Level.EXPERT)
    SkillFactory(person=member_a, tag=tag("statistics"), level=Level.ADVANCED)
    import_of(write_csv(tmp_path, [member_row(Domain="", Tags="Machine Learning, NLP")]))
    assert {s.tag.slug: s.level for s in member_a.skills.all()} == {
        "machine-learning": Level.EXPERT,
        "statistics": Level.ADVANCED,
        "nlp": Level.PRACTITIONER,
    }


def test_new_skills_count_as_an_update(tmp_path, member_a):
    path = write_csv(tmp_path, [member_row(Tags="Dataviz")])
    import_of(path)
    row = preview_of(
        write_csv(tmp_path, [member_row(Tags="Dataviz, Causality")], name="b.csv")
    ).rows[0]
    assert row.action == RowAction.UPDATE
    assert row.notes == ["changes: skills (+1)"]


# --- reading files -----------------------------------------------------------------------


def test_utf8_with_bom(tmp_path):
    path = write_csv(tmp_path, [member_row(Prénom="Zoé")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    import_of(path)
    assert Person.objects.get().first_name == "Zoé"


def test_latin1_accents_are_read(tmp_path):
    path = write_csv(
        tmp_path,
        [member_row(Prénom="Hélène", Nom="Lefèvre", Organisation="Société Générale")],
        encoding="latin-1",
    )
    preview = preview_of(path)
    assert preview.encoding == "cp1252"
    import_of(path)
    person = Person.objects.get()
    assert (person.first_name, person.last_name) == ("Hélène", "Lefèvre")
    assert person.organisation.name == "Société Générale"


def test_semicolon_delimiter(tmp_path):
    path = write_csv(tmp_path, [member_row(Tags="NLP, Dataviz")], delimiter=";")
    preview = preview_of(path)
    assert preview.delimiter == ";"
    assert preview.counts["create"] == 1
    import_of(path)
    assert {s.tag.slug for s in Skill.objects.all()} == {"nlp", "dataviz"}


def test_excel_sep_hint_line(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "sep=;\n" + ";".join(HEADER) + "\n" + ";".join(member_row()) + "\n", encoding="utf-8"
    )
    preview = preview_of(path)
    assert preview.delimiter == ";"
    assert preview.rows[0].line == 3


def test_header_matching_ignores_case_accents_and_spaces(tmp_path):
    header = [" prenom", "NOM ", "E-mail", "organisation", "titre"]
    path = write_csv(
        tmp_path, [["Ada", "Martin", "ada@alpha.example", "Alpha", "Lead"]], header=header
    )
    preview = preview_of(path)
    assert preview.errors == []
    assert preview.unknown_columns == []
    import_of(path)
    assert Person.objects.get().full_name == "Ada Martin"


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert preview_of(path).errors == ["The file is empty."]
    with pytest.raises(ImportFileError, match="empty"):
        import_of(path)


def test_header_without_rows_is_refused(tmp_path):
    path = write_csv(tmp_path, [])
    assert preview_of(path).errors == ["The file has a header line but no member rows."]


def test_missing_required_column_names_it(tmp_path):
    header = [column for column in HEADER if column != "Email"]
    path = write_csv(tmp_path, [["Ada"] * len(header)], header=header)
    preview = preview_of(path)
    assert len(preview.errors) == 1
    assert "“Email”" in preview.errors[0]
    assert preview.rows == []
    with pytest.raises(ImportFileError, match="Email"):
        import_of(path)
    assert not Person.objects.exists()


def test_all_missing_required_columns_in_one_message(tmp_path):
    path = write_csv(tmp_path, [["Martin"]], header=["Nom"])
    assert preview_of(path).errors == [
        "Required columns “Email”, “Prénom” are missing. The header line must name at least: Email, Prénom."
    ]


def test_excel_workbook_is_refused_with_advice(tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "save it as CSV" in preview_of(path).errors[0]


def test_unknown_column_is_ignored_and_reported(tmp_path):
    path = write_csv(tmp_path, [[*member_row(), "42"]], header=[*HEADER, "Pointure"])
    preview = preview_of(path)
    assert preview.unknown_columns == ["Pointure"]
    assert preview.counts["create"] == 1
    import_of(path)
    assert Person.objects.count() == 1


def test_line_numbers_follow_the_file_even_with_multiline_cells(tmp_path):
    path = write_csv(
        tmp_path,
        [
            member_row(Description="First line\nsecond line"),
            member_row(Email="not-an-email"),
        ],
    )
    rows = preview_of(path).rows
    assert [row.line for row in rows] == [2, 4]


# --- bad rows ----------------------------------------------------------------------------


def test_duplicate_email_in_the_file_with_different_case(tmp_path):
    path = write_csv(
        tmp_path, [member_row(), member_row(Email="ADA@alpha.example", Prénom="Other")]
    )
    rows = preview_of(path).rows
    assert rows[0].action == RowAction.CREATE
    assert rows[1].action == RowAction.SKIP
    assert rows[1].errors == ["duplicate of line 2"]
    result = import_of(path)
    assert (result.created, result.skipped) == (1, 1)
    assert Person.objects.get().first_name == "Ada"


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Email": ""}, "missing email"),
        ({"Email": "ada@"}, "invalid email “ada@”"),
        ({"Prénom": ""}, "missing first name"),
        ({"Description": "x" * 2001}, "bio longer than 2000 characters"),
        ({"Nom": "y" * 101}, "last name longer than 100 characters"),
    ],
)
def test_invalid_rows_are_skipped_with_a_reason(tmp_path, cells, reason):
    path = write_csv(tmp_path, [member_row(**cells), member_row(Email="ok@alpha.example")])
    rows = preview_of(path).rows
    assert rows[0].action == RowAction.SKIP
    assert rows[0].errors == [reason]
    result = import_of(path)
    assert (result.created, result.skipped) == (1, 1)
    assert result.skipped_rows[0].line == 2
    assert result.skipped_rows[0].reasons == [reason]
    assert list(Person.objects.values_list("email", flat=True)) == ["ok@alpha.example"]


def test_bio_of_exactly_2000_characters_is_accepted(tmp_path):
    import_of(write_csv(tmp_path, [member_row(Description="x" * 2000)]))
    assert len(Person.objects.get().bio) == 2000


def test_unknown_tag_is_a_warning_with_the_closest_tag(tmp_path):
    path = write_csv(tmp_path, [member_row(Domain="", Tags="Machin Lerning, NLP, Zzqx")])
    row = preview_of(path).rows[0]
    assert row.action == RowAction.CREATE
    assert row.warnings == [
        "Unknown tag “Machin Lerning” — did you mean “Machine Learning”?",
        "Unknown tag “Zzqx” — ignored",
    ]
    import_of(path)
    assert [s.tag.slug for s in Skill.objects.all()] == ["nlp"]


def test_tags_resolve_through_synonyms_and_slugs(tmp_path):
    import_of(
        write_csv(
            tmp_path, [member_row(Domain="", Tags="LLM; time-series | apprentissage profond")]
        )
    )
    assert {s.tag.slug for s in Skill.objects.all()} == {
        "genai-text",
        "time-series",
        "machine-learning",
    }


def test_role_and_status_words(tmp_path, member_a):
    path = write_csv(
        tmp_path,
        [
            member_row(Email="a@x.example", Métier="RH", Statut="Invité"),
            member_row(Email="b@x.example", Métier="Plombier", Statut=""),
            member_row(Email="c@x.example", Métier="chercheur", Statut="Équipe"),
            member_row(Métier="Plombier", Statut="Martien"),
        ],
    )
    rows = preview_of(path).rows
    assert rows[1].warnings == ["Unknown role “Plombier” — recorded as “Other”"]
    assert rows[3].warnings == [
        "Unknown role “Plombier” — left unchanged",
        "Unknown status “Martien” — left unchanged",
    ]
    import_of(path)
    people = {p.email: (p.role_family, p.membership_type) for p in Person.objects.all()}
    assert people["a@x.example"] == (RoleFamily.HR, MembershipType.GUEST)
    assert people["b@x.example"] == (RoleFamily.OTHER, MembershipType.EMPLOYEE)
    assert people["c@x.example"] == (RoleFamily.RESEARCHER, MembershipType.STAFF)
    assert people["ada@alpha.example"] == (RoleFamily.DATA_SCIENTIST, MembershipType.EMPLOYEE)


def test_formula_cells_are_stored_as_text(tmp_path):
    formula = '=HYPERLINK("http://evil.example","click")'
    path = write_csv(tmp_path, [member_row(Titre=formula, Prénom="+33 Ada", Nom="@martin")])
    assert preview_of(path).rows[0].action == RowAction.CREATE
    import_of(path)
    person = Person.objects.get()
    assert (person.job_title, person.first_name, person.last_name) == (
        formula,
        "+33 Ada",
        "@martin",
    )


# --- writing -----------------------------------------------------------------------------


def test_nothing_is_written_when_apply_fails_half_way(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 10)
    real_insert = importing._person_batch_insert
    batches = []

    def insert_then_fail(people):
        if batches:
            raise RuntimeError("disk full")
        real_insert(people)
        batches.append(len(people))

    monkeypatch.setattr(importing, "_person_batch_insert", insert_then_fail)
    rows = [member_row(Email=f"p{n}@x.example", Organisation=f"Org {n % 3}") for n in range(25)]
    path = write_csv(tmp_path, rows)

    with pytest.raises(RuntimeError, match="disk full"):
        import_of(path)

    assert batches == [10], "the first batch was written before the failure"
    assert not Person.objects.exists()
    assert not Organisation.objects.exists()
    assert not Skill.objects.exists()


def test_apply_decides_again_against_the_current_database(tmp_path):
    path = write_csv(tmp_path, [member_row()])
    assert preview_of(path).rows[0].action == RowAction.CREATE
    PersonFactory(email="ada@alpha.example", organisation=None)  # someone added her meanwhile
    result = import_of(path)
    assert (result.created, result.updated) == (0, 1)
    assert Person.objects.count() == 1


def test_twenty_thousand_rows(tmp_path):
    slugs = list(Tag.objects.values_list("slug", flat=True))
    rows = [
        member_row(
            **{
                "Prénom": f"First{n}",
                "Nom": f"Last{n}",
                "Email": f"person{n}@org{n % 300}.example",
                "Organisation": f"Org {n % 300}",
                "Intérêt": slugs[n % len(slugs)],
                "Domain": ("Finance", "Recherche", "Food", "Telecom")[n % 4],
                "Tags": f"{slugs[(n + 2) % len(slugs)]}, Unknownish {n % 7}",
            }
        )
        for n in range(20_000)
    ]
    rows.append(member_row(Email="PERSON5@org5.example"))  # a duplicate
    path = write_csv(tmp_path, rows)

    started = time.perf_counter()
    preview = preview_of(path)
    assert preview.counts == {"create": 20_000, "update": 0, "unchanged": 0, "skip": 1}
    result = import_of(path)
    elapsed = time.perf_counter() - started

    assert (result.created, result.skipped) == (20_000, 1)
    assert Person.objects.count() == 20_000
    assert Organisation.objects.count() == 300
    assert Skill.objects.count() == 20_000  # Domain is a sector now, not a skill
    assert Interest.objects.count() == 20_000
    assert elapsed < 60, f"preview + apply of 20 000 rows took {elapsed:.1f} s"
    assert preview_of(path).counts["unchanged"] == 20_000


# --- the command -------------------------------------------------------------------------


def test_command_dry_run_writes_nothing(tmp_path, capsys):
    path = write_csv(tmp_path, [member_row(), member_row(Email="bad", Prénom="Bad")])
    call_command("import_members", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "2 rows: 1 to create, 0 to update, 0 unchanged, 1 to skip." in out
    assert "line 3 (bad): skip — invalid email “bad”" in out
    assert "Dry run" in out
    assert not Person.objects.exists()


def test_command_applies(tmp_path, capsys):
    path = write_csv(tmp_path, [member_row(), member_row(Email="eve@alpha.example")])
    call_command("import_members", str(path))
    assert "Imported: 2 created, 0 updated, 0 unchanged, 0 skipped." in capsys.readouterr().out
    assert Person.objects.count() == 2


def test_command_fails_clearly_on_an_unusable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_members", str(tmp_path / "missing.csv"))
    header = [column for column in HEADER if column != "Prénom"]
    path = write_csv(tmp_path, [["x"] * len(header)], header=header)
    with pytest.raises(CommandError, match="Prénom"):
        call_command("import_members", str(path))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_members", str(empty))


def test_a_dangerous_link_is_dropped_and_the_person_imported(tmp_path):
    path = write_csv(tmp_path, [member_row(Linkedin="javascript:alert(document.cookie)")])
    row = preview_of(path).rows[0]
    assert row.action == RowAction.CREATE
    assert "LinkedIn link “javascript:alert(document.cookie)” is not a web address — dropped" in (
        row.warnings
    )
    result = import_of(path)
    assert (result.created, result.skipped) == (1, 0)
    assert Person.objects.get().linkedin_url == ""


def test_domain_is_the_organisations_sector_not_a_skill(tmp_path):
    def row(**cells: str) -> list[str]:
        return member_row(Tags="", **cells)

    path = write_csv(
        tmp_path,
        [
            row(Domain="Finance", Organisation="Banque Alpha"),
            row(Email="b@alpha.example", Domain="Research", Organisation="Banque Alpha"),
            row(Email="c@alpha.example", Domain="Recherche", Organisation="Labo Beta"),
            row(Email="d@alpha.example", Domain="Aéronautique spatiale", Organisation="X"),
            row(Email="e@alpha.example", Domain="Telecom", Organisation=""),
        ],
    )
    rows = preview_of(path).rows
    assert all(row.action == RowAction.CREATE for row in rows)
    assert rows[0].notes[-1] == "sector of “Banque Alpha”: Finance"
    assert rows[1].warnings == ["“Banque Alpha” keeps its sector Finance, not “Research”"]
    assert rows[3].warnings == [
        "Unknown sector “Aéronautique spatiale” — ignored (staff can add it to the sectors)"
    ]
    assert rows[4].warnings == [
        "Sector “Telecom” is an organisation's; this row has none — ignored"
    ]
    assert not any("tag" in w for row in rows for w in row.warnings)
    import_of(path)
    assert Organisation.objects.get(name="Banque Alpha").sector.slug == "finance"
    assert Organisation.objects.get(name="Labo Beta").sector.slug == "research"
    assert not Skill.objects.exists()
    # An organisation without a sector gets one from a later file; one with a sector keeps it.
    Organisation.objects.filter(name="Labo Beta").update(sector=None)
    again = write_csv(
        tmp_path,
        [
            row(Email="c@alpha.example", Domain="Santé", Organisation="Labo Beta"),
            row(Email="a2@alpha.example", Domain="Food", Organisation="Banque Alpha"),
        ],
        name="again.csv",
    )
    preview = preview_of(again)
    assert preview.rows[0].action == RowAction.UPDATE
    import_of(again)
    assert Organisation.objects.get(name="Labo Beta").sector.slug == "health"
    assert Organisation.objects.get(name="Banque Alpha").sector.slug == "finance"
