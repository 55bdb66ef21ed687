"""Escape-game journey: a facilitator opens a session of the Lumen scenario, three colleagues
join one team with three roles, play the nine puzzles to the end taking one hint, and read
the debrief. The facilitator starts the game and broadcasts a clue; the teammates' pages
follow each other through the status poll."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from compagnon.escape.demo import scenario_lumen_create
from compagnon.escape.models import HintUse, Team
from compagnon.escape.tests.test_demo import SOLUTIONS
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from e2e.accounts import PASSWORD, account, sign_in

PLAYERS = [
    ("lea@lumen.example", "Léa", "lead"),
    ("omar@lumen.example", "Omar", "analyst"),
    ("ines@lumen.example", "Inès", "ethics"),
]


@pytest.fixture
def lumen(transactional_db):
    version = scenario_lumen_create()
    organisation = OrganisationFactory(name="Lumen")
    for email, first_name, _role in PLAYERS:
        account(PersonFactory(organisation=organisation, email=email, first_name=first_name))
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    return version


def test_a_team_of_three_escapes_with_one_hint(browser, live_server, lumen):
    # The facilitator opens a session with one team and shares the join link.
    _context, facilitator = sign_in(browser, live_server, "animateur@club.example")
    facilitator.goto("/escape/sessions/new/")
    facilitator.locator("input[name=title]").fill("Soirée Lumen")
    facilitator.locator("textarea[name=teams]").fill("Équipe Lovelace")
    facilitator.locator("main form button[type=submit]").click()
    join_url = facilitator.get_by_test_id("join-url").inner_text()
    team = Team.objects.get(name="Équipe Lovelace")

    # Three colleagues join the team, each with a role; the game has not started yet.
    pages = []
    for email, _name, role in PLAYERS:
        _context, page = sign_in(browser, live_server, email)
        page.goto(join_url)
        page.locator("select[name=role]").select_option(role)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/escape/teams/{team.pk}/$"))
        pages.append(page)
    expect(pages[0].get_by_test_id("answer-form")).to_have_count(0)

    # The facilitator starts: the players' pages refresh themselves (status poll).
    facilitator.locator("button[value=start]").click()
    for page in pages:
        expect(page.get_by_test_id("puzzle-title")).to_be_visible(timeout=15_000)
    # No answer in the page before it is solved.
    assert "0,63" not in pages[0].content() and "0.63" not in pages[0].content()

    # A clue for every team reaches them on the next poll.
    facilitator.locator("input[name=text]").fill("Regardez les tranches d'âge.")
    facilitator.locator("main form[action$='/broadcast/'] button").click()
    expect(pages[1].get_by_test_id("clues")).to_contain_text("tranches d'âge", timeout=15_000)

    # Player 1 solves the first puzzle; player 2's page follows to the second by itself.
    first = pages[0]
    first.get_by_test_id("answer-form").locator("input[name=answer]").fill("0,7")
    first.get_by_test_id("answer-form").locator("button").click()
    expect(first.locator(".message-error")).to_be_visible()
    first.get_by_test_id("answer-form").locator("input[name=answer]").fill(SOLUTIONS[0][0])
    first.get_by_test_id("answer-form").locator("button").click()
    expect(first.locator(".message-success")).to_be_visible()
    expect(pages[1].get_by_test_id("puzzle-title")).to_contain_text("bons payeurs", timeout=15_000)

    # They take turns on the other eight; the ethics officer takes one hint on the third.
    for index in range(1, len(SOLUTIONS)):
        page = pages[index % 3]
        page.reload()
        if index == 2:
            page.get_by_test_id("take-hint").click()
            expect(page.get_by_test_id("hints")).to_contain_text("dernière colonne")
            expect(page.get_by_test_id("team-clock")).to_be_visible()
        form = page.get_by_test_id("answer-form")
        form.locator("input[name=answer]").fill(SOLUTIONS[index][0])
        form.locator("button").click()
        expect(page.locator(".message-success")).to_be_visible()

    last = pages[(len(SOLUTIONS) - 1) % 3]
    expect(last.get_by_test_id("escaped")).to_be_visible()
    team.refresh_from_db()
    assert team.solved_count == 9 and team.finished_at is not None
    assert team.penalty_seconds == 120
    assert HintUse.objects.filter(team=team).count() == 1

    # The debrief: what each puzzle taught.
    last.locator("a[href$='/debrief/']").first.click()
    expect(last.get_by_test_id("debrief").locator("li")).to_have_count(9)
    expect(last.get_by_test_id("debrief")).to_contain_text("first_account_years")

    # The console shows the team's result.
    facilitator.reload()
    expect(facilitator.get_by_test_id("console-teams")).to_contain_text("9 / 9")
