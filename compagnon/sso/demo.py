"""The demo club's company logins: Danone signs in by SAML, Accor's OIDC is set up but off.

Neither IdP exists (the addresses are under example.org): the login page shows the
hand-over to Danone's sign-in, and the admin shows both configurations. Idempotent:
an organisation that already has a company login is left alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from compagnon.members.models import Organisation
from compagnon.sso.models import OrganisationLogin, Protocol
from compagnon.sso.services import organisation_login_save


def _demo_certificate() -> str:
    # A throwaway self-signed certificate, so the SAML settings are complete.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.danone.example.org")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def demo_sso_load() -> int:
    created = 0
    organisations = {
        o.slug: o for o in Organisation.objects.filter(slug__in=("danone", "accor"), is_demo=True)
    }
    configured = set(
        OrganisationLogin.objects.filter(organisation__in=organisations.values()).values_list(
            "organisation__slug", flat=True
        )
    )
    danone = organisations.get("danone")
    if danone is not None and "danone" not in configured:
        organisation_login_save(
            organisation=danone,
            protocol=Protocol.SAML,
            entity_id="https://idp.danone.example.org/saml",
            sso_url="https://idp.danone.example.org/saml/sso",
            x509cert=_demo_certificate(),
            saml_email_trusted=True,
        )
        created += 1
    accor = organisations.get("accor")
    if accor is not None and "accor" not in configured:
        organisation_login_save(
            organisation=accor,
            protocol=Protocol.OIDC,
            client_id="compagnon-demo",
            secret="demo-secret-not-used",
            server_url="https://login.accor.example.org/realms/accor",
            is_enabled=False,
        )
        created += 1
    return created
