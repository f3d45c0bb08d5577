"""A Markdown table of every declared field and where it comes from."""
from . import REGISTRY


def provenance_report() -> str:
    lines = []
    for entity in REGISTRY.entities:
        exposed = ", ".join(op.name for op in REGISTRY.operations if op.entity == entity.type_name)
        lines += [f"## {entity.type_name}", "", f"Operations: {exposed or 'none yet (declared for storage)'}", "",
                  "| # | Field | Type | Max | Source | Set by | Note |", "|---|---|---|---|---|---|---|"]
        for n, f in enumerate(entity.fields, start=1):
            if f.name.startswith(("Custom", "CustomFieldName")) and f.name[-1].isdigit() and f.name not in (
                    "Custom1", "Custom11", "CustomFieldName1"):
                continue   # the custom block: shown by its first members
            set_by = f.auto.value if f.auto else (f"derived: {f.derived.value}" if f.derived else
                                                  "client, on Add only" if f.create_only else "client")
            lines.append(f"| {n} | {f.name} | {getattr(f.xsd, 'value', f.xsd)} | {f.max_length or ''} | "
                         f"{f.source.value} | {set_by} | {f.note} |")
        lines.append("")
    return "\n".join(lines)
