"""Users (reference §7.15) and the server's clock as clients see it (§4.1).

[DOC] User_Add registers a user with access to AuthenticationData.ProjId, in the named security
group or the alphabetically first one, with the server's time zone unless given; FirstName,
LastName and Email are required; QAComplete e-mails a password-reset link (to the outbox,
operation "Register"). [INFERRED]: an e-mail already registered is refused; without a
Password the user cannot log in until one is set; the new user's department is the project's.
"""
from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta, timezone

from ..registry import REGISTRY
from . import clock, mail
from .auth import Caller
from .errors import ValidationError

USER = REGISTRY.complex_type("User")


def server_time_zone() -> str:
    return time.tzname[time.localtime().tm_isdst > 0] or "UTC"


class Users:
    def add_user(self, caller: Caller, user: dict) -> int:
        user = {k: (v.strip() if isinstance(v, str) else v) for k, v in (user or {}).items()}
        for name in ("FirstName", "LastName", "Email"):
            if not user.get(name):
                raise ValidationError(f"User.{name} is required by User_Add.")
        for f in USER.fields:
            value = user.get(f.name)
            if isinstance(value, str) and f.max_length and len(value) > f.max_length:
                raise ValidationError(f"User.{f.name} is {len(value)} characters long; the maximum is {f.max_length}.")
        if "@" not in user["Email"]:
            raise ValidationError(f"User.Email '{user['Email']}' is not an e-mail address.")
        now = clock.now()
        with self.store.transaction():
            existing = self.store.user_by_email(user["Email"])
            if existing is not None:
                raise ValidationError(f"User.Email '{user['Email']}' is already registered (UserId {existing['UserId']}).")
            groups = self.store.security_groups()
            wanted = user.get("SecurityGroup")
            group = next((g for g in groups if g["GroupName"].lower() == wanted.lower()), None) if wanted else groups[0]
            if group is None:
                raise ValidationError(f"User.SecurityGroup '{wanted}' is not a security group; use one of: "
                                      f"{', '.join(g['GroupName'] for g in groups)}.")
            project = self.store.project(caller.proj_id)
            user_id = self.store.add_user({
                **user, "Password": user.get("Password") or secrets.token_urlsafe(24),
                "TimeZone": user.get("TimeZone") or server_time_zone(), "DeptId": project["DeptId"]},
                caller.proj_id, group["GroupId"])
            mail.registration(self.store, user_id, user["Email"], caller.user_id, now)
        return user_id

    def user_id_by_email(self, caller: Caller, email: str | None) -> int:
        with self.store.lock:
            user = self.store.user_by_email((email or "").strip())
            return user["UserId"] if user else 0

    def user_email_by_id(self, caller: Caller, user_id: int | None) -> str:
        with self.store.lock:
            user = self.store.user(user_id or 0)
            return user["Email"] if user else ""

    def users_of_project(self, caller: Caller) -> list[dict]:
        with self.store.lock:
            return self.store.project_users(caller.proj_id) or None

    def server_properties(self, caller: Caller) -> dict:
        """The server's clock (the one every date it writes comes from) and its offset from UTC,
        UTC minus local [INFERRED from the vendor's example: 21600 for a server six hours behind]."""
        local = clock.now()
        offset = -int(datetime.now(timezone.utc).astimezone().utcoffset().total_seconds())
        return {"ServerLocalTime": local, "ServerUTCTime": local + timedelta(seconds=offset),
                "ServerOffsetInSecs": offset}
