"""Sign-in, rate limit, password reset and two-factor authentication, end to end."""

from html import unescape

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse

from compagnon.accounts.tests.helpers import PASSWORD, email_verified, link_in, totp_code
from compagnon.core.models import OutboundEmail

LOGIN = reverse("account_login")
ADA = "ada@alpha.example"


def signed_in_user(client):
    return client.get(reverse("site:home")).wsgi_request.user


def log_in(client, email=ADA, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


@pytest.fixture
def ada(member_a):
    email_verified(member_a.user)
    return member_a.user


def test_login_page_uses_the_site_layout(client, db):
    page = client.get(LOGIN)

    assert page.status_code == 200
    assert '<link rel="stylesheet"' in page.text
    assert 'class="site-header"' in page.text
    assert 'for="id_login"' in page.text
    assert 'for="id_password"' in page.text
    assert "style=" not in page.text
    assert "<script>" not in page.text


def test_login_with_email_and_password(client, ada):
    response = log_in(client, email="Ada@Alpha.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("site:home")
    assert signed_in_user(client) == ada


def test_wrong_password_is_refused(client, ada):
    response = log_in(client, password="not-the-password")

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert not signed_in_user(client).is_authenticated


def test_login_is_rate_limited_after_five_failures(client, ada):
    for _ in range(5):
        assert "Too many failed login attempts" not in log_in(client, password="wrong").text

    response = log_in(client, password="wrong")
    assert "Too many failed login attempts. Try again later." in response.text
    assert 'role="alert"' in response.text

    # Even the right password waits: the limit is on the address, not the guess.
    blocked = log_in(client)
    assert "Too many failed login attempts" in blocked.text
    assert not signed_in_user(client).is_authenticated


def test_password_reset_flow(client, ada):
    response = client.post(reverse("account_reset_password"), {"email": ADA})
    assert response.status_code == 302
    email = OutboundEmail.objects.get()
    assert email.to == [ADA]
    link = link_in(email.body_text, "/accounts/password/reset/key/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        form_url, {"password1": "new-club-passphrase-77", "password2": "new-club-passphrase-77"}
    )
    assert done.status_code == 302

    client.logout()
    assert "Too many" not in log_in(client, password=PASSWORD).text
    assert not signed_in_user(client).is_authenticated
    log_in(client, password="new-club-passphrase-77")
    assert signed_in_user(client) == ada


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@gmail.example"})

    assert response.status_code == 302
    assert "Sign-up is for members" not in unescape(response.content.decode())


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before security changes such as MFA."""
    return client.post(reverse("account_reauthenticate"), {"password": password})


def test_mfa_activation_then_login_requires_the_code(client, ada):
    log_in(client)
    activate_url = reverse("mfa_activate_totp")
    asked = client.get(activate_url)
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert reauthenticate(client).status_code == 302
    page = client.get(activate_url)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # the QR code, allowed by the CSP's img-src
    secret = client.session[SECRET_SESSION_KEY]

    wrong = client.post(
        activate_url, {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=ada).exists()

    activated = client.post(activate_url, {"code": totp_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=ada, type=Authenticator.Type.TOTP).exists()
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert "mfa/js/recovery_codes.js" in codes.text  # allauth's script kept, as a file

    client.logout()
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in_user(client).is_authenticated

    challenge = client.get(reverse("mfa_authenticate"))
    assert challenge.status_code == 200
    assert 'class="site-header"' in challenge.text

    refused = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert refused.status_code == 200
    assert not signed_in_user(client).is_authenticated

    accepted = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert accepted.status_code == 302
    assert signed_in_user(client) == ada


def test_account_pages_render_in_the_site_layout(client, ada):
    log_in(client)
    pages = ["mfa_index", "account_reauthenticate", "account_email", "account_change_password"]
    for name in pages:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert 'class="site-header"' in page.text, name
    reauthenticate(client)
    pages += ["mfa_activate_totp"]

    for name in pages:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert 'class="site-header"' in page.text, name
        assert "style=" not in page.text, name
