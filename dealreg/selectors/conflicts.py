"""Conflict detection over the database: which active registrations, CRM accounts and open CRM opportunities of
the current tenant look like the same customer.

One lookup per source on the blocking keys, through dealreg_matchkey (a B-tree side table kept by triggers: under
row-level security PostgreSQL cannot use a GIN index on `match_keys`, its operators are not leakproof), capped per
key so that a very common word cannot blow up the work, then each candidate scored in Python
(dealreg.matching.similarity(), skipped when a bound from the stored keys says it cannot match). Three queries per
check, whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL
from rapidfuzz.distance import Indel

from dealreg import matching
from dealreg.models import ACTIVE_DEAL_STATUSES, CrmAccount, CrmOpportunity, DealRegistration, MatchKeySource
from prm.names import name_key
from prm.tenancy import current_tenant

ConflictKind = Literal["registration", "crm_account", "crm_opportunity"]

# Candidates read per source: the rows sharing the domain or the whole name key (precise keys: few rows, all of
# them wanted) first, then the most recent rows sharing only a word or the name prefix (fuzzy keys: a common word
# such as "acme" may be shared by thousands of rows, most of which the score then discards), at most this many.
CANDIDATE_CAP = 250

PARTNER_REASONS = {
    "registration": "This customer is already registered.",
    "crm_account": "This customer is already known to the vendor's sales team.",
    "crm_opportunity": "This customer is already being worked by the vendor's sales team.",
}


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    id: int
    score: float
    reason: str
    partner_organization_id: int | None  # the registering partner (registrations only)
    status: str  # a registration's status, an opportunity's stage; "" for accounts
    name: str  # the customer as recorded (registrations, accounts) or the opportunity's name

    def as_dict(self, *, for_partner: bool = False) -> dict:
        """The conflict as JSON. For a partner, only the kind and a generic reason: no id, no partner, no name (a
        partner must not learn who holds the customer, nor anything of the vendor's CRM)."""
        if for_partner:
            return {"kind": self.kind, "reason": PARTNER_REASONS[self.kind]}
        return {
            "kind": self.kind,
            "id": self.id,
            "score": self.score,
            "reason": self.reason,
            "partner_organization_id": self.partner_organization_id,
            "status": self.status,
            "name": self.name,
        }


# Per key, the most recent records sharing it: a precise key (domain, whole name) names few records, a word may name
# thousands ("global"); capping each key keeps a check's cost flat whatever the data size.
PRECISE_KEY_CAP = 50
WORD_KEY_CAP = 60

# The records sharing any of the keys, from dealreg_matchkey's B-tree (one index probe per key, LIMIT per key).
# The explicit tenant_id makes the probe an index condition; RLS still filters the rows on top.
_KEY_LOOKUP = """
SELECT c.record_id FROM unnest(%s::varchar[], %s::int[]) AS q(key, cap)
CROSS JOIN LATERAL (
    SELECT m.record_id FROM dealreg_matchkey AS m
    WHERE m.tenant_id = %s AND m.source = %s AND m.key = q.key
    ORDER BY m.record_id DESC LIMIT q.cap
) AS c
"""


def _candidates(queryset, source: int, keys: list[str], fields: tuple[str, ...]) -> list[tuple]:
    """The rows of `queryset` sharing a key, in ONE query: those sharing a precise key (domain, whole name) first,
    then the most recent ones, CANDIDATE_CAP at most."""
    precise = [k for k in keys if k.startswith((matching.DOMAIN_KEY_PREFIX, matching.NAME_KEY_PREFIX))]
    caps = [PRECISE_KEY_CAP if k in precise else WORD_KEY_CAP for k in keys]
    lookup = RawSQL(_KEY_LOOKUP, [keys, caps, current_tenant().pk, source])  # noqa: S611 - constant SQL, bound values
    queryset = queryset.filter(pk__in=lookup)
    if precise:
        shares_precise_key = ExpressionWrapper(Q(match_keys__overlap=precise), output_field=BooleanField())
        queryset = queryset.annotate(precise=shares_precise_key).order_by(F("precise").desc(), "-pk")
    else:
        queryset = queryset.order_by("-pk")
    return list(queryset.values_list(*fields)[:CANDIDATE_CAP])


class _Customer:
    """The customer being checked, and how it scores against a candidate.

    A check may read a few hundred candidates that only share a common word; normalising each one's name again
    would cost more than the queries. The candidate's stored keys already hold its registrable domain (`d:`) and
    normalised name (`n:`), so: a shared `d:` key is the "same domain" match; otherwise a candidate is scored with
    `similarity()` only when a cheap upper bound of its name score (from the two name keys) reaches the threshold.
    The bound never under-estimates, so the outcome is the one `similarity()` gives on every candidate."""

    def __init__(self, name: str, domain: str, country: str):
        self.name, self.country = name, country
        self.keys = matching.match_keys(name, domain)
        self.domain_key = next((k for k in self.keys if k.startswith(matching.DOMAIN_KEY_PREFIX)), "")
        # The name key, and the name without its branch or location ("Acme (Berlin)" → n:acme) when it has one.
        self.name_keys = {k for k in self.keys if k.startswith(matching.NAME_KEY_PREFIX)}
        self.name_key = name_key(name)
        self.letters = "".join(sorted(self.name_key))

    def score(self, name: str, country: str, keys: list[str]) -> matching.Match | None:
        if self.domain_key and self.domain_key in keys:
            return matching.Match(matching.SAME_DOMAIN_SCORE, "same domain")
        other_keys = [k for k in keys if k.startswith(matching.NAME_KEY_PREFIX)]
        if not self.name_key or not other_keys:
            return None
        # A shared name key (whole, or without branch or location) is a same-name or same-branch match, or two
        # branches apart: similarity() says which. Otherwise the bound on the names' own keys (the first n: key).
        if not self.name_keys.intersection(other_keys) and not self._may_match(
            other_keys[0][len(matching.NAME_KEY_PREFIX) :]
        ):
            return None
        # Different domains: scored by name only (similarity() would find no domain match either).
        return matching.similarity(self.name, "", name, "", a_country=self.country, b_country=country)

    def _may_match(self, other_key: str) -> bool:
        """Whether the name score can reach MATCH_THRESHOLD. The score is the larger of the Indel similarity of the
        keys (computed) and of the word-sorted names, which is at most 1 - d / (A + B): d, the letters one key has
        and the other has not, is a lower bound of their edit distance, and A + B, the lengths with spaces, is at
        most 2·(a + b) - 2 for keys of lengths a and b."""
        if Indel.normalized_similarity(self.name_key, other_key) >= matching.MATCH_THRESHOLD:
            return True
        # Between the letters sorted, the Indel distance is exactly how many letters one key has and the other not.
        differing = Indel.distance(self.letters, "".join(sorted(other_key)))
        longest = 2 * (len(self.name_key) + len(other_key)) - 2
        return 1 - differing / max(longest, 1) >= matching.MATCH_THRESHOLD


def find_conflicts(
    *,
    customer_name: str,
    customer_domain: str,
    customer_country: str = "",
    exclude_registration_id: int | None = None,
) -> list[Conflict]:
    """The records of the current tenant that are probably the same customer, best first (score, then id):
    active registrations (any partner; the caller tells duplicates from channel conflicts), CRM accounts, open CRM
    opportunities. Changes nothing; three queries (none when the customer has no key)."""
    customer = _Customer(customer_name, customer_domain, customer_country)
    if not customer.keys:
        return []
    keys = customer.keys
    found: dict[tuple[str, int], Conflict] = {}

    def consider(kind, pk, name, country, match_keys, partner_id, status, label):
        if (kind, pk) not in found and (match := customer.score(name, country, match_keys)) is not None:
            found[(kind, pk)] = Conflict(kind, pk, match.score, match.reason, partner_id, status, label)

    registrations = DealRegistration.objects.filter(status__in=ACTIVE_DEAL_STATUSES)
    if exclude_registration_id is not None:
        registrations = registrations.exclude(pk=exclude_registration_id)
    fields = ("id", "customer_name", "customer_country", "match_keys", "partner_organization_id", "status")
    rows = _candidates(registrations, MatchKeySource.REGISTRATION, keys, fields)
    for pk, name, country, match_keys, partner_id, status in rows:
        consider("registration", pk, name, country, match_keys, partner_id, status, name)

    fields = ("id", "name", "country", "match_keys")
    rows = _candidates(CrmAccount.objects.all(), MatchKeySource.CRM_ACCOUNT, keys, fields)
    for pk, name, country, match_keys in rows:
        consider("crm_account", pk, name, country, match_keys, None, "", name)

    fields = ("id", "customer_name", "country", "match_keys", "stage", "name")
    opportunities = CrmOpportunity.objects.filter(is_closed=False)
    rows = _candidates(opportunities, MatchKeySource.CRM_OPPORTUNITY, keys, fields)
    for pk, name, country, match_keys, stage, label in rows:
        consider("crm_opportunity", pk, name, country, match_keys, None, stage, label)

    return sorted(found.values(), key=lambda c: (-c.score, c.id, c.kind))
