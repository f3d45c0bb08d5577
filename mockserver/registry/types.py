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

COMPLEX_TYPES = (AUTHENTICATION_DATA, LOGIN_INFO, PROJECT, USER, SERVER_PROPERTY)
