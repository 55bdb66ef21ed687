"""Single sign-on: configuring an organisation's identity provider, and the account it signs in.

Rules worth knowing:

* One company login per organisation, one allauth `SocialApp` per login. The
  organisation's `email_domains` choose it on the login page, and bound it: its
  IdP signs in only addresses at those domains, and only the people of that
  organisation (org A's IdP never signs in someone at org B's domain).
* People are imported before they ever sign in. The first sign-in links the
  account just in time to the imported Person with the same address, and only
  on an address the IdP says it verified (OIDC `email_verified`; SAML when staff
  state the IdP is authoritative). Nobody without an imported profile gets an
  account this way: sign-up stays closed.
* Every later sign-in checks again that the person still belongs to the
  organisation and that the login is enabled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import User
from compagnon.accounts.services import account_link_person
from compagnon.members.models import Organisation, Person
from compagnon.sso.models import OrganisationLogin, Protocol
from compagnon.sso.selectors import email_domain

logger = logging.getLogger(__name__)


# --- configuration -------------------------------------------------------------------------


def _provider_id(protocol: str, organisation: Organisation) -> str:
    return f"{'oidc' if protocol == Protocol.OIDC else 'saml'}-{organisation.slug}"


def _oidc_settings(*, server_url: str) -> dict[str, Any]:
    if not server_url.startswith(("https://", "http://")):
        raise ValidationError(
            {"server_url": _("The issuer URL must start with https://.")}, code="server_url"
        )
    # PKCE on top of the client secret: a stolen code is useless without our verifier.
    return {"server_url": server_url.rstrip("/"), "oauth_pkce_enabled": True}


def _saml_settings(
    *, entity_id: str, sso_url: str, x509cert: str, metadata_url: str
) -> dict[str, Any]:
    if metadata_url:
        if not metadata_url.startswith(("https://", "http://")):
            raise ValidationError(
                {"metadata_url": _("The metadata URL must start with https://.")}, code="metadata"
            )
        if not entity_id:
            raise ValidationError(
                {"entity_id": _("Give the IdP's entity ID with its metadata URL.")}, code="entity"
            )
        idp: dict[str, str] = {"entity_id": entity_id, "metadata_url": metadata_url}
    else:
        missing = [
            name
            for name, value in (
                ("entity_id", entity_id),
                ("sso_url", sso_url),
                ("x509cert", x509cert),
            )
            if not value
        ]
        if missing:
            raise ValidationError(
                {name: _("Needed unless a metadata URL is given.") for name in missing},
                code="incomplete",
            )
        idp = {"entity_id": entity_id, "sso_url": sso_url, "x509cert": x509cert}
    return {
        "idp": idp,
        # A response counts only when the IdP signed the assertion, and only when we asked
        # for it (allauth's default, stated here so nobody turns it off by accident).
        "advanced": {
            "want_assertion_signed": True,
            "reject_idp_initiated_sso": True,
            "strict": True,
        },
    }


def organisation_login_check(
    *,
    organisation: Organisation,
    protocol: str,
    client_id: str = "",
    server_url: str = "",
    entity_id: str = "",
    sso_url: str = "",
    x509cert: str = "",
    metadata_url: str = "",
) -> tuple[str, dict[str, Any]]:
    """The allauth app's client id and settings for this configuration, or ValidationError.

    Shared by the admin form (to show the errors by field) and the save.
    """
    if protocol not in Protocol.values:
        raise ValidationError({"protocol": _("Choose OpenID Connect or SAML.")}, code="protocol")
    if not organisation.domain_list:
        raise ValidationError(
            {
                "organisation": _(
                    "Give the organisation its email domains first: they choose its login."
                )
            },
            code="no_domains",
        )
    if protocol == Protocol.OIDC:
        problems: dict[str, Any] = {}
        if not client_id.strip():
            problems["client_id"] = _("The client ID is needed.")
        try:
            app_settings = _oidc_settings(server_url=server_url.strip())
        except ValidationError as error:
            problems.update(error.message_dict)
        if problems:
            raise ValidationError(problems, code="incomplete")
        app_client_id = client_id.strip()
    else:
        app_settings = _saml_settings(
            entity_id=entity_id.strip(),
            sso_url=sso_url.strip(),
            x509cert=x509cert.strip(),
            metadata_url=metadata_url.strip(),
        )
        # allauth's SAML URLs name the app by its client id: /accounts/saml/<slug>/…
        app_client_id = organisation.slug
    return app_client_id, app_settings


def organisation_login_save(
    *,
    organisation: Organisation,
    protocol: str,
    client_id: str = "",
    secret: str = "",
    server_url: str = "",
    entity_id: str = "",
    sso_url: str = "",
    x509cert: str = "",
    metadata_url: str = "",
    is_enabled: bool = True,
    saml_email_trusted: bool = False,
    actor: Any = None,
) -> OrganisationLogin:
    """Create or update an organisation's company login and the allauth app behind it.

    OIDC needs the issuer URL (discovery is read from it), the client id and
    secret; SAML needs the IdP's entity id and either its metadata URL or its
    SSO URL and certificate. The secret is kept when left empty on an update.
    """
    app_client_id, app_settings = organisation_login_check(
        organisation=organisation,
        protocol=protocol,
        client_id=client_id,
        server_url=server_url,
        entity_id=entity_id,
        sso_url=sso_url,
        x509cert=x509cert,
        metadata_url=metadata_url,
    )
    now = timezone.now()
    with transaction.atomic():
        login = (
            OrganisationLogin.objects.select_for_update(of=("self",))
            .select_related("app")
            .filter(organisation=organisation)
            .first()
        )
        app = login.app if login is not None else SocialApp()
        if login is not None and app.provider != protocol:
            # A new protocol is a new identity provider: the old links say nothing about it.
            app = SocialApp()
        app.provider = protocol
        app.provider_id = _provider_id(protocol, organisation)
        app.name = organisation.name[:40]
        app.client_id = app_client_id
        if secret or app.pk is None:
            app.secret = secret.strip()
        app.settings = app_settings
        app.full_clean()
        app.save()
        old_app = login.app if login is not None and login.app_id != app.pk else None
        if login is None:
            login = OrganisationLogin(organisation=organisation, created_at=now)
        login.app = app
        login.is_enabled = is_enabled
        login.saml_email_trusted = saml_email_trusted and protocol == Protocol.SAML
        login.updated_at = now
        login.full_clean()
        login.save()
        if old_app is not None:
            old_app.delete()
    logger.info(
        "company login saved organisation=%s protocol=%s by=%s",
        organisation.pk,
        protocol,
        getattr(actor, "pk", None),
    )
    return login


def organisation_login_set_enabled(
    *, login: OrganisationLogin, is_enabled: bool, actor: Any = None
) -> OrganisationLogin:
    with transaction.atomic():
        login = OrganisationLogin.objects.select_for_update().get(pk=login.pk)
        login.is_enabled = is_enabled
        login.updated_at = timezone.now()
        login.save(update_fields=["is_enabled", "updated_at"])
    logger.info(
        "company login %s organisation=%s by=%s",
        "enabled" if is_enabled else "disabled",
        login.organisation_id,
        getattr(actor, "pk", None),
    )
    return login


# --- signing in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """An address the IdP asserted, and whether it says it verified it."""

    email: str
    verified: bool


class SignInRefused(Exception):
    """The IdP signed someone in whom this company login may not sign in; `message` says why."""

    def __init__(self, code: str, message: Any):
        super().__init__(code)
        self.code = code
        self.message = message


def _refuse(code: str, message: Any, login: OrganisationLogin) -> SignInRefused:
    logger.warning("company login refused organisation=%s reason=%s", login.organisation_id, code)
    return SignInRefused(code, message)


def _usable_address(login: OrganisationLogin, claims: Iterable[Claim]) -> str:
    domains = set(login.organisation.domain_list)
    trust_all = login.protocol == Protocol.SAML and login.saml_email_trusted
    claims = [c for c in claims if c.email]
    verified = [c.email for c in claims if c.verified or trust_all]
    if not verified:
        raise _refuse(
            "unverified",
            _(
                "Your organisation's sign-in did not confirm your email address, so the club "
                "cannot tell whose profile this is. Ask your IT team, or sign in with a password."
            ),
            login,
        )
    in_domain = [email for email in verified if email_domain(email) in domains]
    if not in_domain:
        raise _refuse(
            "foreign_domain",
            _(
                "This sign-in belongs to %(organisation)s and vouches only for its own "
                "addresses. Sign in with your own organisation's login or your password."
            )
            % {"organisation": login.organisation.name},
            login,
        )
    return in_domain[0]


def _check_person(login: OrganisationLogin, person: Person | None) -> Person:
    if person is None or person.organisation_id != login.organisation_id:
        raise _refuse(
            "no_profile",
            _(
                "The club has no profile for this address at %(organisation)s yet. Your "
                "organisation's manager or the club's staff can add you."
            )
            % {"organisation": login.organisation.name},
            login,
        )
    if person.left_organisation_on is not None:
        raise _refuse(
            "left",
            _("Your profile says you left %(organisation)s: its sign-in no longer opens it.")
            % {"organisation": login.organisation.name},
            login,
        )
    return person


def _ensure_verified_address(user: User, email: str) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=email,
            verified=True,
            primary=not EmailAddress.objects.filter(user=user).exists(),
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def _refuse_staff(login: OrganisationLogin, user: User) -> None:
    # An organisation's IdP vouches for its people, not for the club's staff powers (every
    # organisation's private data): staff sign in with their password (and second factor).
    if user.is_staff or user.is_superuser:
        raise _refuse(
            "staff",
            _("Staff accounts do not sign in through a company login: use your password."),
            login,
        )


def sso_user_for_sign_in(
    *,
    login: OrganisationLogin,
    claims: Iterable[Claim],
    linked_user: User | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """The account this company sign-in opens, created and linked just in time if need be.

    `linked_user` is the account an earlier sign-in already linked to this IdP
    subject: it still has to belong to the organisation. Raises SignInRefused.
    """
    if not login.is_enabled:
        raise _refuse(
            "disabled", _("This company login is switched off. Sign in with your password."), login
        )
    if linked_user is not None:
        person = Person.objects.filter(user=linked_user).first()
        _check_person(login, person)
        if email_domain(linked_user.email) not in login.organisation.domain_list:
            raise _refuse(
                "foreign_domain",
                _("This account's address is not at %(organisation)s.")
                % {"organisation": login.organisation.name},
                login,
            )
        _refuse_staff(login, linked_user)
        return linked_user
    email = _usable_address(login, claims)
    with transaction.atomic():
        person = _check_person(
            login,
            Person.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(email__iexact=email, organisation=login.organisation)
            .first(),
        )
        user = person.user
        if user is None:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                # No password: this person signs in through their organisation.
                user = User.objects.create_user(email=person.email.lower())
                created = True
            else:
                created = False
            try:
                account_link_person(user=user, first_name=first_name, last_name=last_name)
            except ValidationError as error:
                raise _refuse("claimed", " ".join(error.messages), login) from None
            logger.info(
                "company login linked person=%s organisation=%s new_account=%s",
                person.pk,
                login.organisation_id,
                created,
            )
        if not user.is_active:
            raise _refuse(
                "inactive", _("This account is switched off. Ask the club's staff."), login
            )
        _refuse_staff(login, user)
        if (
            user.has_usable_password()
            and not EmailAddress.objects.filter(user=user, verified=True).exists()
        ):
            # Whoever chose this password never proved an address of this account (a
            # sign-up made with someone else's address): the IdP's word must not confirm
            # it for them. An account with a proven address keeps its password.
            user.set_unusable_password()
            user.save(update_fields=["password"])
            logger.warning(
                "company login dropped an unproven password user=%s organisation=%s",
                user.pk,
                login.organisation_id,
            )
        _ensure_verified_address(user, email)
    return user
