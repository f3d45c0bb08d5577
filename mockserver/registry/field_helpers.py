"""Shorthands for declaring fields, shared by the item-type declarations."""
from .model import Derivation, Field, Source, Xsd

DOC, SAMPLE, INF, GUESS = Source.DOC, Source.DOC_SAMPLE, Source.INFERRED, Source.GUESS
S, I, D, DT = Xsd.STRING, Xsd.INT, Xsd.DECIMAL, Xsd.DATETIME
YES_NO = ("Y", "N")


def user_ref(name, source=DOC, **kw):
    return Field(name, I, source=source, references="User", indexed=True, **kw)


def user_name(name, of, source=DOC, max_length=78):
    return Field(name, S, max_length, source=source, derived=Derivation.USER_NAME, derived_from=of)


def folder_fields(source=DOC):
    return (
        Field("FolderId", I, source=source, references="Folder", indexed=True),
        Field("FolderName", S, 511, source=source, derived=Derivation.FOLDER_NAME, derived_from="FolderId"),
    )
