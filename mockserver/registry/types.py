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

COMPLEX_TYPES = (AUTHENTICATION_DATA, LOGIN_INFO, PROJECT)
