"""Complex types that are not item types: credentials and login information."""
from dataclasses import dataclass
from functools import cached_property

from .model import Field, Source, Xsd


@dataclass(frozen=True)
class ComplexType:
    type_name: str
    fields: tuple[Field, ...]

    @cached_property
    def fields_by_name(self) -> dict:
        return {f.name: f for f in self.fields}

    @property
    def array_type(self) -> str:
        return "ArrayOf" + self.type_name


AUTHENTICATION_DATA = ComplexType("AuthenticationData", (
    Field("AppCode", Xsd.STRING),
    Field("DeptId", Xsd.INT),
    Field("ProjId", Xsd.INT),
    Field("UserId", Xsd.INT),
    Field("PassCode", Xsd.STRING, 15),
    Field("ProjIds", Xsd.ARRAY_OF_INT),
))

PROJECT = ComplexType("Project", (
    Field("DeptId", Xsd.INT),
    Field("DeptName", Xsd.STRING),
    Field("ProjId", Xsd.INT),
    Field("ProjName", Xsd.STRING),
))

LOGIN_INFO = ComplexType("LoginInfo", (
    Field("UserId", Xsd.INT),
    Field("AppCode", Xsd.STRING),
    Field("ProjId", Xsd.INT, note="the project the user worked in last"),
    Field("DeptId", Xsd.INT),
    Field("Projects", "ArrayOfProject", source=Source.DOC),
))

# [DOC] complete (§7.15); Password is only for service and test accounts and is never read back.
USER = ComplexType("User", (
    Field("UserId", Xsd.INT),
    Field("FirstName", Xsd.STRING, 25),
    Field("LastName", Xsd.STRING, 25),
    Field("Email", Xsd.STRING, 255, note="the login"),
    Field("SecurityGroup", Xsd.STRING, 255, note="default: the alphabetically first group"),
    Field("Password", Xsd.STRING, 255, note="write only [INFERRED]: User_GetByProject leaves it out"),
    Field("TimeZone", Xsd.STRING, 100, note="default: the server's time zone"),
))

# [DOC-SAMPLE] §4.1; [INFERRED] ServerOffsetInSecs = UTC - local, positive for a server behind UTC.
SERVER_PROPERTY = ComplexType("ServerProperty", (
    Field("ServerLocalTime", Xsd.DATETIME),
    Field("ServerUTCTime", Xsd.DATETIME),
    Field("ServerOffsetInSecs", Xsd.INT),
))

# [DOC] §7.16: an error record of the client's, and a Performance Log Manager record.
DB_LOG = ComplexType("DbLog", (
    Field("SeverityCode", Xsd.STRING, 100, note='e.g. "3-Error"'),
    Field("ErrSource", Xsd.STRING, 64),
    Field("ErrNumber", Xsd.INT),
    Field("Description", Xsd.STRING, 500),
    Field("AppCode", Xsd.STRING),
    Field("DateCreated", Xsd.DATETIME),
    Field("ProjId", Xsd.INT, note="0 if not project-specific"),
    Field("UserId", Xsd.INT, note="0 if not user-specific"),
    Field("UserName", Xsd.STRING, 78, note="set by the server from the user [DOC: Add page]"),
))

PERF_LOG = ComplexType("PerfLog", (
    Field("Task", Xsd.STRING, 100),
    Field("BeginDateTime", Xsd.DATETIME),
    Field("EndDateTime", Xsd.DATETIME),
))

# [DOC] §7.16 Grid and KeyValueItem, for EntityMetadata_GetAll (whose signature is [INFERRED]).
KEY_VALUE_ITEM = ComplexType("KeyValueItem", (
    Field("Key", Xsd.STRING),
    Field("Value", Xsd.STRING),
))

GRID = ComplexType("Grid", (
    Field("ColName", Xsd.STRING),
    Field("ColCaption", Xsd.STRING),
    Field("IsColLocked", Xsd.STRING),
    Field("IsRequired", Xsd.STRING),
    Field("DefaultValue", Xsd.STRING),
    Field("DataType", Xsd.STRING),
    Field("ListOfValues", "ArrayOfKeyValueItem"),
))

# [DOC] complete (§7.13, §7.14).
CUSTOM_FIELD = ComplexType("CustomField", (
    Field("EntityCode", Xsd.STRING, 100),
    Field("CustomFieldNbr", Xsd.INT, note="1-90"),
    Field("FieldName", Xsd.STRING, 30),
    Field("FieldType", Xsd.STRING, 30),
    Field("FieldSize", Xsd.INT),
    Field("IsRequired", Xsd.STRING, 1),
))

LOOK_UP = ComplexType("LookUp", (
    Field("Type", Xsd.STRING, note='e.g. "Bugs-Custom1"; [INFERRED] "<EntityCode>-<list>" for every list'),
    Field("Description", Xsd.STRING),
    Field("Values", Xsd.ARRAY_OF_STRING),
))

COMPLEX_TYPES = (AUTHENTICATION_DATA, LOGIN_INFO, PROJECT, USER, SERVER_PROPERTY, DB_LOG, PERF_LOG,
                 KEY_VALUE_ITEM, GRID, CUSTOM_FIELD, LOOK_UP)
