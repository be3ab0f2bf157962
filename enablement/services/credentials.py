"""Open Badges 3.0 credentials: each award as an `OpenBadgeCredential` (a W3C verifiable credential, data model 2.0),
signed by the tenant as a VC-JWT, and revocable through the tenant's Bitstring Status List.

- **The issuer** is the program, identified by a `did:web` DID that resolves to `/t/<slug>/did.json` (its public
  keys); the same keys are published as a JWKS at `/t/<slug>/credentials/jwks.json`. Each tenant signs with its own
  Ed25519 key (EdDSA); the private half is stored encrypted with a key derived from SECRET_KEY (SECRET_KEY_FALLBACKS
  still decrypt after a rotation).
- **The credential** is the JSON of the VC at the top level of the JWT payload (Open Badges 3.0 §8.2), with the
  registered claims `iss`, `jti`, `nbf` and `exp` mirroring `issuer.id`, `id`, `validFrom` and `validUntil`.
- **Revocation**: every award has a random place in the tenant's status list; the list credential (also a VC-JWT)
  sets the bit of each revoked award. The list is rebuilt from the awards when it is fetched, so revoking flips the
  bit at once.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
import warnings
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import KeySet, OKPKey

from enablement.models import AwardStatus, CertificationAward, CredentialSigningKey
from prm.tenancy import current_tenant

ALGORITHM = "EdDSA"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# The Bitstring Status List's minimum length (16 KB): with fewer bits, which credential a verifier asks about is
# easier to guess. Doubled whenever the awards fill half of it, so a random free place is found quickly.
STATUS_LIST_MIN_BITS = 131_072
_KEY_SALT = b"prm.enablement.credential-signing-keys"


class CredentialInvalid(Exception):  # noqa: N818 - the verifier's answer, read like a sentence
    """A credential's signature, format or key did not check out."""


# Keys -----------------------------------------------------------------------------------------------------------


def _fernet_for(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_KEY_SALT, info=b"fernet").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    """Encrypts with SECRET_KEY's key; decrypts with it or with a fallback's, so a rotated SECRET_KEY (kept in
    SECRET_KEY_FALLBACKS for a while) does not lose the tenants' signing keys."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret) for secret in secrets_])


def signing_key_get() -> CredentialSigningKey:
    """The current tenant's active signing key, created on first need (two first awards at once create one)."""
    key = CredentialSigningKey.objects.filter(active=True).first()
    if key is not None:
        return key
    private = OKPKey.generate_key("Ed25519", private=True)
    kid = secrets.token_urlsafe(12)
    try:
        with transaction.atomic():
            return CredentialSigningKey.objects.create(
                kid=kid,
                algorithm=ALGORITHM,
                public_jwk={**private.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"},
                private_jwk_encrypted=_fernet().encrypt(json.dumps(private.as_dict(private=True)).encode()).decode(),
            )
    except IntegrityError:
        return CredentialSigningKey.objects.get(active=True)


def _private_key(signing_key: CredentialSigningKey) -> OKPKey:
    try:
        data = json.loads(_fernet().decrypt(signing_key.private_jwk_encrypted.encode()))
    except InvalidToken as error:
        # Neither SECRET_KEY nor a fallback encrypted it: an operator changed SECRET_KEY without keeping the old one.
        raise RuntimeError(
            "The credential signing key cannot be decrypted: keep the old SECRET_KEY in fallbacks."
        ) from error
    return OKPKey.import_key(data)


# Addresses ------------------------------------------------------------------------------------------------------


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    return _site() + path


def issuer_did(tenant=None) -> str:
    """`did:web:<host>[:<path>]:t:<slug>`, which resolves to `<site>/t/<slug>/did.json` (a port is %3A-encoded)."""
    tenant = tenant or current_tenant()
    site = urlsplit(_site())
    segments = [quote(site.netloc, safe="")] + [quote(part, safe="") for part in site.path.split("/") if part]
    return "did:web:" + ":".join([*segments, "t", tenant.slug])


def key_id(signing_key: CredentialSigningKey, tenant=None) -> str:
    """The key's DID URL: the JWT header's `kid`, the DID document's verification method, the JWKS entry's `kid`."""
    return f"{issuer_did(tenant)}#{signing_key.kid}"


def verification_url(award: CertificationAward, tenant=None) -> str:
    tenant = tenant or current_tenant()
    return absolute_url(reverse("certification_verify", args=[tenant.slug, award.verification_code]))


def status_list_url(tenant=None) -> str:
    tenant = tenant or current_tenant()
    return absolute_url(reverse("credential_status_list", args=[tenant.slug]))


def issuer_profile(tenant=None) -> dict:
    tenant = tenant or current_tenant()
    return {
        "id": issuer_did(tenant),
        "type": ["Profile"],
        "name": tenant.display_name,
        "url": absolute_url(reverse("tenant_home", args=[tenant.slug])),
    }


def public_jwks(tenant=None) -> dict:
    """Every key the tenant signed with (retired ones too: credentials they signed still verify)."""
    keys = CredentialSigningKey.objects.order_by("created_at", "id")
    return {"keys": [{**key.public_jwk, "kid": key_id(key, tenant)} for key in keys]}


def did_document(tenant=None) -> dict:
    did = issuer_did(tenant)
    keys = list(CredentialSigningKey.objects.order_by("created_at", "id"))
    methods = [
        {"id": key_id(key, tenant), "type": "JsonWebKey", "controller": did, "publicKeyJwk": key.public_jwk}
        for key in keys
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


# The credential ---------------------------------------------------------------------------------------------------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def credential_build(award: CertificationAward, tenant=None) -> dict:
    """The award as an Open Badges 3.0 `OpenBadgeCredential` (unsigned JSON). The learner is named, and their email
    given only as a salted hash (a wallet can prove it is theirs; a reader cannot harvest it)."""
    tenant = tenant or current_tenant()
    certification = award.certification
    url = verification_url(award, tenant)
    salt = hashlib.sha256(f"{award.verification_code}:{award.pk}".encode()).hexdigest()[:16]
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(tenant),
        "validFrom": _iso(award.awarded_at),
        "name": certification.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": award.recipient_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                    "identityHash": _identity_hash(award.user.email, salt),
                },
            ],
            "achievement": {
                # A DID URL under the issuer's DID: stable for as long as the certification exists.
                "id": f"{issuer_did(tenant)}/certifications/{certification.pk}",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": certification.name,
                "description": certification.description or certification.name,
                "criteria": {"narrative": _criteria(certification)},
                "creator": issuer_profile(tenant),
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url(tenant)}#{award.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_list_index),
            "statusListCredential": status_list_url(tenant),
        },
    }
    if award.expires_at is not None:
        credential["validUntil"] = _iso(award.expires_at)
    return credential


