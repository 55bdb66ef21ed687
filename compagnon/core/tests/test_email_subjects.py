"""A subject with a line break (a case title typed with CR/LF) must still leave, on one line."""

import pytest

from compagnon.core.email import email_queue
from compagnon.core.tasks import send_outbound_email


@pytest.mark.django_db
@pytest.mark.parametrize(
    "subject", ["Forecasts\r\nBcc: x@evil.example", "A\nB", "A\rB", "A\u2028B"]
)
def test_a_subject_with_line_breaks_is_sent_on_one_line(smtp_server, subject):
    email = email_queue(to=["ada@alpha.example"], subject=subject, text="Hello")

    assert send_outbound_email.call(email.pk) is True

    [received] = smtp_server.received
    assert "\n" not in received.subject and "\r" not in received.subject
    assert received.rcpt_tos == ["ada@alpha.example"]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert "\n" not in email.subject


@pytest.mark.django_db
def test_an_email_queued_before_the_fix_with_a_line_break_still_leaves(smtp_server):
    """Rows written before subjects were cleaned on the way in are cleaned on the way out."""
    email = email_queue(to=["ada@alpha.example"], subject="Old", text="Hello")
    type(email).objects.filter(pk=email.pk).update(subject="Old\r\nBcc: x@evil.example")

    assert send_outbound_email.call(email.pk) is True

    [received] = smtp_server.received
    assert received.subject == "Old Bcc: x@evil.example"
    assert received.rcpt_tos == ["ada@alpha.example"]
