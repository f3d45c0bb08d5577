"""Generated items: releases with iterations and builds, then defects, requirements and
tasks, in the projects a scenario's ``generate`` section names.

Everything is driven by the scenario (counts, title templates, words, distributions,
number ranges, schedules) and by the registry (choice lists, user references, automatic
and server-set fields, status effects, the release hierarchy), so a new item type needs a
recipe in the scenario, not code. One ``random.Random`` and one Faker instance, both seeded,
make every run with the same seed and Faker version write the same rows.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ..domain import rules
from ..registry import REGISTRY, Auto, Entity, Xsd
from ..store import Store
from .progress import Progress
from .collaboration import CollaborationGenerator
from .test_library import TestLibraryGenerator

BATCH = 2000


class Generator:
    def __init__(self, store: Store, spec: dict, counts: dict, seed: int, progress: Progress):
        self.store, self.spec, self.counts, self.progress = store, spec, counts, progress
        self.rng = random.Random(seed)
        self.anchor = datetime.fromisoformat(spec["anchor"])
        self.span = timedelta(days=spec.get("span_days", 730))
        self.words = spec.get("words", {})
        self.paragraphs = _paragraphs(seed, spec.get("paragraphs", 200))
        self._shapes: dict[str, _Shape] = {}

    def shape(self, entity: Entity) -> "_Shape":
        if entity.type_name not in self._shapes:
            self._shapes[entity.type_name] = _Shape(entity)
        return self._shapes[entity.type_name]

    # -- the whole run ---------------------------------------------------------------
    def run(self, projects: list[dict]):
        total = sum(self.counts.get(t, 0) for t in self.spec["types"]) * len(projects)
        self.progress.start("items", total)
        for project in projects:
            members = sorted(self.store.project_user_ids(project["ProjId"]))
            if not members:
                raise ValueError(f"project {project['ProjName']} has no members to assign items to")
            with self.store.transaction():
                self.releases(project["ProjId"], members)
                for type_name, recipe in self.spec["types"].items():
                    self.items(REGISTRY.entity(type_name), recipe, self.counts.get(type_name, 0),
                               project["ProjId"], members)
                if "test_library" in self.spec:
                    TestLibraryGenerator(self, self.spec["test_library"]).run(
                        project["ProjId"], members, self.counts.get("TestRun", 0))
                if "collaboration" in self.spec:
                    CollaborationGenerator(self, self.spec["collaboration"]).run(project["ProjId"], members)
        self.progress.finish()

    def releases(self, proj_id: int, members: list[int]):
        """Releases one after another over the span, each with iterations and builds."""
        plan = self.spec.get("releases")
        count = self.counts.get("releases", 0)
        if not plan or not count:
            return
        entity = REGISTRY.entity(plan.get("type", "Release"))
        # From the first midnight inside the window, so planned dates at midnight stay in it.
        first = _midnight(self.anchor - self.span) + timedelta(days=1)
        length = (self.anchor - first) / count
        for r in range(count):
            start = first + length * r
            release = self.release(entity, proj_id, members, plan, plan["release_title"].format(n=r + 1),
                                   "Release", None, start, start + length)
            sprints = self.counts.get("iterations", 0)
            for i in range(sprints):
                s_start = start + length / max(sprints, 1) * i
                s_end = s_start + length / max(sprints, 1)
                sprint = self.release(entity, proj_id, members, plan,
                                      plan["iteration_title"].format(n=r + 1, i=i + 1),
                                      "Iteration", release, s_start, s_end)
                for b in range(self.counts.get("builds", 0)):
                    when = s_start + (s_end - s_start) * (b + 1) / (self.counts["builds"] + 1)
                    self.release(entity, proj_id, members, plan,
                                 plan["build_title"].format(n=r + 1, i=i + 1, b=b + 1),
                                 "Build", sprint, when, when)

    def release(self, entity, proj_id, members, plan, title, kind, parent, start, finish) -> int:
        """One node of the hierarchy: its title, kind and parent fields come from the
        registry's Hierarchy, the rest from the scenario's plan."""
        hierarchy = entity.hierarchy
        phase = "past" if finish < self.anchor else "future" if start > self.anchor else "current"
        created = max(min(start, self.anchor) - timedelta(days=self.rng.randint(1, 20)),
                      self.anchor - self.span)
        values = {hierarchy.title_field: title, hierarchy.kind_field: kind,
                  hierarchy.parent_field: parent, **plan.get("constants", {}),
                  entity.status_field: plan["status_by_phase"][phase],
                  plan["planned"]["start"]: _midnight(start), plan["planned"]["finish"]: _midnight(finish)}
        for name in plan.get("text", ()):
            values[name] = self.rng.choice(self.paragraphs)
        for name in plan.get("assigned", ()):
            values[name] = self.rng.choice(members)
        self.shape(entity).automatic(values, created, min(created + timedelta(days=3), self.anchor),
                                     self.rng.choice(members), self.rng.choice(members))
        return self.store.insert_item(entity, values, proj_id)

    # -- items of one type --------------------------------------------------------------
    def items(self, entity: Entity, recipe: dict, count: int, proj_id: int, members: list[int]):
        choices = {f.name: self.store.choice_list(proj_id, entity.entity_code, f.choice_list)
                   for f in entity.fields if f.choice_list}
        # Only the lists the project keeps (most custom fields have none): this runs per item.
        choices = {name: values for name, values in choices.items() if values}
        shape = self.shape(entity)
        batch = []
        for _ in range(count):
            batch.append(self.item(entity, shape, recipe, choices, members))
            if len(batch) == BATCH:
                self.store.insert_items(entity, batch, proj_id)
                self.progress.advance(len(batch))
                batch = []
        if batch:
            self.store.insert_items(entity, batch, proj_id)
            self.progress.advance(len(batch))

    def item(self, entity: Entity, shape: "_Shape", recipe: dict, choices: dict, members: list[int]) -> dict:
        rng = self.rng
        values = dict(shape.defaults)
        values[entity.title_field] = self.title(recipe["titles"], entity.fields_by_name[entity.title_field])
        for name, values_list in choices.items():
            weights = recipe.get("distributions", {}).get(name)
            if weights:
                allowed = [v for v in weights if v in values_list]
                values[name] = rng.choices(allowed, [weights[v] for v in allowed])[0] if allowed else None
            elif values_list:
                values[name] = rng.choice(values_list)
        for name in recipe.get("assigned", ()):
            values[name] = rng.choice(members) if rng.random() < recipe.get("assigned_share", 0.85) else None
        for name, (low, high) in recipe.get("numbers", {}).items():
            f = entity.fields_by_name[name]
            if f.xsd is Xsd.INT:
                values[name] = rng.randint(low, high)
            else:
                values[name] = Decimal(rng.randint(int(low * 4), int(high * 4))) / 4
        for name in recipe.get("text", ()):
            values[name] = rng.choice(self.paragraphs)
        for name, templates in recipe.get("templates", {}).items():
            values[name] = self.title(templates, entity.fields_by_name[name])
        for name, value in recipe.get("constants", {}).items():
            values[name] = value
        created = _millis(self.anchor - self.span * rng.random())
        updated = _millis(created + (self.anchor - created) * rng.random())
        for name, (low, high) in recipe.get("schedule", {}).items():
            values[name] = _midnight(created + timedelta(days=rng.randint(low, high)))
        creator, updater = rng.choice(members), rng.choice(members)
        # Reaching a status such as Closed is the item's last update, by whoever did it.
        updater = self._status_effects(entity, values, updated, members) or updater
        shape.automatic(values, created, updated, creator, updater)
        return values

    def title(self, templates: list[str], field) -> str:
        text = self.rng.choice(templates).format_map(_Words(self.words, self.rng))
        text = text[:1].upper() + text[1:]
        return text[:field.max_length] if field.max_length else text

    def _status_effects(self, entity, values, updated, members) -> int | None:
        """What the server sets when an item reaches its status (the service's own rule),
        dated at its last update, so created <= updated <= closed holds; the user who made
        that change, if any."""
        effects = rules.entered_status_effects(entity, values, None)
        if not effects:
            return None
        who = values.get("AssigneeUserId") or self.rng.choice(members)
        rules.apply_status_effects(effects, values, who, updated)
        return who



class _Shape:
    """What every generated item of a type shares, worked out once per type: its defaults
    and which fields the server sets on Add (an item type has some two hundred fields)."""

    def __init__(self, entity: Entity):
        self.defaults = {f.name: f.default for f in entity.fields if f.writable and f.default is not None}
        by_auto = {}
        for f in entity.fields:
            by_auto.setdefault(f.auto, []).append(f.name)
        self.on_add = by_auto.get(Auto.NOW_ON_ADD, [])
        self.on_update = by_auto.get(Auto.NOW, [])
        self.creators = by_auto.get(Auto.CALLER_ON_ADD, [])
        self.updaters = by_auto.get(Auto.CALLER, [])

    def automatic(self, values: dict, created, updated, creator, updater):
        for name in self.on_add:
            values[name] = created
        for name in self.on_update:
            values[name] = updated
        for name in self.creators:
            values[name] = creator
        for name in self.updaters:
            values[name] = updater


class _Words(dict):
    """Fills ``{placeholder}`` in a title template with a random word of that list."""

    def __init__(self, words: dict, rng: random.Random):
        super().__init__()
        self.words, self.rng = words, rng

    def __missing__(self, key):
        return self.rng.choice(self.words[key])


SHIPPED_PARAGRAPHS = Path(__file__).with_name("default_paragraphs.json")


def _paragraphs(seed: int, count: int) -> list[str]:
    # Faker is slow per call; a pool drawn once per run reads as varied text and keeps
    # 100,000 items within seconds. The default dataset's pool ships with the package: importing
    # Faker alone took 0.1 s of a 0.7 s start on the default data.
    shipped = json.loads(SHIPPED_PARAGRAPHS.read_text(encoding="utf-8"))
    if (shipped["seed"], shipped["count"]) == (seed, count):
        return shipped["paragraphs"]
    return faker_paragraphs(seed, count)


def faker_paragraphs(seed: int, count: int) -> list[str]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    return [fake.paragraph(nb_sentences=3) for _ in range(count)]


def _millis(t: datetime) -> datetime:
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def _midnight(t: datetime) -> datetime:
    return t.replace(hour=0, minute=0, second=0, microsecond=0)
