import pytest

from coop.errors import Conflict, Invalid
from coop.manifest import ApprovalKind, plugins


class Box:
    """What the test kinds did: every run and every rejection, in order."""

    def __init__(self):
        self.runs, self.rejections = [], []


@pytest.fixture
def box(app):
    """Test kinds on this app: `test.always` (any officer checks), `test.policy` (threshold ledger's),
    `test.grants` (grant staff check), `test.refuses` (422 while payload says so), `test.conflict` (409)."""
    found = Box()

    class Made:
        def __init__(self, n):
            self.id = n

    def run(execution):
        if execution.payload.get("refuse"):
            raise Invalid("Not now.")
        if execution.payload.get("conflict"):
            raise Conflict("Gone.")
        if execution.payload.get("reversed"):  # a refusal the catalogue says in Filipino, with its value
            raise Conflict("Entry %(entry_id)s is already reversed.", values={"entry_id": execution.payload["reversed"]})
        found.runs.append(execution)
        return Made(len(found.runs))

    kinds = plugins().approval_kinds
    kinds["test.always"] = ApprovalKind("Test", run, ("admin", "officer"), on_reject=found.rejections.append)
    kinds["test.policy"] = ApprovalKind("Test policy", run, ("admin", "officer"), "ledger.approval_threshold",
                                        check=lambda org_id, payload, key: payload["amount"])
    kinds["test.grants"] = ApprovalKind("Test grants", run, ("admin", "grant_staff"))
    yield found
    for name in ("test.always", "test.policy", "test.grants"):
        kinds.pop(name, None)
