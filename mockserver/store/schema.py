"""Tables, indexes and read views derived from the registry, plus the directory tables
(departments, projects, users, security groups and their rights, choice lists...)."""
from ..registry import REGISTRY, Derivation, Entity, Xsd

SQL_TYPES = {
    Xsd.STRING: "TEXT",
    Xsd.INT: "INTEGER",
    Xsd.DECIMAL: "TEXT",    # the exact value (values.decimal_text): REAL would round it to a double
    Xsd.DATETIME: "TEXT",   # ISO 8601 with milliseconds: sorts and compares as text
    Xsd.BOOLEAN: "INTEGER",
}

DIRECTORY_DDL = """
CREATE TABLE IF NOT EXISTS Settings (Key TEXT PRIMARY KEY, Value TEXT);
CREATE TABLE IF NOT EXISTS Departments (DeptId INTEGER PRIMARY KEY, DeptName TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS Projects (
    ProjId INTEGER PRIMARY KEY, ProjName TEXT NOT NULL,
    DeptId INTEGER NOT NULL REFERENCES Departments(DeptId));
CREATE TABLE IF NOT EXISTS Users (
    UserId INTEGER PRIMARY KEY, FirstName TEXT NOT NULL, LastName TEXT NOT NULL,
    Email TEXT NOT NULL UNIQUE COLLATE NOCASE, Password TEXT NOT NULL, TimeZone TEXT,
    DeptId INTEGER NOT NULL REFERENCES Departments(DeptId),
    IsActive TEXT NOT NULL DEFAULT 'Y', LastProjId INTEGER);
CREATE TABLE IF NOT EXISTS SecurityGroups (GroupId INTEGER PRIMARY KEY, GroupName TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS GroupMembers (
    GroupId INTEGER NOT NULL REFERENCES SecurityGroups(GroupId),
    UserId INTEGER NOT NULL REFERENCES Users(UserId), PRIMARY KEY (GroupId, UserId));
CREATE TABLE IF NOT EXISTS ProjectMembers (
    ProjId INTEGER NOT NULL REFERENCES Projects(ProjId),
    UserId INTEGER NOT NULL REFERENCES Users(UserId), PRIMARY KEY (ProjId, UserId));
CREATE TABLE IF NOT EXISTS GroupRights (
    GroupId INTEGER NOT NULL REFERENCES SecurityGroups(GroupId),
    ProjId INTEGER NOT NULL REFERENCES Projects(ProjId),
    Area TEXT NOT NULL, Right TEXT NOT NULL,
    PRIMARY KEY (GroupId, ProjId, Area, Right));
CREATE TABLE IF NOT EXISTS ChoiceLists (
    ProjId INTEGER NOT NULL, EntityCode TEXT NOT NULL, ListName TEXT NOT NULL,
    Seq INTEGER NOT NULL, Value TEXT NOT NULL,
    PRIMARY KEY (ProjId, EntityCode, ListName, Seq));
CREATE TABLE IF NOT EXISTS RequiredFields (
    ProjId INTEGER NOT NULL, EntityCode TEXT NOT NULL, FieldName TEXT NOT NULL,
    PRIMARY KEY (ProjId, EntityCode, FieldName));
CREATE TABLE IF NOT EXISTS CustomFieldDefs (
    ProjId INTEGER NOT NULL, EntityCode TEXT NOT NULL, CustomFieldNbr INTEGER NOT NULL,
    FieldName TEXT NOT NULL, FieldType TEXT NOT NULL DEFAULT 'Text', IsRequired TEXT NOT NULL DEFAULT 'N',
    FieldSize INTEGER,
    PRIMARY KEY (ProjId, EntityCode, CustomFieldNbr));
CREATE TABLE IF NOT EXISTS AttachmentFiles (
    AttachmentId INTEGER PRIMARY KEY REFERENCES Attachments(AttachmentId) ON DELETE CASCADE,
    Sha256 TEXT NOT NULL, Size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS DbLogs (
    LogId INTEGER PRIMARY KEY, SeverityCode TEXT, ErrSource TEXT, ErrNumber INTEGER, Description TEXT,
    AppCode TEXT, DateCreated TEXT NOT NULL, ProjId INTEGER, UserId INTEGER, UserName TEXT);
CREATE TABLE IF NOT EXISTS PerfLogs (
    LogId INTEGER PRIMARY KEY, Task TEXT, BeginDateTime TEXT, EndDateTime TEXT, DateCreated TEXT NOT NULL,
    ProjId INTEGER, UserId INTEGER);
CREATE TABLE IF NOT EXISTS Emails (
    EmailId INTEGER PRIMARY KEY, DateCreated TEXT NOT NULL, Operation TEXT NOT NULL,
    EntityCode TEXT, ItemId INTEGER, UserId INTEGER, FromAddress TEXT NOT NULL, ToAddress TEXT NOT NULL,
    CC TEXT NOT NULL DEFAULT '', Subject TEXT NOT NULL, Body TEXT NOT NULL);
"""


