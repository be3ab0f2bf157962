"""A video lesson's address: only from the hosts in `ENABLEMENT_VIDEO_HOSTS` (enablement/conf.py), stored as the
address of the provider's embeddable player.

Authors paste whatever their browser shows (a YouTube watch page, a youtu.be share link, a Vimeo page, a Wistia media
page); the lesson keeps the player's address, which the learner's page puts in a sandboxed iframe. YouTube plays from
youtube-nocookie.com, which sets no cookie until the learner plays the video. A listed host with no known address
scheme (a vendor's own video platform) is kept as written, over https only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from django.utils.translation import gettext as _

from enablement.conf import setting
from prm.errors import ValidationFailed

MAX_URL = 500
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{4,12}$")
_VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
_WISTIA_ID = re.compile(r"^[a-z0-9]{10}$")
_LOOM_ID = re.compile(r"^[0-9a-f]{32}$")
# "javascript:…", "data:…" (but not "youtube.com:443/…", a host and its port).
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?!\d)")
_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


def _host_matches(host: str, allowed: str) -> bool:
    allowed = allowed.lower().strip().lstrip(".")
    return bool(allowed) and (host == allowed or host.endswith("." + allowed))


def allowed_hosts() -> list[str]:
    return [host.lower().strip() for host in setting("ENABLEMENT_VIDEO_HOSTS") if host.strip()]


def is_allowed_host(host: str) -> bool:
    """Whether a video may be embedded from this host: one of ENABLEMENT_VIDEO_HOSTS or a subdomain of one."""
    host = host.lower()
    return any(_host_matches(host, allowed) for allowed in allowed_hosts())


def _seconds(value: str) -> int | None:
    match = _TIME.match(value or "")
    if not value or not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds or None


def _youtube(host: str, path: list[str], query: dict) -> str | None:
    video = None
    if host.endswith("youtu.be") and path:
        video = path[0]
    elif path[:1] == ["watch"]:
        video = query.get("v", [""])[0]
    elif len(path) >= 2 and path[0] in ("embed", "shorts", "live", "v"):
        video = path[1]
    if not video or not _YOUTUBE_ID.match(video):
        return None
    start = _seconds(query.get("t", query.get("start", [""]))[0])
    suffix = f"?{urlencode({'start': start})}" if start else ""
    return f"https://www.youtube-nocookie.com/embed/{video}{suffix}"


def _vimeo(host: str, path: list[str], query: dict) -> str | None:
    # vimeo.com/123456789, vimeo.com/123456789/abcdef1234 (unlisted), vimeo.com/channels/x/123456789,
    # player.vimeo.com/video/123456789?h=abcdef1234
    numbers = [index for index, part in enumerate(path) if _VIMEO_ID.match(part)]
    if not numbers:
        return None
    index = numbers[-1]
    video = path[index]
    unlisted = path[index + 1] if len(path) > index + 1 else query.get("h", [""])[0]
    suffix = f"?{urlencode({'h': unlisted})}" if unlisted and _VIMEO_HASH.match(unlisted) else ""
    return f"https://player.vimeo.com/video/{video}{suffix}"


def _wistia(host: str, path: list[str], query: dict) -> str | None:
    # acme.wistia.com/medias/abcde12345, fast.wistia.net/embed/iframe/abcde12345, fast.wistia.net/embed/medias/…
    video = path[-1].removesuffix(".jsonp") if path and path[0] in ("medias", "embed") else ""
    return f"https://fast.wistia.net/embed/iframe/{video}" if _WISTIA_ID.match(video) else None


def _loom(host: str, path: list[str], query: dict) -> str | None:
    video = path[1] if len(path) >= 2 and path[0] in ("share", "embed") else ""
    return f"https://www.loom.com/embed/{video}" if _LOOM_ID.match(video) else None


# Provider (its own host) -> (name shown in messages, how to find the video in an address).
PROVIDERS = {
    "youtube.com": ("YouTube", _youtube),
    "youtu.be": ("YouTube", _youtube),
    "youtube-nocookie.com": ("YouTube", _youtube),
    "vimeo.com": ("Vimeo", _vimeo),
    "wistia.com": ("Wistia", _wistia),
    "wistia.net": ("Wistia", _wistia),
    "loom.com": ("Loom", _loom),
}


def video_embed_url(url: str, *, field: str = "video_url") -> str:
    """The embeddable player address of a video address, or a refusal naming `field`: a host not allowed, an address
    that names no video, or (for a host without a known scheme) one that is not https."""
    url = (url or "").strip()
    if not url:
        raise ValidationFailed(_("Paste the address of the video."), field=field)
    if len(url) > MAX_URL or "\x00" in url:
        raise ValidationFailed(_("At most %(limit)s characters.") % {"limit": MAX_URL}, field=field)
    if "://" not in url and _OTHER_SCHEME.match(url):
        raise ValidationFailed(_("This is not a web address: paste the video's https:// address."), field=field)
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise ValidationFailed(_("This is not a web address: paste the video's https:// address."), field=field)
    if not is_allowed_host(host):
        raise ValidationFailed(
            _("Videos can come from %(hosts)s; “%(host)s” is not one of them.")
            % {"hosts": ", ".join(allowed_hosts()), "host": host},
            field=field,
        )
    path = [part for part in parts.path.split("/") if part]
    query = parse_qs(parts.query)
    for provider_host, (name, find) in PROVIDERS.items():
        if _host_matches(host, provider_host):
            embed = find(host, path, query)
            if embed is None:
                raise ValidationFailed(
                    _("This %(provider)s address names no video: paste the video's share link.") % {"provider": name},
                    field=field,
                )
            return embed
    if parts.scheme != "https":
        raise ValidationFailed(_("Use the video's https:// address."), field=field)
    return parts._replace(fragment="").geturl()
