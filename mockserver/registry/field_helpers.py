"""Shorthands for declaring fields, shared by the item-type declarations."""
from .model import Auto, Derivation, Field, Source, Xsd

DOC, SAMPLE, INF, GUESS = Source.DOC, Source.DOC_SAMPLE, Source.INFERRED, Source.GUESS
S, I, D, DT = Xsd.STRING, Xsd.INT, Xsd.DECIMAL, Xsd.DATETIME
YES_NO = ("Y", "N")


def user_ref(name, source=DOC, **kw):
    return Field(name, I, source=source, references="User", indexed=True, **kw)


def user_name(name, of, source=DOC, max_length=78):
    return Field(name, S, max_length, source=source, derived=Derivation.USER_NAME, derived_from=of)


def dates_created_updated(source=DOC):
    """DateCreated (set on Add) and DateUpdated (set on every write), as most item types have them."""
    return (
        Field("DateCreated", DT, source=source, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, source=source, auto=Auto.NOW),
    )


def users_created_updated(source=DOC):
    """CreateUserId (the caller on Add) and UpdateUserId (the caller on every write)."""
    return (
        Field("CreateUserId", I, source=source, auto=Auto.CALLER_ON_ADD, references="User"),
        Field("UpdateUserId", I, source=source, auto=Auto.CALLER, references="User"),
    )


def folder_fields(source=DOC):
    return (
        Field("FolderId", I, source=source, references="Folder", indexed=True),
        Field("FolderName", S, 511, source=source, derived=Derivation.FOLDER_NAME, derived_from="FolderId"),
    )
