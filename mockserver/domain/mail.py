"""E-mail as a test double: what the service would send goes to an outbox (the admin API's
/__admin/emails), never to a mail server.

[DOC] Add and Update send alerts when SendEmailAlert is Y, deletes always do, User_Add sends a
registration e-mail with a password-reset link, and SendEmail sends what it is given; alerts to
the caller come from a no-reply address. [INFERRED] the alerts' wording and recipients: the mock
keeps no subscriptions, so an alert goes to the caller, from the no-reply address, with the
item's type, id and what happened as its subject.
"""
from __future__ import annotations

from datetime import datetime
from email.utils import getaddresses

from .errors import ValidationError

NO_REPLY = "QAComplete <no-reply@qacmock.invalid>"
DONE = {"Add": "added", "Update": "updated", "Delete": "deleted"}


def alert(store, entity_code: str, item_id: int, operation: str, user_id: int, now: datetime, title=None):
    user = store.user(user_id)
    store.record_email({
        "DateCreated": now, "Operation": operation, "EntityCode": entity_code, "ItemId": item_id, "UserId": user_id,
        "FromAddress": NO_REPLY, "ToAddress": user["Email"] if user else "",
        "Subject": f"{entity_code} {item_id} {DONE.get(operation, operation)}", "Body": title or ""})


def registration(store, user_id: int, email: str, by_user_id: int, now: datetime):
    store.record_email({
        "DateCreated": now, "Operation": "Register", "EntityCode": "Users", "ItemId": user_id, "UserId": by_user_id,
        "FromAddress": NO_REPLY, "ToAddress": email, "Subject": "Welcome to QAComplete",
        "Body": f"Set your password: https://qacmock.invalid/reset-password?user={user_id}"})


def send(store, user_id: int, now: datetime, sender, to, cc, subject, body):
    """[DOC] From, To, Subject and EmailBody must be non-empty; addresses may be
    "john@example.com", "John Doe <john@example.com>", '"McLaren, Susan" <susan@example.com>' or
    comma-separated lists of these."""
    parts = {"From": sender, "To": to, "Subject": subject, "EmailBody": body}
    for name, value in parts.items():
        if not (value or "").strip():
            raise ValidationError(f"{name} is required by SendEmail and cannot be empty.")
    for name, value in (("From", sender), ("To", to), ("CC", cc)):
        _addresses(name, value or "")
    store.record_email({"DateCreated": now, "Operation": "SendEmail", "EntityCode": None, "ItemId": None,
                        "UserId": user_id, "FromAddress": sender.strip(), "ToAddress": to.strip(),
                        "CC": (cc or "").strip(), "Subject": subject, "Body": body})


def _addresses(name: str, text: str) -> list[str]:
    if not text.strip():
        return []
    found = getaddresses([text])
    pieces = [p for p in text.split(",") if p.strip()]
    addresses = [address for _, address in found if address]
    bad = [address for address in addresses if address.count("@") != 1 or address.startswith("@") or address.endswith("@")]
    if bad or not addresses or len(addresses) < len([p for p in pieces if "@" in p]):
        raise ValidationError(f"{name} '{text[:200]}' holds an address that is not an e-mail address"
                              f"{': ' + bad[0] if bad else ''}.")
    return addresses
