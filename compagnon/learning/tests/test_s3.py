"""Lesson videos on S3 (moto's server): a members-only redirect to a short presigned link."""

from __future__ import annotations

import urllib.request

import pytest
from django.urls import reverse

from .factories import FAKE_MP4

pytestmark = pytest.mark.django_db


def test_a_video_on_s3_plays_from_a_presigned_link_that_answers_ranges(
    s3, client, client_of, member_a, video_lesson
):
    assert f"private/{video_lesson.video.name}" in s3.objects()
    url = reverse("learning:lesson_video", args=[video_lesson.pk])
    assert client.get(url).status_code == 302
    assert "/accounts/" in client.get(url)["Location"]  # signed out: to the sign-in page
    response = client_of(member_a).get(url)
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{s3.endpoint}/{s3.bucket}/private/learning/videos/")
    request = urllib.request.Request(link, headers={"Range": "bytes=4-11"})
    with urllib.request.urlopen(request, timeout=5) as part:
        assert part.status == 206
        assert part.read() == b"ftypmp42"
        assert part.headers["Content-Type"] == "video/mp4"
        assert part.headers["Content-Disposition"].startswith("inline")
    status, _headers, body = s3.fetch(link)
    assert (status, body) == (200, FAKE_MP4)
    assert s3.fetch(link.split("?", 1)[0])[0] == 403


def test_a_video_link_lives_for_a_viewing_a_download_link_for_a_moment(
    s3, client_of, member_a, video_lesson, settings
):
    from urllib.parse import parse_qs, urlsplit

    from compagnon.core.storage import private_download

    link = client_of(member_a).get(reverse("learning:lesson_video", args=[video_lesson.pk]))
    played = parse_qs(urlsplit(link["Location"]).query)
    downloaded = parse_qs(
        urlsplit(private_download(video_lesson.video, filename="lesson.mp4")["Location"]).query
    )

    # Signature version 2 (moto's default) carries the end time, version 4 the lifetime.
    if "X-Amz-Expires" in played:
        assert played["X-Amz-Expires"] == [str(settings.S3_PRIVATE_MEDIA_URL_SECONDS)]
        assert int(downloaded["X-Amz-Expires"][0]) <= 60
    else:
        lifetime = int(played["Expires"][0]) - int(downloaded["Expires"][0])
        assert lifetime >= settings.S3_PRIVATE_MEDIA_URL_SECONDS - 60 - 5


def test_a_video_while_the_store_fails_is_a_clear_503_page_not_a_404(
    s3, s3_failing, client_of, member_a, video_lesson
):
    s3_failing("erring")
    response = client_of(member_a).get(reverse("learning:lesson_video", args=[video_lesson.pk]))
    assert response.status_code == 503
    assert "The file store is unreachable" in response.content.decode()
