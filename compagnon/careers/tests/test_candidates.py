"""Candidate profiles: the profile, the CV, publications, candidates from outside the club."""

import json
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.accounts.models import Invitation
from compagnon.careers import services
from compagnon.careers.models import CandidateApplication, CandidateProfile, Publication
from compagnon.careers.publications import PublicationsError, bibtex_parse, orcid_parse
from compagnon.careers.tests.factories import PDF, CandidateFactory
from compagnon.core.models import OutboundEmail
from compagnon.desk.models import MembershipRequest, RequestKind, RequestStatus
from compagnon.members.models import MembershipType, RoleFamily
from compagnon.members.tests.factories import BaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

BIBTEX = r"""
@comment{exported from Zotero}
@string{jmlr = "Journal of Machine Learning Research"}
@article{dupont2024,
  title = {Causal {I}nference for Demand Forecasting at {\'E}chelle},
  author = {Dupont, Jean and Mart\'{\i}n, Ana},
  journal = {Journal of Machine Learning Research},
  year = 2024,
  doi = {10.5555/jmlr.2024.1}
}
@inproceedings(dupont2023,
  title = "Graph neural networks for {energy} grids",
  booktitle = {NeurIPS},
  year = {2023},
  url = {https://example.org/paper.pdf}
)
@misc{notitle, author = {Nobody}}
"""

ORCID = {
    "orcid-identifier": {"path": "0000-0002-1825-0097"},
    "activities-summary": {
        "works": {
            "group": [
                {
                    "work-summary": [
                        {
                            "title": {"title": {"value": "Causal forests in retail"}},
                            "journal-title": {"value": "Annals of Applied Statistics"},
                            "publication-date": {"year": {"value": "2025"}},
                            "external-ids": {
                                "external-id": [
                                    {"external-id-type": "doi", "external-id-value": "10.1/aoas"}
                                ]
                            },
                        }
                    ]
                },
                {"work-summary": [{"title": None}]},
            ]
        }
    },
}


def test_bibtex_reads_entries_accents_and_both_delimiters():
    found = bibtex_parse(BIBTEX)
    assert [p.title for p in found] == [
        "Causal Inference for Demand Forecasting at Échelle",
        "Graph neural networks for energy grids",
    ]
    first, second = found
    assert first.authors == "Dupont, Jean and Martín, Ana"
    assert first.venue == "Journal of Machine Learning Research"
    assert (first.year, first.doi) == (2024, "10.5555/jmlr.2024.1")
    assert (second.venue, second.year, second.url) == (
        "NeurIPS",
        2023,
        "https://example.org/paper.pdf",
    )


def test_bibtex_with_an_unclosed_entry_is_refused():
    with pytest.raises(PublicationsError):
        bibtex_parse("@article{x, title = {Open")


def test_orcid_record_gives_its_id_and_works():
    orcid, works = orcid_parse(json.dumps(ORCID))
    assert orcid == "0000-0002-1825-0097"
    assert [(w.title, w.venue, w.year, w.doi) for w in works] == [
        ("Causal forests in retail", "Annals of Applied Statistics", 2025, "10.1/aoas")
    ]


def _candidate():
    return CandidateFactory(
        person=PersonFactory(
            organisation=None, membership_type=MembershipType.RESEARCHER, with_account=True
        )
    )


def test_publications_import_adds_once_and_fills_the_orcid():
    profile = _candidate()
    user = profile.person.user
    services.publications_import(profile=profile, actor=user, name="me.bib", data=BIBTEX.encode())
    services.publications_import(profile=profile, actor=user, name="me.bib", data=BIBTEX.encode())
    services.publications_import(
        profile=profile, actor=user, name="orcid.json", data=json.dumps(ORCID).encode()
    )
    assert Publication.objects.filter(profile=profile).count() == 3
    profile.refresh_from_db()
    assert profile.orcid == "0000-0002-1825-0097"


