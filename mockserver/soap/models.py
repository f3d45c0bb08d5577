"""spyne models generated from the registry."""
from __future__ import annotations

from functools import lru_cache

from spyne import Array, Boolean, ByteArray, ComplexModel, DateTime, Decimal, Integer32, Unicode
from spyne.model.complex import ComplexModelMeta

from ..registry import REGISTRY, NS, Xsd
from ..store.values import decimal_text


class _DecimalText:
    """spyne's str_format hook (it calls ``.format(value)``): decimals without the exponent
    str() gives 1E-30, which is no xsd:decimal, and as the text writer (render.py) writes them."""

    format = staticmethod(decimal_text)


# .NET value types are always on the wire; strings and arrays may be left out.
_SIMPLE = {
    Xsd.STRING: Unicode(min_occurs=0, nillable=False),
    Xsd.INT: Integer32(min_occurs=1, nillable=False),
    Xsd.DECIMAL: Decimal(min_occurs=1, nillable=False, str_format=_DecimalText),
    Xsd.DATETIME: DateTime(min_occurs=1, nillable=False),
    Xsd.BOOLEAN: Boolean(min_occurs=1, nillable=False),
    Xsd.BASE64_BINARY: ByteArray(min_occurs=0, nillable=False),
    Xsd.ARRAY_OF_STRING: Array(Unicode(min_occurs=0, nillable=True), member_name="string",
                               type_name="ArrayOfString", min_occurs=0),
    Xsd.ARRAY_OF_INT: Array(Integer32(min_occurs=0, nillable=False), member_name="int",
                            type_name="ArrayOfInt", min_occurs=0),
}


@lru_cache(maxsize=None)
def model_for(type_name: str):
    """The spyne class for an Xsd value, a complex type, or ``ArrayOf<ComplexType>``."""
    try:
        return _SIMPLE[Xsd(type_name)]
    except ValueError:
        pass
    item_type = REGISTRY.array_item_type(type_name)
    if item_type is not None:
        item = item_type.type_name
        return Array(model_for(item).customize(min_occurs=0, nillable=True), member_name=item,
                     type_name=type_name, min_occurs=0)
    declared = REGISTRY.complex_type(type_name)
    if declared is None:
        raise KeyError(f"no type {type_name!r} in the registry")
    type_info = [(f.name, model_for(f.type_name))
                 for f in declared.fields]
    return ComplexModelMeta(type_name, (ComplexModel,), {
        "__namespace__": NS, "__type_name__": type_name, "_type_info": type_info,
    })
