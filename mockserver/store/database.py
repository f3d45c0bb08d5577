"""The Store: every read and write the mock makes, as parameterised SQL."""
from __future__ import annotations

import base64
import contextlib
import os
import sqlite3
import threading

import sqlite_utils

from ..failures import CommandFailure
from ..registry import REGISTRY, Entity, Xsd
from . import schema
from .files import FileStore
from .schema import insert_sql, quote, view_name
from .values import CONVERTED, DECIMAL_COLLATION, compare_decimals, date_to_sql, from_sql, to_sql


FILES = "_files"       # the key of attached files' contents in a dump
# SQLite's application_id of a qacmock database ("QMCK"): a file of another program is refused
# untouched instead of gaining our tables.
APPLICATION_ID = 0x514D434B
# Tables every qacmock database has had, for files made before the mark.
OUR_TABLES = {"Settings", "Users", "Projects", "Bugs"}
DIRECTORY_CACHE_SIZE = 10_000
_ORDER_COLLATION = {Xsd.STRING: " COLLATE NOCASE", Xsd.DECIMAL: f" COLLATE {DECIMAL_COLLATION}"}


class StoreError(CommandFailure):
    """A database file the mock cannot use, said in one line."""


def _connect(path: str) -> sqlite3.Connection:
    """A connection to ``path``, checked to be a qacmock database (or new) before anything is written."""
    if path != ":memory:":
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise StoreError(f"{path}: the folder {folder} does not exist")
        if os.path.isdir(path):
            raise StoreError(f"{path} is a folder, not a database file")
    try:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level="")
        mark = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} cannot be opened as a SQLite database ({error})") from None
    if mark != APPLICATION_ID and (mark != 0 or (tables and not OUR_TABLES <= tables)):
        conn.close()
        raise StoreError(f"{path} is a SQLite database of another program; qacmock leaves it untouched "
                         f"(give a new file, or one qacmock made)")
    if mark == 0:
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(f"{path} cannot be written ({error})") from None
    conn.create_collation(DECIMAL_COLLATION, compare_decimals)
    return conn


