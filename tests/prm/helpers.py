"""Helpers shared by the core's tests (tests/prm and tests/partners): members by role, mail links, tiny images."""

from __future__ import annotations

import re
import struct
import zlib

from prm.roles import PARTNER_ROLES, STAFF_ROLES, Role
from tests.factories import PartnerUserFactory, StaffFactory

STAFF = sorted(STAFF_ROLES)
PARTNER = sorted(PARTNER_ROLES)
ALL_ROLES = [*STAFF, *PARTNER]


def make_member(tenant, role: str, *, organization=None, **kwargs):
    """An active membership of `tenant` in `role`; partner roles need the partner organization."""
    if role in PARTNER_ROLES:
        if organization is None:
            raise ValueError("a partner role needs an organization")
        return PartnerUserFactory(tenant=tenant, role=role, partner_organization=organization, **kwargs)
    return StaffFactory(tenant=tenant, role=Role(role), **kwargs)


ACCEPT_LINK = re.compile(r"https?://\S+/t/(?P<slug>[\w-]+)/invitations/accept/(?P<token>[\w-]+)/")


def accept_link_in(message) -> re.Match:
    """The invitation link in an email, or an assertion error naming what the email said instead."""
    match = ACCEPT_LINK.search(message.body)
    assert match, f"no accept link in: {message.body}"
    return match


def tiny_png() -> bytes:
    """A valid 1×1 PNG, built by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# The well-known smallest JPEG (1×1, arithmetic coded): SOI, quantisation table, SOF9, DAC, SOS, data, EOI.
TINY_JPEG = bytes.fromhex(
    "ffd8ffdb004300030202020202030202020303030304060404040404080606050609080a0a090809090a0c0f0c0a0b0e0b09090d110d"
    "0e0f101011100a0c12131210130f101010ffc9000b080001000101011100ffcc000600101005ffda0008010100003f00d2cf20ffd9"
)
