"""Open Badges 3.0 credentials: signed by the tenant's key, verifiable with its published keys, broken by a changed
byte, revoked through the status list (enablement.services.credentials and the public issuer endpoints)."""

import base64
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings

from enablement.models import CredentialSigningKey
from enablement.services import credentials
from prm.tenancy import tenant_context
from tests.enablement.certifications_support import certify, program, revoke

pytestmark = pytest.mark.django_db


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwks_of(client, p) -> dict:
    response = client.get(f"/t/{p.tenant.slug}/credentials/jwks.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_the_credential_is_an_open_badge_that_verifies_with_the_issuers_published_key(client):
    p = program()
    award = certify(p)
    claims = credentials.credential_verify(award.credential, jwks_of(client, p))
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    host = settings.SITE_URL.split("://", 1)[1].replace(":", "%3A")
    assert claims["issuer"]["id"] == f"did:web:{host}:t:{p.tenant.slug}" == claims["iss"]
    assert claims["issuer"]["name"] == p.tenant.display_name
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == "Certified Seller" and achievement["type"] == ["Achievement"]
    assert "Course 1; Course 2" in achievement["criteria"]["narrative"]
    # validUntil is the award's expiry (and the JWT's exp mirrors it).
    assert claims["validUntil"] == award.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert claims["exp"] == int(award.expires_at.timestamp())
    assert claims["id"] == claims["jti"] and claims["id"].endswith(f"/verify/{award.verification_code}/")
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(award.status_list_index)
    assert status["statusListCredential"].endswith(f"/t/{p.tenant.slug}/credentials/status-list/")
    # The holder is named; the email only as a salted hash.
    identities = {i["identityType"]: i for i in claims["credentialSubject"]["identifier"]}
    assert identities["name"]["identityHash"] == "Ada Byron"
    assert identities["emailAddress"]["hashed"] and p.learner.user.email not in json.dumps(claims)


def test_changing_one_byte_of_the_payload_makes_verification_fail(client):
    p = program()
    award = certify(p)
    jwks = jwks_of(client, p)
    header, payload, signature = award.credential.split(".")
    data = bytearray(_b64(payload))
    data[data.index(b"Ada Byron")] ^= 0x01  # "Ada" -> "@da"
    tampered = ".".join([header, _segment(bytes(data)), signature])
    assert credentials.credential_verify(award.credential, jwks)["credentialSubject"]
    with pytest.raises(credentials.CredentialInvalid):
        credentials.credential_verify(tampered, jwks)


def test_a_credential_signed_by_another_tenant_does_not_verify_with_this_issuers_keys(client):
    p = program()
    other = program("otherco")
    award = certify(other)
    with pytest.raises(credentials.CredentialInvalid):
        credentials.credential_verify(award.credential, jwks_of(client, p))


def test_the_did_web_document_publishes_the_same_keys(client):
    p = program()
    award = certify(p)
    response = client.get(f"/t/{p.tenant.slug}/did.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/did+json"
    document = response.json()
    header = json.loads(_b64(award.credential.split(".")[0]))
    assert header["alg"] == "EdDSA" and header["kid"] == document["verificationMethod"][0]["id"]
    assert document["assertionMethod"] == [header["kid"]]
    jwk = document["verificationMethod"][0]["publicKeyJwk"]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk


def test_the_private_key_is_stored_encrypted_and_decrypts_after_a_secret_key_rotation(settings):
    p = program()
    certify(p)
    with tenant_context(p.tenant):
        key = CredentialSigningKey.objects.get()
        assert '"d"' not in key.private_jwk_encrypted and key.public_jwk["x"] not in key.private_jwk_encrypted
        old = settings.SECRET_KEY
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-after-rotation-0123456789", [old]
        assert credentials._private_key(key).as_dict(private=False)["x"] == key.public_jwk["x"]


def status_bit_of(client, p, index) -> bool:
    response = client.get(f"/t/{p.tenant.slug}/credentials/status-list/")
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    claims = credentials.credential_verify(response.content.decode(), jwks_of(client, p))
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = credentials.decode_status_list(claims["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= credentials.STATUS_LIST_MIN_BITS
    return credentials.status_bit(bits, index)


def test_revoking_an_award_sets_its_bit_in_the_status_list(client):
    p = program()
    award = certify(p)
    colleague_award = certify(p, membership=_colleague(p))
    assert status_bit_of(client, p, award.status_list_index) is False
    revoke(p, award)
    assert status_bit_of(client, p, award.status_list_index) is True
    assert status_bit_of(client, p, colleague_award.status_list_index) is False
    # The credential itself still verifies: revocation is the status list's to say.
    assert credentials.credential_verify(award.credential, jwks_of(client, p))


def _colleague(p):
    from tests.factories import PartnerUserFactory

    return PartnerUserFactory(tenant=p.tenant, partner_organization=p.partner, role="partner_sales")


def test_a_recomputed_expiry_is_signed_again_with_the_new_valid_until(client):
    from enablement.services import certifications as services

    p = program()
    award = certify(p)
    with tenant_context(p.tenant):
        p.certification.refresh_from_db()
        services.certification_update(
            actor=p.admin,
            certification=p.certification,
            name=p.certification.name,
            validity_months=6,
            course_ids=[c.pk for c in p.courses],
            apply_to_existing=services.VALIDITY_EXISTING_AWARDS,
        )
        award.refresh_from_db()
        token = credentials.credential_for(award)
    claims = credentials.credential_verify(token, jwks_of(client, p))
    assert claims["validUntil"] == (award.awarded_at + relativedelta(months=6)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_status_list_encoding_round_trips_with_the_first_bit_leftmost():
    bits = bytearray(16)
    bits[0] = 0x80
    bits[15] = 0x01
    decoded = credentials.decode_status_list(credentials.encode_status_list(bytes(bits)))
    assert credentials.status_bit(decoded, 0) and credentials.status_bit(decoded, 127)
    assert not credentials.status_bit(decoded, 1)
