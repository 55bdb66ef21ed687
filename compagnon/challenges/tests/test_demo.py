from io import StringIO

from django.core.management import call_command

from compagnon.challenges.demo import demo_challenges_load
from compagnon.challenges.models import Challenge, Submission
from compagnon.challenges.selectors import leaderboard_private, leaderboard_public


def test_demo_challenges_have_leaderboards_and_load_once(db):
    call_command("load_demo", stdout=StringIO())
    demo_challenges_load()
    assert Challenge.objects.filter(is_demo=True).count() == 3
    past = Challenge.objects.get(slug="score-credit")
    board = leaderboard_public(past)
    assert any(entry.is_baseline for entry in board)
    assert len([entry for entry in board if not entry.is_baseline]) >= 3
    assert leaderboard_private(past)
    assert past.data_files.count() == 2
    fair = Challenge.objects.get(slug="defi-equite-credit")
    board = [entry for entry in leaderboard_private(fair) if not entry.is_baseline]
    assert len(board) == 5 and len(board[0].metrics) == 5
    assert 2 <= sum(entry.on_front for entry in board) < 5
    assert board[0].meets_constraint  # ranked first under the parity constraint
    assert all("genre" not in data_file.file.read().decode() for data_file in fair.data_files.all())
    submissions = Submission.objects.count()
    assert not Submission.objects.exclude(status="scored").exists()

    assert demo_challenges_load() == 0
    assert Submission.objects.count() == submissions