def test_a_broken_publications_file_says_why_and_adds_nothing():
    profile = _candidate()
    with pytest.raises(ValidationError) as error:
        services.publications_import(
            profile=profile,
            actor=profile.person.user,
            name="me.json",
            data=b'{"orcid-identifier": ',
        )
    assert "cannot be read" in str(error.value)
    assert not Publication.objects.exists()


def test_profile_save_refuses_a_bad_orcid_and_writes_nothing():
    person = PersonFactory(organisation=None, with_account=True)
    with pytest.raises(ValidationError) as error:
        services.candidate_profile_save(
            person=person, actor=person.user, thesis_title="Graphs", orcid="1234"
        )
    assert "orcid" in error.value.message_dict
    assert not CandidateProfile.objects.exists()
    paris = BaseFactory(name="Paris")
    profile = services.candidate_profile_save(
        person=person,
        actor=person.user,
        bases=[paris],
        thesis_title="Graphs",
        orcid="0000-0002-1825-0097",
        contracts=["permanent", "postdoc"],
        languages=["fr"],
    )
    assert list(profile.bases.all()) == [paris]


def test_cv_must_be_a_real_pdf_under_the_limit(settings, tmp_path):
    profile = _candidate()
    user = profile.person.user
    with pytest.raises(ValidationError, match="must be a PDF"):
        services.candidate_cv_upload(
            profile=profile, actor=user, name="cv.pdf", data=b"MZ\x90\x00 not a pdf"
        )
    with pytest.raises(ValidationError, match="must be a PDF"):
        services.candidate_cv_upload(profile=profile, actor=user, name="cv.exe", data=PDF)
    too_big = PDF[:-7] + b"0" * services.CV_MAX_BYTES + b"\n%%EOF\n"
    with pytest.raises(ValidationError, match="larger than"):
        services.candidate_cv_upload(profile=profile, actor=user, name="cv.pdf", data=too_big)
    profile.refresh_from_db()
    assert not profile.cv
    services.candidate_cv_upload(profile=profile, actor=user, name="Thèse CV.pdf", data=PDF)
    profile.refresh_from_db()
    assert profile.cv and profile.cv.name.endswith(".pdf") and "Th" not in profile.cv.name
    assert profile.cv_name == "Thèse CV.pdf"


def test_the_cv_page_refuses_a_fake_pdf_with_a_message(client):
    profile = _candidate()
    client.force_login(profile.person.user)
    response = client.post(
        "/careers/profile/cv/",
        {"file": SimpleUploadedFile("cv.pdf", b"<html>", content_type="application/pdf")},
        follow=True,
    )
    assert "The CV must be a PDF file." in response.content.decode()
    profile.refresh_from_db()
    assert not profile.cv


def test_the_cv_page_refuses_a_pdf_that_runs_scripts(client):
    profile = _candidate()
    client.force_login(profile.person.user)
    scripted = b"%PDF-1.7\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"
    response = client.post(
        "/careers/profile/cv/",
        {"file": SimpleUploadedFile("cv.pdf", scripted, content_type="application/pdf")},
        follow=True,
    )
    assert "This PDF is password-protected or carries scripts or actions" in (
        response.content.decode()
    )
    profile.refresh_from_db()
    assert not profile.cv


@pytest.mark.parametrize(
    ("hidden", "message"),
    [
        (
            b"7 0 <</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>",
            "This PDF is password-protected or carries scripts or actions",
        ),
        (
            b"\0" * (21 * 1024 * 1024),
            "This PDF holds more compressed content than we can check (over 20 MB once "
            "uncompressed)",
        ),
    ],
    ids=["action-in-object-stream", "inflates-too-much"],
)
def test_a_cv_hiding_an_action_or_inflating_too_much_is_refused(hidden, message):
    profile = _candidate()
    packed = zlib.compress(hidden)
    data = (
        b"%PDF-1.7\n5 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>\nstream\n"
        + packed
        + b"\nendstream\nendobj\ntrailer<<>>\n%%EOF\n"
    )
    with pytest.raises(ValidationError) as caught:
        services.candidate_cv_upload(
            profile=profile, actor=profile.person.user, name="cv.pdf", data=data
        )
    assert message in caught.value.message_dict["cv"][0]
    profile.refresh_from_db()
    assert not profile.cv