class Store:
    def __init__(self, path: str = ":memory:"):
        self.path = path
        conn = _connect(path)
        self.db = sqlite_utils.Database(conn)
        if path != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL loses nothing when the process dies, only on an OS crash or
            # power loss, which a mock can afford; FULL's fsync per commit cost a third of an Add.
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.files = FileStore(path)
        # One connection serves every request thread; the lock makes each domain
        # operation (a handful of statements) atomic with respect to the others.
        self.lock = threading.RLock()
        # BEGIN IMMEDIATE: workers opening one file together wait for each other's schema
        # statements (a deferred transaction upgrading to write would fail at once, locked).
        with self.transaction():
            self._keep_decimals_exact()
            for statement in schema.all_ddl():
                self.db.conn.execute(statement)
        self._stored_fields = {
            e.type_name: [f for f in e.fields if f.stored and not f.xsd.is_array]
            for e in REGISTRY.entities
        }
        self._insert_plans: dict = {}
        self._update_sqls: dict = {}
        self._directory_cache: dict = {}
        self._directory_seen: int | None = None
        self._call = threading.local()      # per thread: the version read in its current call
        # The columns whose SQLite form differs from the domain's (dates, decimals).
        self._converted = {e.type_name: [(f.name, f.xsd) for f in e.fields if f.xsd in CONVERTED]
                           for e in REGISTRY.entities}

    def _keep_decimals_exact(self):
        """Rebuild the REAL decimal columns of a database made by an earlier qacmock as TEXT,
        with each value's exact text (what the double held), and their view with them."""
        for entity in REGISTRY.entities:
            table = self.db[entity.table]
            if not table.exists():
                continue
            stale = [f for f in entity.fields if f.xsd is Xsd.DECIMAL and table.columns_dict.get(f.name) is float]
            if not stale:
                continue
            key = quote(entity.id_field)
            rows = self.db.conn.execute(
                f"SELECT {key}, {', '.join(quote(f.name) for f in stale)} FROM {quote(entity.table)}").fetchall()
            self.db.conn.execute(f"DROP VIEW IF EXISTS {quote(view_name(entity))}")   # the DDL makes it again
            table.transform(types={f.name: str for f in stale})
            self.db.conn.executemany(
                f"UPDATE {quote(entity.table)} SET {', '.join(f'{quote(f.name)} = ?' for f in stale)} "
                f"WHERE {key} = ?",
                ([to_sql(Xsd.DECIMAL, from_sql(Xsd.DECIMAL, v)) for v in row[1:]] + [row[0]] for row in rows))

    def close(self):
        """Checkpoint the WAL into the database file, then close: the file alone is complete."""
        with self.lock:
            if self.path != ":memory:":
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.close()
            self.files.close()

    # -- whole-database views: export, import, digest -----------------------------
    def tables(self) -> list[str]:
        """The tables of the data: SQLite's own and the directory's version counter left out."""
        return [r["name"] for r in self._rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> ? ORDER BY name", (schema.DIRECTORY_VERSION,))]

    def dump(self) -> dict[str, list[dict]]:
        """Every row of every table, in key order, and under FILES the attached files' contents
        (base64): what export writes and digest hashes."""
        with self.lock:
            tables = {t: self._rows(f"SELECT * FROM {quote(t)} ORDER BY rowid") for t in self.tables()}
            digests = sorted({row["Sha256"] for row in tables.get("AttachmentFiles", [])})
            if digests:
                tables[FILES] = [{"Sha256": d, "Data": base64.b64encode(self.files.get(d) or b"").decode("ascii")}
                                 for d in digests]
            return tables

    def restore(self, tables: dict[str, list[dict]]):
        """Rows as ``dump`` gives them, into an empty store."""
        tables = dict(tables)
        try:
            for row in tables.pop(FILES, None) or []:
                self.files.put(base64.b64decode(row["Data"], validate=True))
        except (TypeError, KeyError, ValueError) as e:
            raise ValueError(f"the export's {FILES} cannot be loaded: {e}") from None
        known = set(self.tables())
        unknown = sorted(set(tables) - known)
        if unknown:
            raise ValueError(f"unknown tables in the export: {', '.join(unknown)}")
        try:
            with self.transaction():
                # Tables go in name order, not dependency order: check references at commit.
                self.db.conn.execute("PRAGMA defer_foreign_keys = ON")
                for name in sorted(known):
                    rows = tables.get(name) or []
                    if rows:
                        columns = list(rows[0])
                        self.db.conn.executemany(insert_sql(name, columns),
                                                 ([row.get(c) for c in columns] for row in rows))
        except (sqlite3.Error, AttributeError, TypeError) as e:
            raise ValueError(f"the export cannot be loaded: {e}") from None

    def count_rows(self, table: str) -> int:
        if table not in self.tables():
            raise ValueError(f"no table {table}")
        return self._one(f"SELECT COUNT(*) AS n FROM {quote(table)}")["n"]

    # -- snapshots: SQLite's online backup, under the lock so no operation is cut in two --
    def snapshot(self) -> sqlite3.Connection:
        """A copy of the whole database, in memory."""
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        with self.lock:
            self.db.conn.backup(copy)
        return copy

    def restore_snapshot(self, copy: sqlite3.Connection):
        """Make the database what ``copy`` holds; requests wait for it, none sees a mix."""
        with self.lock:
            before = self._directory_version()
            copy.backup(self.db.conn)
            self._move_directory_version_past(before)

    # -- the directory: cached reads ---------------------------------------------
    def _directory_version(self) -> int:
        call = self._call
        if getattr(call, "open", False):
            changes = self.db.conn.total_changes
            if getattr(call, "changes", None) != changes:
                call.version, call.changes = self._read_directory_version(), changes
            return call.version
        return self._read_directory_version()

    def _read_directory_version(self) -> int:
        return self.db.conn.execute(f"SELECT Version FROM {schema.DIRECTORY_VERSION}").fetchone()[0]

    @contextlib.contextmanager
    def one_call(self):
        """One client call: the directory's version is read once in it, and again only after this
        connection has written (authentication alone read it five times). Another program's
        change is seen from the next call on."""
        call = self._call
        call.open, call.changes = True, None
        try:
            yield
        finally:
            call.open = False

    def _move_directory_version_past(self, before: int):
        """After a restore the counter may be back at a value a cache (of this process or another
        worker's) has seen with other contents: move it past both."""
        with self.transaction():
            self.db.conn.execute(f"UPDATE {schema.DIRECTORY_VERSION} SET Version = MAX(Version, ?) + 1", (before,))

    def _directory(self, key: tuple, read):
        """``read()``, or what it gave while the directory tables have not changed since. Every
        directory read saved is a query: authentication alone made five per call."""
        with self.lock:
            version = self._directory_version()
            # Keys hold ids clients send (a UserId that names no one is a key too): bounded.
            if version != self._directory_seen or len(self._directory_cache) > DIRECTORY_CACHE_SIZE:
                self._directory_cache.clear()
                self._directory_seen = version
            if key not in self._directory_cache:
                self._directory_cache[key] = read()
            return self._directory_cache[key]

    def cached(self, key: tuple, compute):
        """``compute()``, kept while the directory tables do not change: for what callers derive
        from directory reads alone (a project's custom-field plan), so that it is not rebuilt
        on every call. The value is shared: callers must not change it."""
        return self._directory(("cached",) + key, compute)

    def analyze(self):
        """Refresh the planner's statistics; worth it after loading many items at once."""
        with self.lock:
            self.db.conn.execute("ANALYZE")

    @contextlib.contextmanager
    def transaction(self):
        """One atomic unit of writes. The outermost takes SQLite's write lock at once (BEGIN
        IMMEDIATE): with several worker processes on one file, a transaction that read first
        and wrote later could otherwise fail to upgrade its lock instead of waiting for it."""
        with self.lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield self
                return
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
                self.db.conn.commit()      # deferred foreign keys are checked here
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.rollback()
                raise

    def _rows(self, sql: str, params=()) -> list[dict]:
        # Under the lock even for a caller that forgot it: on Python 3.12 and later, two threads
        # reading through one connection at once get each other's rows or API-misuse errors.
        with self.lock:
            cursor = self.db.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def _one(self, sql: str, params=()) -> dict | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    # -- settings ------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._directory(("setting", key), lambda: self._one("SELECT Value FROM Settings WHERE Key = ?", (key,)))
        return row["Value"] if row else default

    def set_setting(self, key: str, value: str):
        self.db.conn.execute("INSERT OR REPLACE INTO Settings (Key, Value) VALUES (?, ?)", (key, value))

    def is_empty(self) -> bool:
        return self._one("SELECT COUNT(*) AS n FROM Users")["n"] == 0

    # -- directory -----------------------------------------------------------
    def insert_directory(self, table: str, rows: list[dict]):
        if rows:
            self.db[table].insert_all(rows)

    def user(self, user_id: int) -> dict | None:
        row = self._directory(("user", user_id), lambda: self._one("SELECT * FROM Users WHERE UserId = ?", (user_id,)))
        return dict(row) if row else None

    def security_groups(self) -> list[dict]:
        return self._rows("SELECT GroupId, GroupName FROM SecurityGroups ORDER BY GroupName COLLATE NOCASE")

    def add_user(self, user: dict, proj_id: int, group_id: int) -> int:
        cursor = self.db.conn.execute(
            "INSERT INTO Users (FirstName, LastName, Email, Password, TimeZone, DeptId, IsActive, LastProjId) "
            "VALUES (?, ?, ?, ?, ?, ?, 'Y', ?)",
            (user["FirstName"], user["LastName"], user["Email"], user["Password"], user["TimeZone"],
             user["DeptId"], proj_id))
        user_id = cursor.lastrowid
        self.db.conn.execute("INSERT INTO ProjectMembers (ProjId, UserId) VALUES (?, ?)", (proj_id, user_id))
        self.db.conn.execute("INSERT INTO GroupMembers (GroupId, UserId) VALUES (?, ?)", (group_id, user_id))
        return user_id

    def project_users(self, proj_id: int) -> list[dict]:
        """The project's members with their first security group by name, in id order."""
        return self._rows(
            "SELECT u.UserId, u.FirstName, u.LastName, u.Email, u.TimeZone, "
            "(SELECT g.GroupName FROM GroupMembers gm JOIN SecurityGroups g ON g.GroupId = gm.GroupId "
            " WHERE gm.UserId = u.UserId ORDER BY g.GroupName COLLATE NOCASE LIMIT 1) AS SecurityGroup "
            "FROM ProjectMembers m JOIN Users u ON u.UserId = m.UserId WHERE m.ProjId = ? ORDER BY u.UserId",
            (proj_id,))

    def user_by_email(self, email: str) -> dict | None:
        return self._one("SELECT * FROM Users WHERE Email = ? COLLATE NOCASE", (email,))

    def set_last_project(self, user_id: int, proj_id: int):
        self.db.conn.execute("UPDATE Users SET LastProjId = ? WHERE UserId = ?", (proj_id, user_id))

    def project(self, proj_id: int) -> dict | None:
        row = self._directory(("project", proj_id), lambda: self._one(
            "SELECT p.ProjId, p.ProjName, p.DeptId, d.DeptName FROM Projects p "
            "JOIN Departments d ON d.DeptId = p.DeptId WHERE p.ProjId = ?", (proj_id,)))
        return dict(row) if row else None

    def member_projects(self, user_id: int) -> list[dict]:
        rows = self._directory(("member_projects", user_id), lambda: self._rows(
            "SELECT p.DeptId, d.DeptName, p.ProjId, p.ProjName FROM ProjectMembers m "
            "JOIN Projects p ON p.ProjId = m.ProjId JOIN Departments d ON d.DeptId = p.DeptId "
            "WHERE m.UserId = ? ORDER BY p.ProjId", (user_id,)))
        return [dict(r) for r in rows]

    def project_user_ids(self, proj_id: int) -> set[int]:
        rows = self._rows("SELECT UserId FROM ProjectMembers WHERE ProjId = ?", (proj_id,))
        return {r["UserId"] for r in rows}

    def rights(self, user_id: int, proj_id: int) -> frozenset[tuple[str, str]]:
        return self._directory(("rights", user_id, proj_id), lambda: frozenset(
            (r["Area"], r["Right"]) for r in self._rows(
                "SELECT DISTINCT r.Area, r.Right FROM GroupRights r "
                "JOIN GroupMembers g ON g.GroupId = r.GroupId WHERE g.UserId = ? AND r.ProjId = ?",
                (user_id, proj_id))))

    def projects_with_right(self, user_id: int, area: str, right: str) -> set[int]:
        rows = self._rows(
            "SELECT DISTINCT r.ProjId FROM GroupRights r JOIN GroupMembers g ON g.GroupId = r.GroupId "
            "WHERE g.UserId = ? AND r.Area = ? AND r.Right = ?", (user_id, area, right))
        return {r["ProjId"] for r in rows}

    def choice_list(self, proj_id: int, entity_code: str, list_name: str) -> list[str]:
        return list(self._directory(("choice_list", proj_id, entity_code, list_name), lambda: tuple(
            r["Value"] for r in self._rows(
                "SELECT Value FROM ChoiceLists WHERE ProjId = ? AND EntityCode = ? AND ListName = ? "
                "ORDER BY Seq", (proj_id, entity_code, list_name)))))

    def required_fields(self, proj_id: int, entity_code: str) -> list[str]:
        """The project's required fields, its required custom fields (as CustomN) included."""
        return list(self._directory(("required_fields", proj_id, entity_code), lambda: tuple(
            r["FieldName"] for r in self._rows(
                "SELECT FieldName FROM RequiredFields WHERE ProjId = ? AND EntityCode = ? "
                "UNION SELECT 'Custom' || CustomFieldNbr FROM CustomFieldDefs "
                "WHERE ProjId = ? AND EntityCode = ? AND IsRequired = 'Y' ORDER BY 1",
                (proj_id, entity_code, proj_id, entity_code)))))

    def custom_field_defs(self, proj_id: int, entity_code: str) -> list[dict]:
        rows = self._directory(("custom_field_defs", proj_id, entity_code), lambda: self._rows(
            "SELECT rowid AS CustomFieldId, EntityCode, CustomFieldNbr, FieldName, FieldType, FieldSize, IsRequired "
            "FROM CustomFieldDefs WHERE ProjId = ? AND EntityCode = ? ORDER BY CustomFieldNbr", (proj_id, entity_code)))
        return [dict(r) for r in rows]

    def put_custom_field(self, proj_id: int, definition: dict) -> int:
        """Add or overwrite the definition at its number; its internal id."""
        self.db.conn.execute(
            "INSERT INTO CustomFieldDefs (ProjId, EntityCode, CustomFieldNbr, FieldName, FieldType, IsRequired, "
            "FieldSize) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ProjId, EntityCode, CustomFieldNbr) DO UPDATE SET "
            "FieldName = excluded.FieldName, FieldType = excluded.FieldType, IsRequired = excluded.IsRequired, "
            "FieldSize = excluded.FieldSize",
            (proj_id, definition["EntityCode"], definition["CustomFieldNbr"], definition["FieldName"],
             definition["FieldType"], definition["IsRequired"], definition["FieldSize"]))
        return self._one("SELECT rowid AS id FROM CustomFieldDefs WHERE ProjId = ? AND EntityCode = ? AND "
                         "CustomFieldNbr = ?", (proj_id, definition["EntityCode"], definition["CustomFieldNbr"]))["id"]

    def delete_custom_field(self, entity: Entity, proj_id: int, number: int):
        """The definition, its choice list, and the field's values in every item of the area."""
        self.db.conn.execute("DELETE FROM CustomFieldDefs WHERE ProjId = ? AND EntityCode = ? AND CustomFieldNbr = ?",
                             (proj_id, entity.entity_code, number))
        self.set_choice_list(proj_id, entity.entity_code, f"Custom{number}", [])
        column = quote(f"Custom{number}")
        self.db.conn.execute(f"UPDATE {quote(entity.table)} SET {column} = NULL WHERE ProjId = ?", (proj_id,))

    def choice_lists(self, proj_id: int, entity_code: str) -> dict[str, list[str]]:
        lists: dict[str, list[str]] = {}
        for row in self._rows("SELECT ListName, Value FROM ChoiceLists WHERE ProjId = ? AND EntityCode = ? "
                              "ORDER BY ListName, Seq", (proj_id, entity_code)):
            lists.setdefault(row["ListName"], []).append(row["Value"])
        return lists

    def set_choice_list(self, proj_id: int, entity_code: str, name: str, values: list[str]):
        self.db.conn.execute("DELETE FROM ChoiceLists WHERE ProjId = ? AND EntityCode = ? AND ListName = ?",
                             (proj_id, entity_code, name))
        self.db.conn.executemany(
            "INSERT INTO ChoiceLists (ProjId, EntityCode, ListName, Seq, Value) VALUES (?, ?, ?, ?, ?)",
            [(proj_id, entity_code, name, n, v) for n, v in enumerate(values, start=1)])

    def record_log(self, table: str, row: dict):
        """A DbLog or PerfLog the client wrote; ``table`` is DbLogs or PerfLogs."""
        row = {k: date_to_sql(v) if hasattr(v, "isoformat") else v for k, v in row.items()}
        self.db.conn.execute(insert_sql(table, list(row)), list(row.values()))

    def logs(self, table: str) -> list[dict]:
        return self._rows(f"SELECT * FROM {quote(table)} ORDER BY LogId")

    def clear_logs(self):
        self.db.conn.execute("DELETE FROM DbLogs")
        self.db.conn.execute("DELETE FROM PerfLogs")

    def record_email(self, email: dict):
        """An e-mail the service would send: kept in the outbox, never sent."""
        row = {**email, "DateCreated": date_to_sql(email["DateCreated"])}
        self.db.conn.execute(insert_sql("Emails", list(row)), list(row.values()))

    def emails(self, to: str | None = None, subject: str | None = None, operation: str | None = None,
               limit: int | None = None) -> list[dict]:
        """The outbox, oldest first; ``to`` and ``subject`` match case-insensitive substrings."""
        conditions, params = [], []
        for column, value in (("ToAddress", to), ("Subject", subject)):
            if value:
                conditions.append(f"instr(lower({column}), lower(?)) > 0")
                params.append(value)
        if operation:
            conditions.append("Operation = ?")
            params.append(operation)
        sql = "SELECT * FROM Emails" + (" WHERE " + " AND ".join(conditions) if conditions else "")
        sql += " ORDER BY EmailId" + (" LIMIT ?" if limit is not None else "")
        return self._rows(sql, params + ([limit] if limit is not None else []))

    def clear_emails(self):
        self.db.conn.execute("DELETE FROM Emails")

    def attach_file(self, attachment_id: int, data: bytes):
        digest = self.files.put(data)
        self.db.conn.execute("INSERT OR REPLACE INTO AttachmentFiles (AttachmentId, Sha256, Size) VALUES (?, ?, ?)",
                             (attachment_id, digest, len(data)))

    def attached_file(self, attachment_id: int) -> bytes | None:
        row = self._one("SELECT Sha256 FROM AttachmentFiles WHERE AttachmentId = ?", (attachment_id,))
        return self.files.get(row["Sha256"]) if row else None

    def alerts(self) -> list[dict]:
        return self._rows("SELECT * FROM EmailAlerts ORDER BY AlertId")

    # -- items -----------------------------------------------------------------
    def _decode(self, entity: Entity, row: dict) -> dict:
        for name, xsd in self._converted[entity.type_name]:
            value = row.get(name)
            if value is not None:
                row[name] = from_sql(xsd, value)
        return row

    def insert_items(self, entity: Entity, rows: list[dict], proj_id: int):
        """Many items at once (generated data); the caller holds a transaction."""
        present = set().union(*rows) if rows else set()
        # Only the columns the rows set: an item type has ~130 columns, mostly left NULL,
        # and binding them all doubled the cost of a large seed.
        sql, columns = self._insert_plan(entity, present)
        self.db.conn.executemany(sql, (_insert_row(columns, row, proj_id) for row in rows))

    def insert_item(self, entity: Entity, values: dict, proj_id: int) -> int:
        plan = self._insert_plans.get(entity.type_name)
        if plan is None:    # every column, the same for each Add of the type
            plan = self._insert_plans[entity.type_name] = self._insert_plan(entity)
        sql, columns = plan
        return self.db.conn.execute(sql, _insert_row(columns, values, proj_id)).lastrowid

    def _insert_plan(self, entity: Entity, names: set | None = None) -> tuple[str, tuple]:
        """The INSERT of an item (of its ``names`` only, when given) and its columns: (name, Xsd
        when the value needs converting). ProjId comes last, from the caller, even where the wire
        type declares it (Release)."""
        columns = tuple((f.name, f.xsd if f.xsd in CONVERTED else None)
                        for f in self._stored_fields[entity.type_name]
                        if f.name not in (entity.id_field, "ProjId") and (names is None or f.name in names))
        return insert_sql(entity.table, [name for name, _ in columns] + ["ProjId"]), columns

    def update_item(self, entity: Entity, item_id: int, values: dict):
        fields = [f for f in self._stored_fields[entity.type_name]
                  if f.name in values and f.name not in (entity.id_field, "ProjId")]
        if not fields:
            return
        self.db.conn.execute(self._update_sql(entity, tuple(f.name for f in fields)),
                             [to_sql(f.xsd, values[f.name]) for f in fields] + [item_id])

    def _update_sql(self, entity: Entity, names: tuple[str, ...]) -> str:
        # An Update writes the same columns call after call: the statement is kept, a few per type.
        key = (entity.type_name, names)
        sql = self._update_sqls.get(key)
        if sql is None:
            if len(self._update_sqls) > 1000:
                self._update_sqls.clear()
            sql = self._update_sqls[key] = (
                f"UPDATE {quote(entity.table)} SET {', '.join(f'{quote(n)} = ?' for n in names)} "
                f"WHERE {quote(entity.id_field)} = ?")
        return sql

    def load_item(self, entity: Entity, item_id: int) -> dict | None:
        row = self._one(
            f"SELECT * FROM {quote(view_name(entity))} WHERE {quote(entity.id_field)} = ?", (item_id,))
        return self._decode(entity, row) if row else None

    def item_columns(self, entity: Entity, proj_id: int, names: list[str]) -> list[dict]:
        """A project's items as stored, only the named fields that have columns, in id order:
        cheap for many items (an item type has some two hundred columns)."""
        fields = [f for f in self._stored_fields[entity.type_name] if f.name in set(names) | {entity.id_field}]
        rows = self._rows(f"SELECT {', '.join(quote(f.name) for f in fields)} FROM {quote(entity.table)} "
                          f"WHERE ProjId = ? ORDER BY {quote(entity.id_field)}", (proj_id,))
        return [self._decode(entity, row) for row in rows]

    def find_items(self, entity: Entity, ordered_by: str | None = None, between: tuple | None = None,
                   **equal) -> list[dict]:
        """The items whose fields (registry names) equal the given values, in id order, or with
        ``ordered_by`` (a registry field name, "Seq" say) in that field's order first (unset
        counts as 0). ``between`` = (field, low, high): only items whose field lies strictly
        between the two."""
        conditions = [f"{quote(name)} = ?" for name in equal]
        params = list(equal.values())
        if between is not None:
            name, low, high = between
            f = entity.field(name)
            conditions.append(f"{quote(f.name)} > ? AND {quote(f.name)} < ?")
            params += [to_sql(f.xsd, low), to_sql(f.xsd, high)]
        order = (f"COALESCE({quote(entity.field(ordered_by).name)}, 0), " if ordered_by else "") + quote(entity.id_field)
        rows = self._rows(f"SELECT * FROM {quote(view_name(entity))} WHERE {' AND '.join(conditions) or '1'} "
                          f"ORDER BY {order}", params)
        return [self._decode(entity, row) for row in rows]

    def exists(self, entity: Entity, item_id: int) -> bool:
        return self.item_project(entity, item_id) is not None

    def item_project(self, entity: Entity, item_id: int) -> int | None:
        row = self._one(
            f"SELECT ProjId FROM {quote(entity.table)} WHERE {quote(entity.id_field)} = ?", (item_id,))
        return row["ProjId"] if row else None

    def load_page(self, entity: Entity, proj_ids: list[int], order_by: list[tuple[str, bool]],
                  limit: int, offset: int, where: tuple[str, list] | None = None) -> list[dict]:
        """One page of items in the given projects.

        ``order_by`` holds (field name, descending) pairs of registry-checked names; ``where``
        is a compiled, parameterised condition (``store.where``).
        """
        # The page's ids are chosen first, so that derived columns (user and folder names,
        # hierarchy paths) are computed only for the rows returned, not for every match.
        inner, params = self._page_ids_query(entity, proj_ids, order_by, where)
        sql = (f"SELECT * FROM {quote(view_name(entity))} WHERE {quote(entity.id_field)} IN ({inner}) "
               f"ORDER BY {self._order_keys(entity, order_by)}")
        return [self._decode(entity, row) for row in self._rows(sql, params + [limit, offset])]

    def page_ids_plan(self, entity: Entity, proj_ids: list[int], order_by, where=None) -> list[str]:
        """EXPLAIN QUERY PLAN of a page's id query, for benchmarks and index checks."""
        sql, params = self._page_ids_query(entity, proj_ids, order_by, where)
        rows = self._rows("EXPLAIN QUERY PLAN " + sql, params + [200, 0])
        return [row["detail"] for row in rows]

    def _page_ids_query(self, entity: Entity, proj_ids, order_by, where) -> tuple[str, list]:
        sql = (f"SELECT {quote(entity.id_field)} FROM {quote(view_name(entity))} "
               f"WHERE ProjId IN ({', '.join('?' for _ in proj_ids)})")
        params: list = list(proj_ids)
        if where is not None:
            sql += f" AND {where[0]}"
            params += where[1]
        return sql + f" ORDER BY {self._order_keys(entity, order_by)} LIMIT ? OFFSET ?", params

    @staticmethod
    def _order_keys(entity: Entity, order_by: list[tuple[str, bool]]) -> str:
        keys = [f"{quote(name)}{_ORDER_COLLATION.get(entity.fields_by_name[name].xsd, '')}"
                f" {'DESC' if desc else 'ASC'}" for name, desc in order_by]
        if not any(name == entity.id_field for name, _ in order_by):
            # Ties are broken by ID so that pages never overlap or skip items.
            keys.append(f"{quote(entity.id_field)} ASC")
        return ", ".join(keys)

    def exists_in_project(self, entity: Entity, item_id: int, proj_id: int, **equal) -> bool:
        conditions = "".join(f" AND {quote(k)} = ?" for k in equal)
        row = self._one(
            f"SELECT 1 AS found FROM {quote(entity.table)} WHERE {quote(entity.id_field)} = ? "
            f"AND ProjId = ?{conditions}", (item_id, proj_id, *equal.values()))
        return row is not None

    def child_ids(self, child: Entity, link, parent: Entity, parent_ids: list[int]) -> list[int]:
        placeholders = ", ".join("?" for _ in parent_ids)
        sql = (f"SELECT {quote(child.id_field)} AS id FROM {quote(child.table)} "
               f"WHERE {quote(link.field)} IN ({placeholders})")
        params = list(parent_ids)
        if link.entity_code_field:
            codes = (parent.entity_code,) + parent.entity_code_aliases
            sql += f" AND {quote(link.entity_code_field)} IN ({', '.join('?' for _ in codes)})"
            params += list(codes)
        return [r["id"] for r in self._rows(sql, params)]

    def delete_items(self, entity: Entity, ids: list[int]):
        if ids:
            self.db.conn.execute(
                f"DELETE FROM {quote(entity.table)} WHERE {quote(entity.id_field)} IN "
                f"({', '.join('?' for _ in ids)})", ids)

    def clear_references(self, entity: Entity, field: str, ids: list[int]):
        """Unset ``field`` (a registry name) wherever it names one of ``ids``."""
        if ids:
            self.db.conn.execute(
                f"UPDATE {quote(entity.table)} SET {quote(field)} = NULL WHERE {quote(field)} IN "
                f"({', '.join('?' for _ in ids)})", ids)

    def column_max(self, entity: Entity, field: str):
        """The largest value of ``field`` (a registry name) over every item, None when there is none."""
        return self._one(f"SELECT MAX({quote(entity.field(field).name)}) AS m FROM {quote(entity.table)}")["m"]

    def count(self, entity: Entity) -> int:
        return self._one(f"SELECT COUNT(*) AS n FROM {quote(entity.table)}")["n"]


def _insert_row(columns: tuple, values: dict, proj_id: int) -> list:
    """The parameters of an INSERT that ``Store._insert_plan`` made."""
    get = values.get
    row = [get(name) if xsd is None else to_sql(xsd, get(name)) for name, xsd in columns]
    row.append(proj_id)
    return row
