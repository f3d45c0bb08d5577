"""Seeding a store from a scenario: the hand-written directory and items, then generated
items at a chosen scale. The same scenario, seed and Faker version give the same rows."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from ..domain import clock
from ..store import Store
from .dataset import default_dataset, load_dataset
from .generator import Generator
from .progress import Progress

__all__ = ["build", "check", "default_dataset", "digest", "load_dataset", "scale_counts", "EXPORT_FORMAT"]

EXPORT_FORMAT = "qacmock-export"


def scale_counts(generate: dict, scale: str | int) -> dict:
    """Per-project counts for a named scale, or for a number of defects in all."""
    scales = generate["scales"]
    if isinstance(scale, str) and not scale.isdigit():
        if scale not in scales:
            raise ValueError(f"unknown scale '{scale}': use {', '.join(scales)} or a number of defects")
        return dict(scales[scale])
    defects = int(scale)
    if defects < 0:
        raise ValueError("the number of defects cannot be negative")
    # Other types keep the default scale's proportions to defects.
    base = scales["default"]
    per_project = -(-defects // max(len(generate["projects"]), 1))
    ratio = per_project / base["Bug"] if base.get("Bug") else 0
    counts = {k: (round(v * ratio) if k in generate["types"] else v) for k, v in base.items()}
    counts["Bug"] = per_project
    return counts


SCENARIO_KEYS = ("app_code", "departments", "projects", "users", "security_groups")


def check(scenario, scale: str | int = "default"):
    """Refuse, with a ValueError saying why, what ``build`` could not load."""
    if not isinstance(scenario, dict):
        raise ValueError("expected a JSON object: a scenario (like seed_data/default.json) or a "
                         "file written by 'qacmock export'")
    if scenario.get("format") == EXPORT_FORMAT:
        if not isinstance(scenario.get("tables"), dict):
            raise ValueError("the export has no 'tables' object")
        if scale != "default":
            raise ValueError("--scale does not apply to an export, which is loaded row for row")
        return
    missing = [k for k in SCENARIO_KEYS if k not in scenario]
    if missing:
        raise ValueError(f"not a scenario: it lacks {', '.join(missing)} (see seed_data/default.json)")
    generate = scenario.get("generate")
    if generate:
        scale_counts(generate, scale)
    elif scale != "default":
        raise ValueError("--scale does not apply: the scenario has no 'generate' section")


def build(store: Store, scenario: dict, scale: str | int = "default", seed: int | None = None,
          progress: Progress | None = None):
    """Fill an empty store: a ``qacmock-export`` file verbatim, or a scenario."""
    check(scenario, scale)
    if scenario.get("format") == EXPORT_FORMAT:
        store.restore(scenario["tables"])
        return
    generate = scenario.get("generate")
    anchor = datetime.fromisoformat(generate["anchor"]) if generate else clock.now()
    # Hand-written items get the scenario's date too, so the whole dataset is reproducible.
    with clock.fixed(anchor):
        load_dataset(store, scenario)
    if generate:
        projects = [p for p in scenario["projects"] if p["ProjName"] in generate["projects"]]
        Generator(store, generate, scale_counts(generate, scale),
                  generate.get("seed", 1) if seed is None else seed,
                  progress or Progress(enabled=False)).run(projects)
    store.analyze()


def digest(store: Store) -> str:
    """SHA-256 of every row of every table, in key order."""
    text = json.dumps(store.dump(), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