def test_the_cv_is_never_served_to_a_visitor(client):
    profile = _candidate()
    services.candidate_cv_upload(
        profile=profile, actor=profile.person.user, name="cv.pdf", data=PDF
    )
    response = client.get(f"/careers/candidates/{profile.pk}/cv/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_phd_candidate_from_outside_applies_and_staff_accept(staff_user, committed):
    application = committed(
        services.candidate_apply,
        contact_name="Paula Doc",
        contact_email="Paula@Univ.example",
        needs="A first job in industry.",
        thesis_title="Graph learning for power grids",
        lab="LIRIS",
        supervisor="Prof. Curie",
        orcid="0000-0002-1825-0097",
    )
    request = application.request
    assert request.kind == RequestKind.PHD and request.status == RequestStatus.PENDING
    profile, invitation = committed(
        services.candidate_application_accept, application=application, actor=staff_user
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    person = profile.person
    assert person.membership_type == MembershipType.RESEARCHER
    assert person.role_family == RoleFamily.PHD_CANDIDATE
    assert profile.thesis_title == "Graph learning for power grids"
    assert profile.orcid == "0000-0002-1825-0097"
    assert isinstance(invitation, Invitation)
    assert any("paula@univ.example" in email.to for email in OutboundEmail.objects.all())


def test_an_outside_application_with_missing_thesis_writes_nothing():
    with pytest.raises(ValidationError) as error:
        services.candidate_apply(
            contact_name="Paula Doc",
            contact_email="paula@univ.example",
            needs="A job.",
            thesis_title="",
            lab="",
        )
    assert {"thesis_title", "lab"} <= set(error.value.message_dict)
    assert not MembershipRequest.objects.exists()
    assert not CandidateApplication.objects.exists()


def test_the_join_page_shows_the_message_and_keeps_the_input(client):
    response = client.post(
        "/careers/join/",
        {
            "contact_name": "Paula Doc",
            "contact_email": "paula@univ.example",
            "needs": "A job.",
            "thesis_title": "Graphs",
            "lab": "LIRIS",
            "orcid": "12",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "An ORCID iD reads" in page
    assert 'value="Graphs"' in page
    assert not MembershipRequest.objects.exists()


def test_accepted_on_the_desk_the_profile_form_starts_from_the_thesis(
    staff_user, client, committed
):
    from compagnon.desk.services import membership_request_accept

    application = committed(
        services.candidate_apply,
        contact_name="Paula Doc",
        contact_email="paula@univ.example",
        needs="A job.",
        thesis_title="Graph learning for power grids",
        lab="LIRIS",
    )
    request, _invitation = membership_request_accept(request=application.request, actor=staff_user)
    from compagnon.members.tests.factories import UserFactory

    person = request.person
    person.user = UserFactory(email=person.email)
    person.save(update_fields=["user"])
    client.force_login(person.user)
    page = client.get("/careers/profile/").content.decode()
    assert 'value="Graph learning for power grids"' in page
    assert 'value="LIRIS"' in page


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"activities-summary": None}),
        json.dumps({"activities-summary": "works"}),
        "[" * 100_000 + "]" * 100_000,
        "[" + "1" * 5000 + "]",
    ],
)
def test_a_malformed_orcid_record_is_refused_with_a_message(text):
    with pytest.raises(PublicationsError):
        orcid_parse(text)


def test_odd_values_in_an_orcid_work_are_left_out_not_a_crash():
    def work(**fields):
        return {"work-summary": [{"title": {"title": {"value": "A title"}}, **fields}]}

    record = {
        "activities-summary": {
            "works": {
                "group": [
                    work(**{"publication-date": {"year": {"value": "²"}}}),
                    work(**{"publication-date": {"year": {"value": "99999"}}}),
                    work(**{"external-ids": ["doi"]}),
                    work(**{"external-ids": {"external-id": 7}}),
                ]
            }
        }
    }
    _orcid, works = orcid_parse(json.dumps(record))
    assert [(w.year, w.doi) for w in works] == [(None, "")] * 4
