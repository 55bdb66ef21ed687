import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.learning import services
from compagnon.learning.models import Caption, LessonKind, LessonProgress

from .factories import FAKE_MP4, VTT_FR, LessonFactory, ModuleFactory, ProgrammeFactory


def _catalogue_of(n):
    programmes = [ProgrammeFactory() for _ in range(n)]
    for programme in programmes:
        module = ModuleFactory(programme=programme)
        LessonFactory(module=module, audiences=["hr", "all"], title_en="Data for HR")
        LessonFactory(module=module, audiences=["data_scientists"], level=3, duration_minutes=45)
    return programmes


@pytest.mark.parametrize("count", [1, 3])
def test_catalogue_queries_do_not_grow(client, db, django_assert_num_queries, count):
    _catalogue_of(count)
    client.get(reverse("learning:catalogue"))
    with django_assert_num_queries(2):
        response = client.get(reverse("learning:catalogue"), {"audience": "hr"})
    assert response.content.decode().count('data-testid="catalogue-lesson"') == count


def test_catalogue_filters(client, db):
    _catalogue_of(1)
    url = reverse("learning:catalogue")
    page = client.get(url, {"audience": "hr"}).content.decode()
    assert "Data for HR" in page
    page = client.get(url, {"level": 3, "duration": "long"}).content.decode()
    assert page.count('data-testid="catalogue-lesson"') == 1
    assert "Data for HR" not in page
    page = client.get(url, {"audience": "dpo"}).content.decode()
    assert "No lesson matches these filters" in page


def test_catalogue_searches_transcripts(client, video_lesson):
    page = client.get(reverse("learning:catalogue"), {"q": "biais"}).content.decode()
    assert video_lesson.title in page


def test_empty_catalogue_says_what_to_do(client, db):
    assert (
        "No programme is published yet"
        in client.get(reverse("learning:catalogue")).content.decode()
    )


@pytest.mark.parametrize("count", [1, 3])
def test_programme_page_queries_do_not_grow(client_of, member_a, django_assert_num_queries, count):
    programme = ProgrammeFactory()
    for _ in range(count):
        LessonFactory(module=ModuleFactory(programme=programme))
    client = client_of(member_a)
    url = programme.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(9):
        client.get(url)


def test_lesson_page_shows_player_captions_chapters_and_transcript(
    client_of, member_a, video_lesson
):
    video_lesson.chapters = [{"start": 0, "title": "Intro"}, {"start": 10, "title": "Bias"}]
    video_lesson.save()
    client = client_of(member_a)
    page = client.get(video_lesson.get_absolute_url()).content.decode()
    assert reverse("learning:lesson_video", args=[video_lesson.pk]) in page
    assert 'srclang="fr"' in page and 'srclang="en"' in page
    assert "0:10 · Bias" in page
    assert "Bias often comes from the data." in page
    page = client.get(video_lesson.get_absolute_url(), {"q": "model"}).content.decode()
    assert "A model learns" in page and "Bias often" not in page


def test_the_video_answers_ranges(client_of, member_a, video_lesson):
    client = client_of(member_a)
    url = reverse("learning:lesson_video", args=[video_lesson.pk])
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == FAKE_MP4
    part = client.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == b"ftypmp42"
    assert part["Content-Range"] == f"bytes 4-11/{len(FAKE_MP4)}"
    assert part["Content-Type"] == "video/mp4"
    bad = client.get(url, HTTP_RANGE=f"bytes={len(FAKE_MP4)}-")
    assert bad.status_code == 416
    assert bad["Content-Range"] == f"bytes */{len(FAKE_MP4)}"
    assert client.get(url, HTTP_RANGE="bytes=9-3").status_code == 416


def test_captions_are_served_as_vtt(client_of, member_a, video_lesson):
    response = client_of(member_a).get(
        reverse("learning:lesson_captions", args=[video_lesson.pk, "fr"])
    )
    assert response["Content-Type"].startswith("text/vtt")
    assert response.content.decode().startswith("WEBVTT")


def test_heartbeat_view_and_resume(client_of, member_a, video_lesson):
    client = client_of(member_a)
    client.get(video_lesson.get_absolute_url())
    url = reverse("learning:lesson_heartbeat", args=[video_lesson.pk])
    response = client.post(url, {"position": "4"})
    assert response.status_code == 200
    assert response.json()["position"] == 4
    assert client.post(url, {"position": "soon"}).status_code == 400
    page = client.get(video_lesson.get_absolute_url()).content.decode()
    assert 'data-resume-at="4"' in page


