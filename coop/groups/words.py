"""The domain's codes in the reader's language (the codes stay English in the database and the API)."""
from flask_babel import lazy_gettext as _l

MODULE_WORDS = {"orientation": _l("1. Orientation and sharing of experiences"),
                "life_planning": _l("2. Appreciative life planning"),
                "follow_up": _l("3. Follow-up on efforts and successes in reintegration"),
                "self_centering": _l("4. Self-centering")}
KIND_WORDS = {"center": _l("center-based"), "community": _l("community-based"),
              "children": _l("children of migrants")}
ROLE_WORDS = {"member": _l("cluster member"), "coordinator": _l("coordinator"), "peer_counselor": _l("peer counselor")}
OFFERING_WORDS = {"training": _l("skills training"), "livelihood": _l("livelihood training"),
                  "service": _l("support service")}
STATUS_WORDS = {"enrolled": _l("enrolled"), "completed": _l("completed"), "dropped": _l("dropped"),
                "active": _l("active"), "repaid": _l("repaid")}
