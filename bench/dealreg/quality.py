"""Matching quality on the committed labelled set (bench/dealreg/matching_pairs.csv, see labelled.py): recall and
precision per kind of variation, so that a change that helps one kind and hurts another shows.

A pair counts as *found* when the conflict check would report it: the two records share a stored key (blocking:
the database only ever reads records sharing one) and `similarity()` calls them the same customer. Pure Python, no
database: `python -m bench.dealreg.quality` prints the JSON section `matching_quality` on its own (a second or two).
"""

from __future__ import annotations

import json
import sys

from bench.dealreg.labelled import PAIRS_FILE, read

EXAMPLES = 3  # misses and false matches shown per kind


def found(row: dict) -> bool:
    from dealreg.matching import match_keys, similarity

    a_keys = set(match_keys(row["a_name"], row["a_domain"]))
    if not a_keys & set(match_keys(row["b_name"], row["b_domain"])):
        return False
    return similarity(row["a_name"], row["a_domain"], row["b_name"], row["b_domain"]) is not None


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def matching_quality(rows: list[dict] | None = None) -> dict:
    """{"kinds": {kind: {positives, negatives, found, false_matches, recall, precision, misses, false}}, "all": …}."""
    from dealreg.matching import MATCHING_VERSION

    rows = read() if rows is None else rows
    kinds: dict[str, dict] = {}
    for row in rows:
        kind = kinds.setdefault(
            row["kind"], {"positives": 0, "negatives": 0, "found": 0, "false_matches": 0, "misses": [], "false": []}
        )
        hit = found(row)
        pair = f"{row['a_name']} <{row['a_domain']}> / {row['b_name']} <{row['b_domain']}>".replace(" <>", "")
        if row["same"]:
            kind["positives"] += 1
            kind["found"] += hit
            if not hit and len(kind["misses"]) < EXAMPLES:
                kind["misses"].append(pair)
        else:
            kind["negatives"] += 1
            kind["false_matches"] += hit
            if hit and len(kind["false"]) < EXAMPLES:
                kind["false"].append(pair)
    total = {"positives": 0, "negatives": 0, "found": 0, "false_matches": 0}
    for kind in kinds.values():
        for field in total:
            total[field] += kind[field]
        kind["recall"] = _ratio(kind["found"], kind["positives"])
        kind["precision"] = _ratio(kind["found"], kind["found"] + kind["false_matches"])
    total["recall"] = _ratio(total["found"], total["positives"])
    total["precision"] = _ratio(total["found"], total["found"] + total["false_matches"])
    ordered = {
        name: {field: kind[field] for field in ("recall", "precision", *total) if field in kind}
        | {
            "misses": kind["misses"],
            "false": kind["false"],
        }
        for name, kind in sorted(kinds.items())
    }
    return {
        "set": str(PAIRS_FILE.relative_to(PAIRS_FILE.parent.parent.parent)),
        "pairs": len(rows),
        "matching_version": MATCHING_VERSION,
        "all": total,
        "kinds": ordered,
        "mode": "found = shares a stored key (blocking) and similarity() matches; countries blank; "
        "precision = found / (found + false matches) among the kind's pairs",
    }


def main() -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.test")
    import django

    django.setup()
    print(json.dumps({"matching_quality": matching_quality()}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
