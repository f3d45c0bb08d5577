"""AuthenticationData checks and security rights."""
from __future__ import annotations

from dataclasses import dataclass

from ..registry import Operation, RightCheck
from ..store import Store
from .errors import AccessDeniedError, AuthenticationError, ValidationError

# Operations whose AuthenticationData may name several projects through ProjIds [DOC].
MULTI_PROJECT_KINDS = ("load", "load_by_criteria", "list_by_owner", "load_owned", "get_file", "load_elevated",
                       "custom_fields_load")


@dataclass(frozen=True)
class Caller:
    user_id: int
    dept_id: int
    proj_ids: tuple[int, ...]   # the projects this call acts on, rights checked

    @property
    def proj_id(self) -> int:
        return self.proj_ids[0]


def check_credentials(store: Store, app_code: str | None, user: dict | None, password: str | None):
    expected_app_code = store.setting("AppCode")
    if (user is None or user["IsActive"] != "Y" or password != user["Password"]
            or (app_code not in (None, "") and app_code != expected_app_code)):
        raise AuthenticationError()


def authenticate(store: Store, auth, op: Operation) -> Caller:
    if auth is None:
        raise AuthenticationError()
    user = store.user(auth.get("UserId") or 0)
    # AppCode must be sent on authenticated calls; GetLoginInfo alone tolerates "".
    if not auth.get("AppCode"):
        raise AuthenticationError()
    check_credentials(store, auth.get("AppCode"), user, auth.get("PassCode"))
    member_projects = {p["ProjId"]: p for p in store.member_projects(user["UserId"])}
    if auth.get("DeptId") not in {p["DeptId"] for p in member_projects.values()}:
        raise AuthenticationError()

    proj_ids = _target_projects(auth, op)
    for proj_id in proj_ids:
        project = store.project(proj_id)
        if project is None or proj_id not in member_projects:
            raise AccessDeniedError(
                f"Access is denied: user {user['UserId']} has no access to project {proj_id}.")
        check_rights(store, user["UserId"], project, op.rights)
    if user["LastProjId"] != proj_ids[0]:
        # GetLoginInfo answers with the project the user worked in last.
        with store.transaction():
            store.set_last_project(user["UserId"], proj_ids[0])
    return Caller(user["UserId"], auth["DeptId"], tuple(proj_ids))


def _target_projects(auth, op: Operation) -> list[int]:
    proj_ids = [p for p in (auth.get("ProjIds") or []) if p is not None]
    if proj_ids and op.kind in MULTI_PROJECT_KINDS:
        return list(dict.fromkeys(proj_ids))
    if auth.get("ProjId"):
        return [auth["ProjId"]]
    if proj_ids:
        raise ValidationError(
            f"AuthenticationData.ProjIds is not accepted by {op.name}: set AuthenticationData.ProjId "
            f"to the project to act on.")
    raise ValidationError(f"AuthenticationData.ProjId is required by {op.name}.")


def check_rights(store: Store, user_id: int, project: dict, rights: tuple[RightCheck, ...]):
    granted = store.rights(user_id, project["ProjId"])
    for check in rights:
        if (check.area.value, check.right.value) not in granted:
            raise AccessDeniedError(
                f"Access is denied: user {user_id} lacks the {check.right.value} right for "
                f"{check.area.value} in project {project['ProjId']} ({project['ProjName']}).")
