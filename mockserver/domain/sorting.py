"""The LoadByCriteria Sorting parameter: ``Field [ASC|DESC][, Field2 [ASC|DESC]]...``."""
from ..registry import Entity
from .errors import ValidationError


def parse_sorting(entity: Entity, sorting: str | None) -> list[tuple[str, bool]]:
    """(field name, descending) pairs; field names matched case-insensitively."""
    if sorting is None or not sorting.strip():
        return [(entity.id_field, False)]
    keys = []
    for part in sorting.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise ValidationError(
                f"Sorting '{sorting}' is not valid: use 'Field [ASC|DESC][, Field [ASC|DESC]]...'.")
        f = entity.fields_by_lower_name.get(words[0].lower())
        if f is None or (f.derived and not f.derived.computed_in_sql) or f.xsd.is_array:
            raise ValidationError(
                f"Sorting field '{words[0]}' is not a sortable field of {entity.type_name}.")
        if any(name == f.name for name, _ in keys):
            # As SQL Server: "A column has been specified more than once in the order by list".
            raise ValidationError(f"Sorting names {f.name} more than once.")
        direction = words[1].upper() if len(words) == 2 else "ASC"
        if direction not in ("ASC", "DESC"):
            raise ValidationError(
                f"Sorting direction '{words[1]}' is not valid: use ASC or DESC.")
        keys.append((f.name, direction == "DESC"))
    return keys
