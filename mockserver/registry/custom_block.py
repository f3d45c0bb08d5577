"""The custom-field block every major item type starts with (reference §4.12)."""
from .model import Derivation, Field, Source, Xsd

RICH_CUSTOM_FIELDS = 10      # Custom1-10 hold up to 8000 characters
CUSTOM_FIELD_COUNT = 90      # Custom11-90 hold up to 100


def custom_field_max_length(number: int) -> int:
    return 8000 if number <= RICH_CUSTOM_FIELDS else 100


def custom_block() -> tuple[Field, ...]:
    # A custom field defined as a choice list (CustomFields_AddLookUp) keeps its values in the
    # project's list named after it; without one the field is free text.
    values = [
        Field(f"Custom{n}", Xsd.STRING, custom_field_max_length(n), choice_list=f"Custom{n}")
        for n in range(1, CUSTOM_FIELD_COUNT + 1)
    ]
    names = [
        Field(
            f"CustomFieldName{n}", Xsd.STRING, 30,
            derived=Derivation.CUSTOM_FIELD_NAME, derived_from=n,
            note="output only [INFERRED]: the name of the project's custom field n",
        )
        for n in range(1, CUSTOM_FIELD_COUNT + 1)
    ]
    arrays = [
        Field("CustomFields", Xsd.ARRAY_OF_STRING, derived=Derivation.CUSTOM_FIELD_VALUES,
              note="values of the defined custom fields, in number order; read-only here "
                   "(precedence over CustomN on input is undocumented)"),
        Field("CustomFieldNames", Xsd.ARRAY_OF_STRING, derived=Derivation.CUSTOM_FIELD_NAMES,
              source=Source.DOC, note="names of the defined custom fields, in number order"),
    ]
    return tuple(values + names + arrays)
