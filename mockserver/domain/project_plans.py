"""Project plans: a plan's tasks form one list in SeqNum order with outline levels, as in
Microsoft Project, and travel to and from MS Project as PPTask lists.

The vendor documents the fields, not what keeps them consistent; the rules here are
[INFERRED] from MS Project, whose plans these are, and each is checked by
tests/test_project_plans.py (and by the contract kit against a real instance):

- SeqNum is a task's position, 1 to n without gaps. An Add with 0 or a number past the end
  appends; a position within the plan inserts there and moves the later tasks down. An Update
  with another SeqNum moves the task; 0 leaves it where it is.
- Indent is the outline level: a task is at most one level deeper than the task before it
  (the first task is at level 0 or 1).
- IsParent is the server's: "Y" when the next task is deeper, "N" otherwise.
- PredNum lists predecessors by SeqNum, each another task of the plan ("3", "3,5FS+2d"). When
  tasks move, the numbers follow them; a deleted task leaves the lists.
- Deleting a task deletes the tasks indented under it (MS Project deletes a summary task's
  subtasks with it).
- Export gives the plan with its tasks as PPTask (Work = EstHrs x 60 minutes) and the users
  they are assigned to as PPResource; import makes a plan from them, tasks in SeqNum order (list
  order where SeqNum is 0), and numbers the import.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..registry import REGISTRY
from .errors import ValidationError
from .lifecycle import LIFECYCLES, Context, Lifecycle

PLAN, TASK = REGISTRY.entity("ProjectPlan"), REGISTRY.entity("ProjectPlanTask")
PP_TASK = REGISTRY.complex_type("PPTask")
_PREDECESSOR = re.compile(r"\s*([0-9]{1,6})((?:FS|SS|FF|SF)?(?:[+-][0-9]{1,6}(?:\.[0-9]+)?\s*[A-Za-z]*)?)\s*",
                          re.IGNORECASE | re.ASCII)


def parse_predecessors(text: str | None) -> list[tuple[int, str]]:
    """(SeqNum, dependency type and lag as written) per predecessor."""
    if text is None or not text.strip():
        return []
    found = []
    for part in text.split(","):
        match = _PREDECESSOR.fullmatch(part)
        if match is None:
            raise ValidationError(
                f"ProjectPlanTask.PredNum '{text}' is not valid: list the predecessors' SeqNum separated "
                f'by commas, each with an optional type and lag, e.g. "3" or "3,5FS+2d".')
        found.append((int(match.group(1)), match.group(2)))
    return found


def _format(predecessors: list[tuple[int, str]]) -> str | None:
    return ",".join(f"{n}{rest}" for n, rest in predecessors) or None


def _check_predecessors(text: str | None, seq: int, count: int) -> str | None:
    """PredNum of the task at ``seq`` in a plan of ``count`` tasks, checked and normalised."""
    predecessors = parse_predecessors(text)
    for n, _ in predecessors:
        if n == seq:
            raise ValidationError(f"ProjectPlanTask.PredNum '{text}' names the task itself (SeqNum {seq}).")
        if not 1 <= n <= count:
            raise ValidationError(
                f"ProjectPlanTask.PredNum '{text}' names task {n}, but the plan has {count} tasks.")
    return _format(predecessors) if predecessors else text


def plan_tasks(store, plan_id: int) -> list[dict]:
    """A plan's tasks in SeqNum order."""
    return store.find_items(TASK, ordered_by="SeqNum", ProjPlanId=plan_id)


def _lay_out(context: Context, order: list[dict], written: dict | None = None, written_was: int | None = None):
    """Number ``order`` (the plan's tasks as they are to be) 1..n, follow the moves in every
    PredNum, check the outline and set IsParent; store what changed. ``written`` is the task
    being added or updated: in ``order`` with its new values, which the caller stores; an
    updated one had the SeqNum ``written_was``."""
    # PredNums name tasks by the numbers they had.
    was = {t["SeqNum"]: t["TaskId"] for t in order if t is not written and t.get("SeqNum")}
    if written_was:
        was[written_was] = written["TaskId"]
    now = {t["TaskId"]: n for n, t in enumerate(order, start=1) if t.get("TaskId")}
    previous_indent = 0
    for n, task in enumerate(order, start=1):
        indent = task.get("Indent") or 0
        if indent > previous_indent + 1:
            raise ValidationError(
                f"ProjectPlanTask.Indent {indent} of '{task.get('TaskName')}' (SeqNum {n}) is more than one "
                f"level below the task before it (Indent {previous_indent}).")
        previous_indent = indent
    for n, task in enumerate(order, start=1):
        following = order[n] if n < len(order) else None
        deeper = following is not None and (following.get("Indent") or 0) > (task.get("Indent") or 0)
        values = {"SeqNum": n, "IsParent": "Y" if deeper else "N"}
        if task is written:
            values["PredNum"] = _check_predecessors(task.get("PredNum"), n, len(order))
            task.update(values)
            continue
        predecessors = parse_predecessors(task.get("PredNum"))
        if predecessors:
            kept = [(now[was[old]], rest) for old, rest in predecessors if was.get(old) in now]
            values["PredNum"] = _format(kept)
        changed = {k: v for k, v in values.items() if task.get(k) != v}
        if changed:
            context.store.update_item(TASK, task["TaskId"], changed)


