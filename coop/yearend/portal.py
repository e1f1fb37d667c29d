"""The year end's block on the member's portal: her interest and refund, year by year."""
from __future__ import annotations

from . import services


def portal_context(org_id: int, member_id: int) -> dict | None:
    """Her lines in the posted allocations, or None when she has none (the portal then leaves the block out)."""
    found = services.lines_of_member(org_id, member_id)
    return {"yearend_lines": found} if found else None