def _criteria(certification) -> str:
    links = certification.required_courses.select_related("course").order_by("id")
    courses = [link.course.title for link in links]
    parts = []
    if courses:
        parts.append(_("Completed the courses: %(courses)s.") % {"courses": "; ".join(courses)})
    if certification.final_exam_id:
        parts.append(_("Passed the final exam."))
    if certification.validity_months:
        parts.append(_("Valid for %(months)s months, renewed by retaking.") % {"months": certification.validity_months})
    return " ".join(parts) or certification.name


def _sign(payload: dict, signing_key: CredentialSigningKey, tenant=None) -> str:
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key_id(signing_key, tenant)}
    # RFC 9864 names Ed25519 as the fully-specified successor of "EdDSA"; wallets and verifiers still expect EdDSA.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, payload, _private_key(signing_key), algorithms=[ALGORITHM])


def _jwt_claims(credential: dict) -> dict:
    claims = {"iss": credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]}
    claims["jti"] = credential["id"]
    claims["nbf"] = int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp())
    if "validUntil" in credential:
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00")).timestamp())
    return claims


def credential_sign(award: CertificationAward) -> str:
    """Sign the award's credential with the tenant's active key and keep it on the award."""
    tenant = current_tenant()
    credential = credential_build(award, tenant)
    token = _sign({**credential, **_jwt_claims(credential)}, signing_key_get(), tenant)
    CertificationAward.objects.filter(pk=award.pk).update(credential=token, updated_at=timezone.now())
    award.credential = token
    return token


def credential_for(award: CertificationAward) -> str:
    """The award's signed credential; signed now when it has none (a changed expiry clears it)."""
    return award.credential or credential_sign(award)


def credential_verify(token: str, jwks: dict) -> dict:
    """Check a VC-JWT's signature against a JWKS (the issuer's published keys) and return its payload. Raises
    `CredentialInvalid` for a bad signature, a key the issuer never published, or a malformed token. Dates and
    status are the caller's to check (`validUntil`, the status list)."""
    try:
        keys = KeySet.import_key_set(jwks)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            token_ = jwt.decode(token, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise CredentialInvalid(str(error) or type(error).__name__) from error
    return token_.claims


# The status list --------------------------------------------------------------------------------------------------


def status_list_size(award_count: int) -> int:
    size = STATUS_LIST_MIN_BITS
    while award_count * 2 >= size:
        size *= 2
    return size


def status_list_index_draw() -> int:
    """A random place in the list: the order of places says nothing about when, or to whom, an award was made."""
    used = CertificationAward.objects.filter(status_list_index__isnull=False).count()
    return secrets.randbelow(status_list_size(used))


def status_list_bits() -> bytes:
    """The tenant's revocation bitstring: bit i (most significant bit first) is set when the award at place i is
    revoked. Two queries."""
    indexes = list(
        CertificationAward.objects.filter(status=AwardStatus.REVOKED, status_list_index__isnull=False)
        .order_by()
        .values_list("status_list_index", flat=True)
    )
    top = CertificationAward.objects.filter(status_list_index__isnull=False).order_by("-status_list_index").first()
    size = max(status_list_size(0), ((top.status_list_index + 8) // 8 * 8) if top else 0)
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode_status_list(bits: bytes) -> str:
    """Multibase base64url (prefix "u", no padding) of the GZIP-compressed bitstring."""
    return "u" + base64.urlsafe_b64encode(gzip.compress(bits, mtime=0)).decode().rstrip("=")


def decode_status_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise CredentialInvalid("The status list is not base64url multibase.")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential() -> str:
    """The tenant's `BitstringStatusListCredential`, signed now (it changes with every revocation)."""
    tenant = current_tenant()
    url = status_list_url(tenant)
    now = timezone.now()
    credential = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(tenant),
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(status_list_bits()),
        },
    }
    return _sign({**credential, **_jwt_claims(credential)}, signing_key_get(), tenant)
