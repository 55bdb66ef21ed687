"""SAML company sign-in: the AuthnRequest we send, the metadata we publish, the responses we refuse.

A real IdP is not started here: the test signs SAML responses itself, with the
key of the certificate the organisation registered (trusted) or with another
key (an untrusted IdP claiming the same entity id).
"""

from __future__ import annotations

import base64
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.sso.services import organisation_login_save

HOST = "club.example"
IDP_ENTITY = "https://idp.gamma.example/saml"
IDP_SSO = "https://idp.gamma.example/saml/sso"
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}


def _key_and_cert(common_name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def client(client, settings):
    # Browsers always send Host; python3-saml reads it (Django's test client leaves it out),
    # and refuses single-label hosts such as "testserver".
    settings.ALLOWED_HOSTS = [HOST]
    client.defaults["HTTP_HOST"] = HOST
    return client


@pytest.fixture(scope="module")
def trusted_keys():
    return _key_and_cert("idp.gamma.example")


@pytest.fixture(scope="module")
def untrusted_keys():
    return _key_and_cert("idp.gamma.example")  # same name, another key


@pytest.fixture
def gamma(db, trusted_keys):
    organisation = OrganisationFactory(name="Gamma", slug="gamma", email_domains="gamma.example")
    return organisation_login_save(
        organisation=organisation,
        protocol="saml",
        entity_id=IDP_ENTITY,
        sso_url=IDP_SSO,
        x509cert=trusted_keys[1],
        saml_email_trusted=True,
    )


def _authn_request(client) -> ElementTree.Element:
    response = client.post(reverse("sso:company_login"), {"email": "grace@gamma.example"})
    assert response.status_code == 200
    location = urlsplit(response.context["continue_url"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO
    encoded = parse_qs(location.query)["SAMLRequest"][0]
    return ElementTree.fromstring(zlib.decompress(base64.b64decode(encoded), -15))


def test_sign_in_starts_with_a_well_formed_authn_request(client, gamma):
    request = _authn_request(client)

    assert request.tag == f"{{{NS['samlp']}}}AuthnRequest"
    assert request.get("Version") == "2.0"
    assert request.get("ID")
    assert request.get("Destination") == IDP_SSO
    assert request.get("AssertionConsumerServiceURL") == f"http://{HOST}" + reverse(
        "saml_acs", args=["gamma"]
    )
    assert request.get("ProtocolBinding") == OneLogin_Saml2_Constants.BINDING_HTTP_POST
    issuer = request.find("saml:Issuer", NS)
    assert issuer is not None
    assert issuer.text == f"http://{HOST}" + reverse("saml_metadata", args=["gamma"])
    issued = datetime.strptime(request.get("IssueInstant"), "%Y-%m-%dT%H:%M:%SZ")
    assert abs(issued.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=1)


def test_our_metadata_is_published_for_the_idp(client, gamma):
    response = client.get(reverse("saml_metadata", args=["gamma"]))
    assert response.status_code == 200
    document = ElementTree.fromstring(response.content)
    assert document.tag == f"{{{NS['md']}}}EntityDescriptor"
    acs = document.find(".//md:AssertionConsumerService", NS)
    assert acs is not None
    assert acs.get("Location") == f"http://{HOST}" + reverse("saml_acs", args=["gamma"])


def _saml_response(*, in_response_to: str, email: str, key: str, cert: str) -> str:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    acs = f"http://{HOST}" + reverse("saml_acs", args=["gamma"])
    audience = f"http://{HOST}" + reverse("saml_metadata", args=["gamma"])
    assertion_id = "_" + uuid.uuid4().hex
    assertion = f"""<saml:Assertion xmlns:saml="{NS["saml"]}" ID="{assertion_id}" Version="2.0" IssueInstant="{stamp}">
<saml:Issuer>{IDP_ENTITY}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{email}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData InResponseTo="{in_response_to}" NotOnOrAfter="{later}" Recipient="{acs}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{stamp}" NotOnOrAfter="{later}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{stamp}" SessionIndex="{assertion_id}">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="urn:oid:0.9.2342.19200300.100.1.3"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>"""
    signed_assertion = OneLogin_Saml2_Utils.add_sign(
        assertion,
        key,
        cert,
        sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
        digest_algorithm=OneLogin_Saml2_Constants.SHA256,
    ).decode()
    signed_assertion = signed_assertion.replace('<?xml version="1.0"?>', "").strip()
    response = f"""<samlp:Response xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{stamp}" Destination="{acs}" InResponseTo="{in_response_to}">
<saml:Issuer>{IDP_ENTITY}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{signed_assertion}
</samlp:Response>"""
    return base64.b64encode(response.encode()).decode()


def _post_to_acs(client, saml_response: str):
    response = client.post(reverse("saml_acs", args=["gamma"]), {"SAMLResponse": saml_response})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_a_response_signed_by_the_registered_idp_signs_in_the_imported_person(
    client, gamma, trusted_keys
):
    grace = PersonFactory(email="grace@gamma.example", organisation=gamma.organisation)
    request_id = _authn_request(client).get("ID")

    _post_to_acs(
        client,
        _saml_response(
            in_response_to=request_id,
            email="grace@gamma.example",
            key=trusted_keys[0],
            cert=trusted_keys[1],
        ),
    )

    grace.refresh_from_db()
    assert grace.user is not None
    assert str(client.session.get("_auth_user_id")) == str(grace.user.pk)
    assert SocialAccount.objects.get(user=grace.user).provider == "saml-gamma"


def test_a_response_from_an_untrusted_idp_is_refused(client, gamma, untrusted_keys):
    grace = PersonFactory(email="grace@gamma.example", organisation=gamma.organisation)
    request_id = _authn_request(client).get("ID")

    # Same entity id, same request id, same person: only the signing key differs.
    response = _post_to_acs(
        client,
        _saml_response(
            in_response_to=request_id,
            email="grace@gamma.example",
            key=untrusted_keys[0],
            cert=untrusted_keys[1],
        ),
    )

    assert response.status_code == 401
    assert "saml_errors" in response.context
    assert "Signature" in response.context["saml_last_error_reason"]
    assert client.session.get("_auth_user_id") is None
    grace.refresh_from_db()
    assert grace.user is None
    assert not SocialAccount.objects.exists()


def test_an_unsigned_response_is_refused(client, gamma, trusted_keys):
    PersonFactory(email="grace@gamma.example", organisation=gamma.organisation)
    request_id = _authn_request(client).get("ID")
    signed = base64.b64decode(
        _saml_response(
            in_response_to=request_id,
            email="grace@gamma.example",
            key=trusted_keys[0],
            cert=trusted_keys[1],
        )
    ).decode()
    start = signed.index("<ds:Signature")
    end = signed.index("</ds:Signature>") + len("</ds:Signature>")
    unsigned = base64.b64encode((signed[:start] + signed[end:]).encode()).decode()

    response = _post_to_acs(client, unsigned)

    assert "saml_errors" in response.context
    assert client.session.get("_auth_user_id") is None
