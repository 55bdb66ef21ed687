import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.escape import services
from compagnon.escape.models import Attempt, SessionStatus, Team, TeamMember
from compagnon.escape.selectors import puzzles_in_order
from compagnon.members.tests.factories import PersonFactory

from .factories import HINT, SECRET, game

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(staff_user, member_a):
    session = game(staff_user, puzzles=3)
    services.session_start(session=session, actor=staff_user)
    team = session.teams.get()
    services.team_join(session=session, team=team, user=member_a.user, role="analyst")
    return session, team


def _page(client, team) -> str:
    response = client.get(reverse("escape:team", kwargs={"pk": team.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_no_answer_nor_unused_hint_reaches_the_browser(client_of, member_a, running):
    session, team = running
    client = client_of(member_a)
    page = _page(client, team)
    status = client.get(reverse("escape:team_status", kwargs={"pk": team.pk})).content.decode()
    for text in (page, status):
        for n in (1, 2, 3):
            assert SECRET.format(n) not in text
            assert HINT.format(n, 1) not in text
            assert f"Answer {n}" not in text
    # One hint taken: that one shows, the next one stays on the server.
    first = puzzles_in_order(session.version_id)[0]
    client.post(reverse("escape:hint", kwargs={"pk": team.pk}), {"puzzle": first.pk})
    page = _page(client, team)
    assert HINT.format(1, 1) in page
    assert HINT.format(1, 2) not in page
    assert SECRET.format(1) not in page


def test_answering_through_the_page(client_of, member_a, running):
    session, team = running
    client = client_of(member_a)
    first = puzzles_in_order(session.version_id)[0]
    url = reverse("escape:answer", kwargs={"pk": team.pk})
    response = client.post(url, {"puzzle": first.pk, "answer": "wrong"}, follow=True)
    assert "That is not it" in response.content.decode()
    response = client.post(url, {"puzzle": first.pk, "answer": SECRET.format(1)}, follow=True)
    page = response.content.decode()
    assert "Correct!" in page
    assert "Puzzle 2" in page and "Answer 1" in page  # the solved door shows its answer


def test_an_empty_answer_is_refused_with_a_message_and_nothing_recorded(
    client_of, member_a, running
):
    session, team = running
    first = puzzles_in_order(session.version_id)[0]
    response = client_of(member_a).post(
        reverse("escape:answer", kwargs={"pk": team.pk}),
        {"puzzle": first.pk, "answer": ""},
        follow=True,
    )
    assert "Type an answer" in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_puzzle_of_another_scenario_is_404(client_of, member_a, running, staff_user):
    _session, team = running
    other = game(staff_user, slug="other-game")
    foreign = puzzles_in_order(other.version_id)[0]
    response = client_of(member_a).post(
        reverse("escape:answer", kwargs={"pk": team.pk}), {"puzzle": foreign.pk, "answer": "x"}
    )
    assert response.status_code == 404


def test_status_poll_refreshes_the_page_when_the_team_moved_on(client_of, member_a, running):
    session, team = running
    client = client_of(member_a)
    first = puzzles_in_order(session.version_id)[0]
    url = reverse("escape:team_status", kwargs={"pk": team.pk})
    key = f"{first.pk}-running"
    response = client.get(url, {"at": key}, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in response.headers
    assert "Team time" in response.content.decode()
    services.puzzle_answer(team=team, puzzle=first, user=member_a.user, given=SECRET.format(1))
    response = client.get(url, {"at": key}, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Refresh"] == "true"


def test_join_by_link_with_a_role(client, client_of, staff_user, member_b):
    session = game(staff_user, teams=2)
    client = client_of(member_b)
    url = reverse("escape:join", kwargs={"code": session.code})
    assert client.get(url).status_code == 200
    team = session.teams.order_by("name").last()
    response = client.post(url, {"team": team.pk, "role": "ethics"})
    assert response.status_code == 302
    assert TeamMember.objects.get(user=member_b.user).role == "ethics"
    assert client.get(url)["Location"] == reverse("escape:team", kwargs={"pk": team.pk})


def test_a_team_that_has_escaped_takes_no_one_by_the_link(client_of, member_a, member_b, running):
    session, team = running
    for index, puzzle in enumerate(puzzles_in_order(session.version_id), 1):
        services.puzzle_answer(
            team=team, puzzle=puzzle, user=member_a.user, given=SECRET.format(index)
        )
    team.refresh_from_db()
    assert team.finished_at is not None
    url = reverse("escape:join", kwargs={"code": session.code})
    response = client_of(member_b).post(url, {"team": team.pk, "role": "ethics"})
    assert response.status_code == 200
    assert "This team has already escaped: choose a team still playing." in (
        response.content.decode()
    )
    assert not TeamMember.objects.filter(user=member_b.user).exists()


def test_the_join_form_lists_only_the_teams_still_playing(client_of, staff_user, member_b):
    session = game(staff_user, teams=2)
    escaped, playing = session.teams.order_by("name")
    Team.objects.filter(pk=escaped.pk).update(finished_at=timezone.now())
    url = reverse("escape:join", kwargs={"code": session.code})
    page = client_of(member_b).get(url).content.decode()
    assert f'value="{playing.pk}"' in page
    assert f'value="{escaped.pk}"' not in page
    # A team that escaped after the form was shown: refused by name, nothing written.
    response = client_of(member_b).post(url, {"team": escaped.pk, "role": "ethics"})
    assert response.status_code == 200
    assert "This team has already escaped: choose a team still playing." in (
        response.content.decode()
    )
    assert not TeamMember.objects.filter(user=member_b.user).exists()


def test_console_runs_the_session(client_of, staff_user, running):
    session, team = running
    client = client_of(staff_user)
    url = reverse("escape:session_action", kwargs={"pk": session.pk})
    client.post(url, {"action": "pause"})
    session.refresh_from_db()
    assert session.status == SessionStatus.PAUSED
    response = client.post(url, {"action": "pause"}, follow=True)
    assert "Only a running session can be paused" in response.content.decode()
    client.post(url, {"action": "resume"})
    client.post(
        reverse("escape:broadcast", kwargs={"pk": session.pk}), {"text": "Read the caption"}
    )
    client.post(reverse("escape:unlock", kwargs={"pk": team.pk}))
    team.refresh_from_db()
    assert team.solved_count == 1
    page = client.get(reverse("escape:console", kwargs={"pk": session.pk})).content.decode()
    assert session.code in page
    assert "Read the caption" in page


def test_debrief_opens_when_the_team_escaped(client_of, member_a, running):
    session, team = running
    client = client_of(member_a)
    url = reverse("escape:debrief", kwargs={"pk": team.pk})
    page = client.get(url).content.decode()
    assert "opens when your team has escaped" in page
    assert "Answer 1" not in page
    for n, puzzle in enumerate(puzzles_in_order(session.version_id), 1):
        services.puzzle_answer(team=team, puzzle=puzzle, user=member_a.user, given=SECRET.format(n))
    page = client.get(url).content.decode()
    assert "Answer 3" in page and "What it teaches" in page


@pytest.mark.parametrize("count", [1, 3])
def test_console_queries_do_not_grow_with_teams(
    client_of, staff_user, count, django_assert_num_queries
):
    session = game(staff_user, teams=count)
    for team in session.teams.all():
        for i in range(2):
            person = PersonFactory(with_account=True)
            services.team_join(session=session, team=team, user=person.user, role="lead")
            del i
    client = client_of(staff_user)
    url = reverse("escape:console_status", kwargs={"pk": session.pk})
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_index_queries_do_not_grow_with_teams(
    client_of, staff_user, member_a, count, django_assert_num_queries
):
    for n in range(count):
        session = game(staff_user, slug=f"g{n}")
        services.team_join(
            session=session, team=session.teams.get(), user=member_a.user, role="lead"
        )
    client = client_of(member_a)
    with django_assert_num_queries(4):
        assert client.get(reverse("escape:index")).status_code == 200
