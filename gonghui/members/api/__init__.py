"""Member registry endpoints (mounted at /api/v1/members/), scoped like the console.

ID numbers and phones are returned masked; the audited reveal is a console action. One router,
its endpoints by work line: the registry (``registry``), join applications (``applications``),
transfers (``transfers``) and the other changes of a membership (``changes``).
"""

from __future__ import annotations

from ninja import Router

from gonghui.members import selectors, services

router = Router(tags=["members"])

# The modules register their endpoints on ``router`` when imported (the paths do not overlap).
from gonghui.members.api import applications, changes, registry, transfers  # noqa: E402

__all__ = ["applications", "changes", "registry", "router", "selectors", "services", "transfers"]
