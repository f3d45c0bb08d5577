"""The vocabulary of the entity registry: fields, item types and operations.

Everything the mock knows about an item type is declared with these classes in
``entities.py``; spyne models, SQLite tables, the WSDL, validation and cascades are
derived from those declarations, so adding an item type is a declaration.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field as dc_field
from functools import cached_property

from .constants import NS


class Xsd(str, enum.Enum):
    """Wire types as an .asmx WSDL names them.

    [INFERRED] ``decimal`` members hold what .NET's System.Decimal holds (29 significant digits,
    at most 28 places), digits beyond rounded a half away from zero as .NET Framework's
    XmlConvert.ToDecimal rounds them; the store keeps them exactly (store.values.dotnet_decimal).
    Settled by the contract kit's test_decimals_keep_what_a_dotnet_decimal_holds.
    """

    STRING = "string"
    INT = "int"
    DECIMAL = "decimal"
    DATETIME = "dateTime"
    BOOLEAN = "boolean"
    BASE64_BINARY = "base64Binary"     # byte[]: a reference type, may be left out
    ARRAY_OF_STRING = "ArrayOfString"
    ARRAY_OF_INT = "ArrayOfInt"

    @property
    def is_value_type(self) -> bool:
        # .NET value types: always present on the wire (minOccurs=1, not nillable).
        return self in (Xsd.INT, Xsd.DECIMAL, Xsd.DATETIME, Xsd.BOOLEAN)

    @property
    def is_array(self) -> bool:
        return self in (Xsd.ARRAY_OF_STRING, Xsd.ARRAY_OF_INT)

    @staticmethod
    def named(type_name: str) -> "Xsd | None":
        """The wire type a parameter or member type names; None for a complex type's name.
        (Xsd(name) raises for those, which cost more than the lookup on every member.)"""
        return _XSD_BY_NAME.get(type_name)


_XSD_BY_NAME = {x.value: x for x in Xsd}


class Source(str, enum.Enum):
    """Provenance of a declaration, as labelled in the vendor reference."""

    DOC = "DOC"
    DOC_SAMPLE = "DOC-SAMPLE"
    INFERRED = "INFERRED"
    GUESS = "GUESS"


class Auto(str, enum.Enum):
    """Values the server sets itself; whatever a client sends is ignored."""

    ID = "id"                      # generated key; identifies the record on Update
    NOW_ON_ADD = "now_on_add"      # e.g. DateCreated
    NOW = "now"                    # on Add and every Update, e.g. DateUpdated
    CALLER_ON_ADD = "caller_on_add"
    CALLER = "caller"              # e.g. UpdateUserId
    PROJECT = "project"            # the project the item lives in
    SERVER_SET = "server_set"      # set only by a rule (status effects); kept on Update


class Derivation(str, enum.Enum):
    """Read-only values computed from other data when an item is read."""

    USER_NAME = "user_name"            # "LastName, FirstName" of the user in `source`
    FOLDER_NAME = "folder_name"        # FolderName of the folder in `source`
    PARENT_TITLE = "parent_title"      # title of the immediate parent in the hierarchy
    ROOT_ID = "root_id"                # id of the top of the hierarchy
    ROOT_TITLE = "root_title"          # title of the top of the hierarchy
    PATH = "path"                      # titles from the top down, joined with "/"
    CUSTOM_FIELD_NAME = "custom_field_name"    # name of custom field number `source`
    CUSTOM_FIELD_VALUES = "custom_field_values"
    CUSTOM_FIELD_NAMES = "custom_field_names"
    # `source` is "RefField.Field": the Field of the record RefField refers to (a test set
    # item shows its test's FolderName, a run item its run's TestSetName).
    MIRROR = "mirror"
    DURATION_TEXT = "duration_text"    # seconds in the field `source` as hh:mm:ss
    NOTE_COUNT = "note_count"          # how many notes the item has
    # The status or title ("status" | "title" in `source`) of the item a link points at, of
    # whichever type its LinkedEntityCode names.
    LINKED = "linked"
    # Items of another type gathered under this one by the operation that returns it (a project
    # plan's tasks and resources, on ProjectPlans_ExportMSProject); unset everywhere else.
    ASSEMBLED = "assembled"

    @property
    def computed_in_sql(self) -> bool:
        # Custom-field names come from per-project definitions; they are filled in
        # after the query and cannot be filtered or sorted on.
        return self not in _FILLED_AFTER_QUERY


_CUSTOM_FIELD_DERIVATIONS = frozenset((Derivation.CUSTOM_FIELD_NAME, Derivation.CUSTOM_FIELD_VALUES,
                                       Derivation.CUSTOM_FIELD_NAMES))
_FILLED_AFTER_QUERY = _CUSTOM_FIELD_DERIVATIONS | {Derivation.ASSEMBLED}


@dataclass(frozen=True, repr=False)
class Field:
    name: str
    xsd: Xsd
    max_length: int | None = None
    source: Source = Source.DOC
    auto: Auto | None = None
    derived: Derivation | None = None
    # For derivations: the field (or custom-field number) they are computed from.
    derived_from: str | int | None = None
    default: object = None
    # An Id that refers to another record; 0 on the wire means "none" (NULL).
    references: str | None = None
    # Value must come from the project's choice list of this name (when it has one).
    choice_list: str | None = None
    double_encoded: bool = False
    # Closed set of values (e.g. ReleaseType).
    allowed: tuple[str, ...] | None = None
    # Bounds of an int (a run time cannot be negative).
    minimum: int | None = None
    maximum: int | None = None
    indexed: bool = False
    # Set by the client on Add only; Update keeps the stored value (a run's TestId).
    create_only: bool = False
    note: str = ""

    def __repr__(self) -> str:
        return f"Field({self.name}: {self.xsd.value})"

    @property
    def type_name(self) -> str:
        """The name of the member's type: a wire type's, or a complex type's as declared."""
        return self.xsd.value if isinstance(self.xsd, Xsd) else self.xsd

    @property
    def writable(self) -> bool:
        return self.auto is None and self.derived is None

    def writable_on(self, kind: str) -> bool:
        return self.writable and (kind == "add" or not self.create_only)

    @property
    def stored(self) -> bool:
        """Has its own column (derived values are computed when read)."""
        return self.derived is None


