"""Enablement's settings, with their defaults here rather than in the project's settings (the core knows no app).

Each is read from the environment at start-up; a Django setting of the same name, when present, wins (tests and
deployments that configure in Python override them that way). Documented in docs/enablement.md and
docs/deployment.md."""

import environ
from django.conf import settings

_env = environ.Env()

# Where video lessons may be embedded from (a host or any of its subdomains; YouTube, Vimeo, Wistia and Loom
# addresses are turned into their privacy-friendly embed address).
DEFAULT_VIDEO_HOSTS = [
    "youtube.com",
    "youtu.be",
    "youtube-nocookie.com",
    "vimeo.com",
    "player.vimeo.com",
    "wistia.com",
    "fast.wistia.net",
    "loom.com",
]

DEFAULTS = {
    "ENABLEMENT_VIDEO_HOSTS": _env.list("ENABLEMENT_VIDEO_HOSTS", default=DEFAULT_VIDEO_HOSTS),
    # The largest file a lesson may offer.
    "ENABLEMENT_FILE_MAX_BYTES": _env.int("ENABLEMENT_FILE_MAX_BYTES", default=100 * 1024 * 1024),
    # SCORM packages (docs/enablement.md#scorm): an upload larger than ENABLEMENT_SCORM_MAX_UPLOAD_BYTES, or a zip
    # that unpacks to more than ENABLEMENT_SCORM_MAX_BYTES, more than ENABLEMENT_SCORM_MAX_FILES files, or a file
    # compressed more than ENABLEMENT_SCORM_MAX_RATIO times (a bomb), is refused before anything is stored.
    "ENABLEMENT_SCORM_MAX_UPLOAD_BYTES": _env.int("ENABLEMENT_SCORM_MAX_UPLOAD_BYTES", default=300 * 1024 * 1024),
    "ENABLEMENT_SCORM_MAX_BYTES": _env.int("ENABLEMENT_SCORM_MAX_BYTES", default=500 * 1024 * 1024),
    "ENABLEMENT_SCORM_MAX_FILES": _env.int("ENABLEMENT_SCORM_MAX_FILES", default=10_000),
    "ENABLEMENT_SCORM_MAX_RATIO": _env.int("ENABLEMENT_SCORM_MAX_RATIO", default=200),
    # Where package files are served from. Empty: this site, under /t/<slug>/scorm/content/ (development). In
    # production a separate, cookieless origin (e.g. https://content.prm-cdn.example) that routes to the same
    # application: the package then runs with its own origin and cannot read this site's pages. Either way the files
    # are reached only through a signed token in the path that expires after ENABLEMENT_SCORM_TOKEN_SECONDS.
    "CONTENT_ORIGIN": _env("CONTENT_ORIGIN", default="").rstrip("/"),
    "ENABLEMENT_SCORM_TOKEN_SECONDS": _env.int("ENABLEMENT_SCORM_TOKEN_SECONDS", default=3 * 60 * 60),
    # Fonts for certificate PDFs: (regular.ttf, bold.ttf); None finds a font the system has.
    "ENABLEMENT_CERTIFICATE_FONTS": None,
}


def setting(name: str):
    """The setting's value: Django's setting of that name when there is one, else the default above."""
    return getattr(settings, name, DEFAULTS[name])
