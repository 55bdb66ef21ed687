"""Learning journey: an employee watches a video lesson with the French captions on, passes
the quiz, and gets the programme's certificate (PDF and public verification page).

No video file can be shipped or encoded offline here, so the test has Chromium record
three seconds of a canvas into a WebM file (MediaRecorder), which staff then upload."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from compagnon.learning.models import Certificate, LessonKind
from compagnon.learning.services import lesson_captions_set, lesson_video_set
from compagnon.learning.tests.factories import (
    LessonFactory,
    ModuleFactory,
    ProgrammeFactory,
    QuizQuestionFactory,
)
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from e2e.accounts import account, sign_in

RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  const ctx = canvas.getContext("2d");
  let frame = 0;
  const paint = () => { ctx.fillStyle = frame++ % 2 ? "#17603a" : "#e69f00"; ctx.fillRect(0, 0, 160, 90); };
  paint();
  const timer = setInterval(paint, 100);
  const recorder = new MediaRecorder(canvas.captureStream(10), {mimeType: "video/webm;codecs=vp8"});
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 3600));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""

VTT_FR = (
    "WEBVTT\n\n00:00.000 --> 00:01.500\nUn modèle apprend de ses données.\n\n"
    "00:01.500 --> 00:03.000\nIl reproduit aussi leurs biais.\n"
)
VTT_EN = (
    "WEBVTT\n\n00:00.000 --> 00:01.500\nA model learns from its data.\n\n"
    "00:01.500 --> 00:03.000\nIt reproduces their biases too.\n"
)


@pytest.fixture
def programme(transactional_db, browser):
    person = account(
        PersonFactory(
            organisation=OrganisationFactory(), email="eve@alpha.example", first_name="Ève"
        )
    )
    programme = ProgrammeFactory(title_fr="Les biais en dix minutes", title_en="Bias in ten")
    module = ModuleFactory(programme=programme)
    video = LessonFactory(module=module, position=1, kind=LessonKind.VIDEO, video_seconds=3)
    quiz = LessonFactory(module=module, position=2, kind=LessonKind.QUIZ, pass_mark=100)
    QuizQuestionFactory(lesson=quiz)
    recorder = browser.new_page()
    webm = base64.b64decode(recorder.evaluate(RECORD_WEBM))
    recorder.close()
    lesson_video_set(
        lesson=video,
        upload=SimpleUploadedFile("talk.webm", webm, content_type="video/webm"),
        seconds=3,
        actor=None,
    )
    lesson_captions_set(lesson=video, language="fr", data=VTT_FR.encode(), actor=None)
    lesson_captions_set(lesson=video, language="en", data=VTT_EN.encode(), actor=None)
    return {"person": person, "video": video, "quiz": quiz, "programme": programme}


def test_watch_with_captions_pass_the_quiz_get_the_certificate(browser, live_server, programme):
    _context, page = sign_in(browser, live_server, "eve@alpha.example")
    page.goto(programme["video"].get_absolute_url())
    video = page.get_by_test_id("lesson-video")
    expect(video).to_be_visible()
    # Captions on, in French: the browser loads and parses the WebVTT track.
    page.wait_for_function(
        """() => {
          const video = document.querySelector("video");
          const track = [...video.textTracks].find((t) => t.language === "fr");
          if (!track) return false;
          track.mode = "showing";
          return track.cues && track.cues.length === 2;
        }"""
    )
    assert (
        page.evaluate(
            "() => [...document.querySelector('video').textTracks].find(t => t.language === 'fr').mode"
        )
        == "showing"
    )
    # Watch it to the end: the player's heartbeat on "ended" completes the lesson.
    page.wait_for_timeout(1200)  # the server credits watching time only as time passes
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.querySelector('video').ended", timeout=15_000)
    done = video.get_attribute("data-done-label")
    expect(page.locator("#watched-share")).to_have_text(done, timeout=10_000)

    # The quiz, passed.
    page.goto(programme["quiz"].get_absolute_url())
    page.get_by_test_id("quiz-form").locator("input[type=radio][value='0']").check()
    page.get_by_test_id("quiz-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("quiz-outcome")).to_be_visible()

    # The certificate: listed, a real PDF, and a public verification page.
    certificate = Certificate.objects.get(user=programme["person"].user)
    page.goto("/learning/mine/")
    certificates = page.get_by_test_id("certificates")
    expect(certificates).to_contain_text("Les biais en dix minutes")
    pdf_href = certificates.locator("a[href$='.pdf']").get_attribute("href")
    response = page.request.get(pdf_href)
    assert response.ok and response.body().startswith(b"%PDF")
    certificates.locator(f"a[href*='{certificate.code}']").last.click()
    expect(page.locator("main")).to_contain_text("Ève")