class Right(str, enum.Enum):
    READ = "Read"
    ADD = "Add"
    UPDATE = "Update"
    DELETE = "Delete"


class Area(str, enum.Enum):
    """Security areas; rights are granted per area per project to security groups."""

    DEFECTS = "Defects"
    RELEASES = "Releases"
    REQUIREMENTS = "Requirements"
    AGILE_TASKS = "Agile Tasks"
    MANAGE_CHOICE_LISTS = "Manage Choice Lists"
    TEST_LIBRARY = "Test Library"
    TEST_SETS = "Test Sets"
    CONTACTS = "Contacts"
    FOLDERS = "Folder Maintenance"
    CUSTOM_FIELDS = "Manage Custom Fields"
    SHARED_DOCUMENTS = "Shared Documents"
    PROJECT_PLANS = "Project Plan Maintenance"
    PROJECT_PLAN_TASKS = "Project Plan Tasks"
    TEST_CASES = "Test Cases"
    TRACEABILITY = "Manage and View Traceability"
    # [DOC] the legacy bridge's areas, spelled as its pages spell them.
    AUTOMATION_HOSTS = "Automation Hosts"
    AUTOMATION_RUNS = "Automation Runs"
    AUTOMATION_SCHEDULES = "AutomationSchedules"
    AUTOMATION_TEST_ITEMS = "Automation Test Items"


@dataclass(frozen=True)
class RightCheck:
    area: Area | None
    right: Right


@dataclass(frozen=True)
class ParentLink:
    """A child's link to its parent; deleting the parent deletes the child.

    ``entity`` names the parent type ("*" for a polymorphic link through
    ``entity_code_field``, as notes and attachments are attached to any item).
    """

    entity: str
    field: str
    entity_code_field: str | None = None
    # False for a reference that outlives its item (an audit entry of a deleted defect).
    cascade: bool = True


@dataclass(frozen=True)
class Hierarchy:
    """A self-referencing tree (releases -> iterations -> builds)."""

    parent_field: str
    title_field: str
    kind_field: str
    # kind -> kinds its parent may have ( () means a root: no parent allowed ).
    parent_kinds: dict[str, tuple[str, ...]]
    max_depth: int


@dataclass(frozen=True)
class StatusEffect:
    """Fields the server sets when an item enters a status containing ``contains``."""

    contains: str
    sets: dict[str, str]  # field -> "caller" | "now" | literal int


@dataclass(frozen=True)
class Param:
    name: str
    type: str                 # an Xsd value, "AuthenticationData" or an item type name
    required: bool = False
    max_length: int | None = None
    # For an item-typed parameter that also takes a bare id as its text (the vendor's
    # TraceabilityLinks_Delete sample sends an object, its table an id): the field the id is.
    id_field: str | None = None


