"""The paths the API answers on, as its routers, its published document and its list of
error statuses name them."""

from __future__ import annotations

ACCOUNT = "/restapi/v1.0/account/{accountId}"
EXTENSION = f"{ACCOUNT}/extension/{{extensionId}}"
NUMBERS = f"{EXTENSION}/forwarding-number"
NUMBER = f"{NUMBERS}/{{forwardingNumberId}}"
RULES = f"{EXTENSION}/answering-rule"
RULE = f"{RULES}/{{ruleId}}"
HOURS = f"{EXTENSION}/business-hours"
# Enhanced (v2) call handling of one extension.
V2 = "/restapi/v2/accounts/{accountId}/extensions/{extensionId}/comm-handling"
