"""moto_server, with IAM's GetAccountAuthorizationDetails paged the way AWS pages it.

moto 5 answers GetAccountAuthorizationDetails with every role of the account in one page and
ignores MaxItems and Marker. AWS returns at most MaxItems entries a page (default 100, at most
1000) with IsTruncated and an opaque Marker for the next one. A benchmark of the drift pass at
10,000 roles against unpaged moto would measure one 10,000-role answer that no AWS account ever
sends (and the operator's memory while it holds it), so the benchmarks start moto through this
file. Everything else is moto as installed; the arguments are moto_server's.

It also serialises requests. moto_server answers each connection on its own thread, and its IAM
backend iterates its role dictionary while other threads add to it: with thousands of roles and
four clients at once, about one request in forty failed with "dictionary changed size during
iteration" (an HTML 500). moto holds Python's GIL while it works, so one request at a time costs
little throughput.

Usage: python3 moto_paged_server.py [moto_server arguments]
"""

import sys
import threading

from moto.iam.responses import IamResponse
from moto.core.responses import ActionResult, BaseResponse
from moto.server import main

_unpaged = IamResponse.get_account_authorization_details


def _paged(self):
    # AWS's bounds for MaxItems on this call: 1..1000, default 100.
    max_items = self._get_int_param("MaxItems", 100)
    if not 1 <= max_items <= 1000:
        max_items = 100
    marker = self._get_param("Marker")
    start = int(marker) if marker and marker.isdigit() else 0
    details = self.backend.get_account_authorization_details(self._get_param("Filter", []))
    # One list over all entry kinds, in AWS's order, cut at MaxItems entries.
    kinds = [
        ("UserDetailList", list(details["users"])),
        ("GroupDetailList", list(details["groups"])),
        ("RoleDetailList", list(details["roles"])),
        ("Policies", list(details["managed_policies"])),
    ]
    total = sum(len(entries) for _, entries in kinds)
    end = min(start + max_items, total)
    result = {}
    offset = 0
    for name, entries in kinds:
        lo, hi = max(start - offset, 0), max(min(end - offset, len(entries)), 0)
        result[name] = entries[lo:hi] if lo < hi else []
        offset += len(entries)
    result["IsTruncated"] = end < total
    if end < total:
        result["Marker"] = str(end)
    return ActionResult(result)


IamResponse.get_account_authorization_details = _paged

_one_at_a_time = threading.RLock()
_unserialised = BaseResponse.call_action


def _serialised(self):
    with _one_at_a_time:
        return _unserialised(self)


BaseResponse.call_action = _serialised

if __name__ == "__main__":
    main(sys.argv[1:])