@dataclass(frozen=True)
class Operation:
    name: str
    kind: str                  # add | load | load_by_criteria | update | delete | helper name
    params: tuple[Param, ...]
    returns: str | None        # Xsd value, item type name, "ArrayOf<Type>" or None
    entity: str | None = None
    rights: tuple[RightCheck, ...] = ()
    authenticated: bool = True
    source: Source = Source.DOC
    # What each parameter is to the handler: {"item": "Tests", "alert": "SendEMailAlert", ...}.
    roles: dict = dc_field(default_factory=dict)
    # For items that hang off another item (notes, attachments, links): the right the caller
    # needs on the owning item's area, in place of a right of its own.
    owner_right: Right | None = None

    def arg(self, args: dict, role: str, default=None):
        name = self.roles.get(role)
        return args.get(name, default) if name else default

    @property
    def soap_action(self) -> str:
        return NS + self.name


@dataclass(frozen=True, repr=False)
class Entity:
    type_name: str             # Bug
    prefix: str                # Bugs (operation prefix)
    entity_code: str           # Bugs (EntityCode in notes, links, rights...)
    table: str
    id_field: str
    area: Area | None
    fields: tuple[Field, ...]
    # Parameter element names per operation, e.g. {"add": "FunctionalSpecs", "update": "FunctionalSpec"}.
    item_param: dict[str, str] = dc_field(default_factory=dict)
    id_param: str = ""          # element name of the id on Load / Delete
    # Where one operation names its id differently (TestSetItems_Delete takes TestSetId [DOC]).
    id_param_by_kind: dict[str, str] = dc_field(default_factory=dict)
    alert_param_add: str | None = "SendEmailAlert"
    alert_param_update: str | None = "SendEmailAlert"
    new_notes: bool = True     # Add takes NewNotes
    # String parameters Add takes between the alert and NewNotes, passed on to the type's
    # lifecycle (TestCases_Add's CreateDefectUponFailedTestCase).
    add_options: tuple[str, ...] = ()
    operations: tuple[str, ...] = ("add", "load", "load_by_criteria", "update", "delete")
    # Rights needed on top of the area's own (Releases_* also need Read on Defects).
    extra_rights: tuple[RightCheck, ...] = ()
    # Per operation kind, rights that replace the area's (adding a test step needs only
    # Update on the Test Library [DOC]).
    rights: dict[str, tuple[RightCheck, ...]] = dc_field(default_factory=dict)
    # Per operation kind, fields every call must set whatever the project requires
    # (the operation minimums of reference §4.3, e.g. a TestStep's TestId and Step).
    required: dict[str, tuple[str, ...]] = dc_field(default_factory=dict)
    parents: tuple[ParentLink, ...] = ()
    hierarchy: Hierarchy | None = None
    status_field: str | None = None
    status_effects: tuple[StatusEffect, ...] = ()
    entity_code_aliases: tuple[str, ...] = ()
    # Whether items belong to a project (directory-like types such as notes inherit it).
    title_field: str | None = "Title"

    def __repr__(self) -> str:
        return f"Entity({self.type_name})"

    def id_param_of(self, kind: str) -> str:
        return self.id_param_by_kind.get(kind, self.id_param)

    def field(self, name: str) -> Field:
        return self.fields_by_name[name]

    # cached_property writes the instance __dict__ directly, so it works on a frozen dataclass.
    @cached_property
    def fields_by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def fields_by_lower_name(self) -> dict[str, Field]:
        return {f.name.lower(): f for f in self.fields}

    # Per-type field lists walked on every call, found once.
    @cached_property
    def server_set_fields(self) -> tuple[Field, ...]:
        """The fields the server sets itself (walked on every Add)."""
        return tuple(f for f in self.fields if f.auto is not None)

    @cached_property
    def writable_scalar_fields(self) -> tuple[Field, ...]:
        """Writable, not arrays: the fields whose changes an Update audits."""
        return tuple(f for f in self.fields if f.writable and not f.xsd.is_array)

    @cached_property
    def checked_fields(self) -> tuple[Field, ...]:
        """The writable fields with something to check: a length, a set, a choice list, a range
        or a reference."""
        return tuple(f for f in self.fields if f.writable and (
            f.max_length is not None or f.allowed is not None or f.choice_list or f.references
            or (f.xsd is Xsd.INT and (f.minimum is not None or f.maximum is not None))))

    def written_on(self, kind: str) -> tuple[tuple[str, object], ...]:
        """(name, default) of the fields an operation of ``kind`` writes."""
        written = self._written_by_kind
        if kind not in written:
            written[kind] = tuple((f.name, f.default) for f in self.fields if f.writable_on(kind))
        return written[kind]

    @cached_property
    def _written_by_kind(self) -> dict:
        return {}

    @cached_property
    def custom_field_members(self) -> tuple[Field, ...]:
        """The members filled in after the query from the project's custom-field definitions."""
        return tuple(f for f in self.fields if f.derived in _CUSTOM_FIELD_DERIVATIONS)

    @property
    def array_type(self) -> str:
        return "ArrayOf" + self.type_name