def _position(seq: int | None, count: int) -> int:
    """The 0-based index a task asking for ``seq`` goes to in a list of ``count`` others."""
    return count if not seq or seq > count else seq - 1


class TaskLifecycle(Lifecycle):
    def before_add(self, context: Context, values: dict):
        order = plan_tasks(context.store, values["ProjPlanId"])
        order.insert(_position(values.get("SeqNum"), len(order)), values)
        _lay_out(context, order, values)

    def before_update(self, context: Context, existing: dict, values: dict):
        values["ProjPlanId"] = existing["ProjPlanId"]
        order = [t for t in plan_tasks(context.store, existing["ProjPlanId"]) if t["TaskId"] != existing["TaskId"]]
        seq = values.get("SeqNum") or existing.get("SeqNum")
        order.insert(_position(seq, len(order)), values)
        values["TaskId"] = existing["TaskId"]
        _lay_out(context, order, values, written_was=existing["SeqNum"])

    def before_delete(self, context: Context, existing: dict):
        order = plan_tasks(context.store, existing["ProjPlanId"])
        at = next(n for n, t in enumerate(order) if t["TaskId"] == existing["TaskId"])
        end = at + 1
        while end < len(order) and (order[end].get("Indent") or 0) > (existing.get("Indent") or 0):
            end += 1
        subtasks = order[at + 1:end]
        if subtasks:
            context.delete(TASK, [t["TaskId"] for t in subtasks])
        _lay_out(context, order[:at] + order[end:])


def exported_task(task: dict) -> dict:
    values = {f.name: task.get(f.name) for f in PP_TASK.fields}
    hours = task.get("EstHrs") or 0
    values["Work"] = int((Decimal(str(hours)) * 60).to_integral_value())
    return values


def imported_task(task: dict) -> dict:
    values = {f.name: task.get(f.name) for f in PP_TASK.fields if f.name in TASK.fields_by_name}
    values.pop("TaskId", None)
    values.pop("IsParent", None)
    values["AssigneeUserId"] = values.get("AssigneeUserId") or None    # 0 is "not assigned"
    values["EstHrs"] = Decimal(task.get("Work") or 0) / 60
    return values


def resources(tasks: list[dict]) -> list[dict]:
    """The users the tasks are assigned to, in the order they first appear."""
    seen = {}
    for task in tasks:
        if task.get("AssigneeUserId") and task["AssigneeUserId"] not in seen:
            seen[task["AssigneeUserId"]] = {"UserId": task["AssigneeUserId"], "PersonName": task.get("AssignedToName"),
                                            "StandardRate": Decimal(0)}
    return list(seen.values())


class ProjectPlanOperations:
    """The service's ProjectPlans_* operations (mixed into QacService)."""

    def plans(self, caller, include_inactive: bool) -> list[dict] | None:
        active = {} if include_inactive else {"IsActive": "Y"}
        with self.store.lock:
            rows = [row for proj_id in caller.proj_ids for row in self.store.find_items(PLAN, ProjId=proj_id, **active)]
            return self._complete(rows, PLAN) or None

    def export_plan(self, caller, plan_id: int) -> dict:
        with self.store.lock:
            plan = self.load(caller, PLAN, plan_id)
            tasks = plan_tasks(self.store, plan_id)
        plan["Tasks"] = [exported_task(t) for t in tasks] or None
        plan["Resources"] = resources(tasks) or None
        return plan

    def import_plan(self, caller, plan: dict) -> int:
        tasks = plan.pop("Tasks", None) or []
        plan.pop("Resources", None)    # users are not made by an import [INFERRED]
        with self.store.transaction():
            plan_id = self.add(caller, PLAN, plan)
            imports = self.store.column_max(PLAN, "ImportId") or 0
            self.store.update_item(PLAN, plan_id, {"ImportId": imports + 1})
            ordered = sorted(enumerate(tasks), key=lambda pair: (pair[1].get("SeqNum") or pair[0] + 1, pair[0]))
            # Predecessors may come later in the list: they are set once every task is in.
            added = []
            for _, task in ordered:
                values = imported_task(task)
                predecessors, values["PredNum"], values["SeqNum"] = values.get("PredNum"), None, None
                values["ProjPlanId"] = plan_id
                added.append((self.add(caller, TASK, values), predecessors))
            for seq, (task_id, predecessors) in enumerate(added, start=1):
                if predecessors:
                    self.store.update_item(TASK, task_id, {
                        "PredNum": _check_predecessors(predecessors, seq, len(added))})
        return plan_id


LIFECYCLES["ProjectPlanTask"] = TaskLifecycle()
