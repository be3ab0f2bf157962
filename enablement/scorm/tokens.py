"""Signed tokens in URL paths: how a package's files and its runtime's commits are reached without cookies.

A content token lets its bearer read one package's files, for one launch, until it expires
(ENABLEMENT_SCORM_TOKEN_SECONDS in enablement/conf.py): the content origin never sees a session cookie, so the token
is the access check there. A commit token names the learner's enrollment, lesson and item; the commit endpoint also
requires the learner's own session, so the token is what a cross-site request cannot know (a `sendBeacon` cannot
carry a CSRF header). Both are signed with SECRET_KEY under their own salt, so neither can stand for the other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing

from enablement.conf import setting

CONTENT_SALT = "enablement.scorm.content"
COMMIT_SALT = "enablement.scorm.commit"


@dataclass(frozen=True)
class ContentGrant:
    tenant: int
    package: int
    sco: int
    # The learner's enrollment and user; 0 for a staff preview, which records nothing.
    enrollment: int
    user: int
    # The player page's origin: the only window the package's bridge talks to, and the only one that may frame it.
    origin: str


@dataclass(frozen=True)
class CommitGrant:
    tenant: int
    enrollment: int
    lesson: int
    sco: int
    user: int


def content_token(grant: ContentGrant) -> str:
    return signing.dumps(asdict(grant), salt=CONTENT_SALT, compress=True)


def read_content_token(token: str) -> ContentGrant | None:
    try:
        data = signing.loads(token, salt=CONTENT_SALT, max_age=setting("ENABLEMENT_SCORM_TOKEN_SECONDS"))
        return ContentGrant(**data)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def commit_token(grant: CommitGrant) -> str:
    return signing.dumps(asdict(grant), salt=COMMIT_SALT, compress=True)


def read_commit_token(token: str) -> CommitGrant | None:
    try:
        data = signing.loads(token, salt=COMMIT_SALT, max_age=settings.SESSION_COOKIE_AGE)
        return CommitGrant(**data)
    except (signing.BadSignature, TypeError, ValueError):
        return None