def test_quiz_view_shows_feedback(client_of, member_a):
    from .factories import QuizQuestionFactory

    question = QuizQuestionFactory()
    client = client_of(member_a)
    url = reverse("learning:quiz_submit", args=[question.lesson_id])
    response = client.post(url, {f"q{question.pk}": "1"})
    assert "Think again." in response.content.decode()
    response = client.post(url, {f"q{question.pk}": "0"})
    assert "Passed" in response.content.decode()
    response = client.post(url, {}, follow=True)
    assert "Answer every question" in response.content.decode()


def test_exercise_view(client_of, member_a):
    lesson = LessonFactory(kind=LessonKind.EXERCISE, dataset_csv="x\n2\n4\n", expected_answer=3)
    client = client_of(member_a)
    url = reverse("learning:exercise_submit", args=[lesson.pk])
    assert "Enter a number" in client.post(url, {"answer": "three"}, follow=True).content.decode()
    assert "Not quite" in client.post(url, {"answer": "4"}, follow=True).content.decode()
    assert "Right answer" in client.post(url, {"answer": "3"}, follow=True).content.decode()
    dataset = client.get(reverse("learning:lesson_dataset", args=[lesson.pk]))
    assert dataset.content == b"x\n2\n4\n"


def test_markdown_is_sanitised(client_of, member_a):
    lesson = LessonFactory(body_en="<script>alert(1)</script> [x](javascript:alert(1))", body_fr="")
    page = (
        client_of(member_a)
        .get(lesson.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page


def test_certificate_pdf_and_verification(client_of, member_a, member_b):
    lesson = LessonFactory()
    client = client_of(member_a)
    client.post(reverse("learning:lesson_mark_read", args=[lesson.pk]))
    certificate = member_a.user.learning_certificates.get()
    pdf = client.get(reverse("learning:certificate_download", args=[certificate.code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    client.logout()
    page = client.get(certificate.get_verify_url()).content.decode()
    assert "This certificate is genuine" in page
    assert member_a.full_name in page
    assert member_a.email not in page
    unknown = client.get(reverse("learning:certificate_verify", args=["f" * 32]))
    assert unknown.status_code == 404
    assert "No certificate has this number" in unknown.content.decode()
    other = client_of(member_b).get(
        reverse("learning:certificate_download", args=[certificate.code])
    )
    assert other.status_code == 404


def test_badges_show_on_the_profile(client_of, member_a, member_b):
    lesson = LessonFactory(module__title_en="Data basics", module__title_fr="Les bases")
    services.lesson_mark_read(user=member_a.user, lesson=lesson)
    page = client_of(member_b).get(member_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-testid="profile-badges"' in text
    assert "Les bases" in text or "Data basics" in text


def test_consent_and_proposals_from_my_learning(client_of, member_a):
    from compagnon.members.models import Skill
    from compagnon.members.tests.factories import TagFactory

    tag = TagFactory(slug="dataviz", label_en="Dataviz", label_fr="Dataviz")
    lesson = LessonFactory()
    lesson.module.tags.add(tag)
    client = client_of(member_a)
    client.post(reverse("learning:consent_set"), {"propose_skills": "yes"})
    client.post(reverse("learning:lesson_mark_read", args=[lesson.pk]))
    page = client.get(reverse("learning:my_learning")).content.decode()
    assert 'data-testid="proposals"' in page
    proposal = member_a.user.skill_proposals.get()
    client.post(reverse("learning:proposal_answer", args=[proposal.pk]), {"answer": "accept"})
    assert Skill.objects.filter(person=member_a, tag=tag).exists()


def test_media_page_refuses_bad_captions_and_keeps_nothing(client, staff_user, module):
    lesson = LessonFactory(module=module, kind=LessonKind.VIDEO)
    client.force_login(staff_user)
    url = reverse("learning:lesson_media", args=[lesson.pk])
    response = client.post(
        url,
        {
            "video": SimpleUploadedFile("v.mp4", FAKE_MP4),
            "captions_fr": SimpleUploadedFile("fr.vtt", VTT_FR.encode()),
            "captions_en": SimpleUploadedFile(
                "en.vtt", b"WEBVTT\n\n00:05.000 --> 00:01.000\nOops\n"
            ),
        },
    )
    assert response.status_code == 200
    assert "Line 3: the cue ends before it starts." in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.video
    assert not Caption.objects.filter(lesson=lesson).exists()


def test_media_page_refuses_a_non_video(client, staff_user, module):
    lesson = LessonFactory(module=module, kind=LessonKind.VIDEO)
    client.force_login(staff_user)
    response = client.post(
        reverse("learning:lesson_media", args=[lesson.pk]),
        {"video": SimpleUploadedFile("v.mp4", b"not a video at all")},
    )
    assert "Upload an MP4 or WebM video." in response.content.decode()


def test_progress_rows_only_for_members(client, db, video_lesson):
    client.get(video_lesson.get_absolute_url())
    assert not LessonProgress.objects.exists()
