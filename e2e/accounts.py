"""Accounts and signed-in browser contexts shared by the journeys."""

from allauth.account.models import EmailAddress

from compagnon.members.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def account(person):
    """Give a person a verified account that signs in with PASSWORD."""
    user = UserFactory(email=person.email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    person.user = user
    person.save(update_fields=["user"])
    return person


def sign_in(browser, live_server, email, *, locale="fr-FR"):
    """A new browser context signed in as `email`; returns (context, page)."""
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page
