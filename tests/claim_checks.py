"""What a careful analyst checks in every claim a report records, on any window.

Used by the notebook tests on their windows (the defaults and 2024): a claim is
either unverifiable with its reason or judged (provisionally on part of a forward
claim's period), never both, and its evidence never reads as a verdict it did not get.
"""

from __future__ import annotations

PARTIAL_PREFIXES = ("Provisional", "Judged on the part")


def claim_problems(claims: list[dict]) -> list[str]:
    """Problems in results.json claims ('' free list when every claim reads consistently)."""
    out = []
    for c in claims:
        cid, verdict, evidence = c["id"], c["verdict"], c["evidence"]
        if verdict == "unverifiable":
            if c.get("provisional") or (c.get("period") or {}).get("provisional"):
                out.append(f"{cid}: unverifiable and provisional")
            if evidence.startswith(PARTIAL_PREFIXES):
                out.append(f"{cid}: unverifiable with a judged-on-part prefix: {evidence[:80]}")
            if not evidence.strip():
                out.append(f"{cid}: unverifiable without a reason")
        elif c.get("provisional") and not evidence.startswith("Provisional: so far"):
            out.append(f"{cid}: provisional without saying so: {evidence[:80]}")
    return out