def quote(identifier: str) -> str:
    """Quote an identifier that comes from the registry (never from a request)."""
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A registry constant as an SQL string literal (view definitions cannot take parameters)."""
    return "'" + text.replace("'", "''") + "'"


def insert_sql(table: str, columns: list[str]) -> str:
    """A parameterised INSERT of ``columns`` (registry or schema names) into ``table``."""
    return (f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


def view_name(entity: Entity) -> str:
    return "v_" + entity.table


def table_ddl(entity: Entity) -> list[str]:
    columns = []
    for f in entity.fields:
        if not f.stored or f.xsd.is_array:
            continue
        if f.auto and f.auto.value == "id":
            columns.append(f"{quote(f.name)} INTEGER PRIMARY KEY AUTOINCREMENT")
        else:
            # Text compares and sorts case-insensitively, as under SQL Server's default
            # collation; indexes on text columns inherit it, so conditions can use them.
            collate = " COLLATE NOCASE" if f.xsd is Xsd.STRING else ""
            columns.append(f"{quote(f.name)} {SQL_TYPES[f.xsd]}{collate}")
    # Every item lives in a project, whether or not its wire type shows ProjId.
    if "ProjId" not in entity.fields_by_name:
        columns.append('"ProjId" INTEGER NOT NULL')
    statements = [f"CREATE TABLE IF NOT EXISTS {quote(entity.table)} ({', '.join(columns)})"]
    statements.append(
        f"CREATE INDEX IF NOT EXISTS {quote('ix_' + entity.table + '_ProjId')} "
        f"ON {quote(entity.table)} (\"ProjId\", {quote(entity.id_field)})")
    for f in entity.fields:
        if f.indexed and f.stored:
            columns = ["ProjId", f.name]
            if f.xsd is Xsd.DATETIME and entity.status_field:
                # "Status in (...) since <date>" is what sync jobs ask most: with the status in
                # the date index, rows of other statuses are skipped without being read
                # (a 100,000-defect benchmark query went from 18 to 8 ms).
                columns.append(entity.status_field)
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {quote('ix_' + entity.table + '_' + f.name)} "
                f"ON {quote(entity.table)} ({', '.join(map(quote, columns))})")
    for link in entity.parents:
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {quote('ix_' + entity.table + '_parent_' + link.field)} "
            f"ON {quote(entity.table)} ({quote(link.field)})")
    statements.append(view_ddl(entity))
    return statements


def derived_sql(entity: Entity, f) -> str | None:
    """SQL expression (over alias t and the hierarchy joins p1..pn) for a derived field."""
    d = f.derived
    if d is Derivation.USER_NAME:
        return (f"(SELECT u.LastName || ', ' || u.FirstName FROM Users u "
                f"WHERE u.UserId = t.{quote(f.derived_from)})")
    if d is Derivation.FOLDER_NAME:
        return f"(SELECT fo.FolderName FROM Folders fo WHERE fo.FolderId = t.{quote(f.derived_from)})"
    if d is Derivation.MIRROR:
        ref, name = f.derived_from.split(".")
        target = REGISTRY.entity(entity.fields_by_name[ref].references)
        return (f"(SELECT m.{quote(name)} FROM {quote(view_name(target))} m "
                f"WHERE m.{quote(target.id_field)} = t.{quote(ref)})")
    if d is Derivation.DURATION_TEXT:
        source = entity.fields_by_name[f.derived_from]
        seconds = f"COALESCE({derived_sql(entity, source) if source.derived else 't.' + quote(source.name)}, 0)"
        return f"printf('%02d:%02d:%02d', {seconds} / 3600, {seconds} % 3600 / 60, {seconds} % 60)"
    if d is Derivation.LINKED:
        # One branch per item type that has the asked-for field; other codes give NULL.
        branches = []
        for target in REGISTRY.entities:
            name = target.status_field if f.derived_from == "status" else target.title_field
            if name and target.area is not None:
                codes = ", ".join(_literal(c) for c in (target.entity_code,) + target.entity_code_aliases)
                branches.append(f"WHEN t.LinkedEntityCode IN ({codes}) THEN (SELECT x.{quote(name)} FROM "
                                f"{quote(target.table)} x WHERE x.{quote(target.id_field)} = t.LinkedFKId)")
        return f"CASE {' '.join(branches)} END"
    if d is Derivation.NOTE_COUNT:
        notes = REGISTRY.entity("Notes")
        return (f"(SELECT COUNT(*) FROM {quote(notes.table)} n WHERE n.FKId = t.{quote(entity.id_field)} "
                f"AND n.EntityCode = {_literal(entity.entity_code)})")
    h = entity.hierarchy
    if h is None:
        return None
    ancestors = [f"p{n}" for n in range(1, h.max_depth)]
    title, key = quote(h.title_field), quote(entity.id_field)
    if d is Derivation.PARENT_TITLE:
        return f"p1.{title}"
    if d is Derivation.ROOT_ID:
        return "COALESCE(" + ", ".join([f"{a}.{key}" for a in reversed(ancestors)] + [f"t.{key}"]) + ")"
    if d is Derivation.ROOT_TITLE:
        return "COALESCE(" + ", ".join([f"{a}.{title}" for a in reversed(ancestors)] + [f"t.{title}"]) + ")"
    if d is Derivation.PATH:
        parts = [f"COALESCE({a}.{title} || '/', '')" for a in reversed(ancestors)]
        return " || ".join(parts + [f"t.{title}"])
    return None


def view_ddl(entity: Entity) -> str:
    selects = ["t.*"]
    for f in entity.fields:
        if f.derived and f.derived.computed_in_sql:
            selects.append(f"{derived_sql(entity, f)} AS {quote(f.name)}")
    joins = ""
    h = entity.hierarchy
    if h is not None:
        previous = "t"
        for n in range(1, h.max_depth):
            joins += (f" LEFT JOIN {quote(entity.table)} p{n} "
                      f"ON p{n}.{quote(entity.id_field)} = {previous}.{quote(h.parent_field)}")
            previous = f"p{n}"
    return (f"CREATE VIEW IF NOT EXISTS {quote(view_name(entity))} AS "
            f"SELECT {', '.join(selects)} FROM {quote(entity.table)} t{joins}")


# What authentication, rights and custom fields are read from; the store caches those reads
# while DIRECTORY_VERSION's counter, which triggers move on any change to these tables from any
# connection or process, stays where it was.
DIRECTORY_TABLES = ("Settings", "Departments", "Projects", "Users", "SecurityGroups", "GroupMembers",
                    "ProjectMembers", "GroupRights", "ChoiceLists", "RequiredFields", "CustomFieldDefs")
DIRECTORY_VERSION = "_DirectoryVersion"


def directory_version_ddl() -> list[str]:
    statements = [f"CREATE TABLE IF NOT EXISTS {DIRECTORY_VERSION} (Version INTEGER NOT NULL)",
                  f"INSERT INTO {DIRECTORY_VERSION} SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {DIRECTORY_VERSION})"]
    for table in DIRECTORY_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {quote(f'_dv_{table}_{event.lower()}')} AFTER {event} ON "
                f"{quote(table)} BEGIN UPDATE {DIRECTORY_VERSION} SET Version = Version + 1; END")
    return statements


def all_ddl() -> list[str]:
    statements = [s.strip() for s in DIRECTORY_DDL.split(";") if s.strip()] + directory_version_ddl()
    for entity in REGISTRY.entities:
        statements.extend(table_ddl(entity))
    return statements
