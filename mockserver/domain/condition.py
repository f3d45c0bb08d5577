"""The LoadByCriteria Condition: XML in, a typed condition tree (``store.query``) out.

Grammar [DOC, seed 003]: a root ``<Conditions Operation="op...">`` holding either
nested ``<Conditions>`` (opAND, opOR, opNOT) or ``<Items Type="t...">`` operands with
``<Value xsi:type="...">`` children. Every name, operator, type and value is checked
here, against the item type's registry declaration, before anything reaches SQL.

tArray values may be spelled as several ``<Value>`` elements in one ``<Items>``, or as
one ``<Value>`` holding ``<string>``, ``<int>``, ``<anyType>``... children (how .NET's
XmlSerializer writes ``string[]``, ``int[]`` and ``object[]``).
"""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from lxml import etree

from ..registry import Entity, Xsd
from ..registry.constants import MAX_CONDITION_DEPTH, XSD, XSI
from . import sql_expression
from ..store.query import (
    Comparison, Const, FieldRef, Kind, Logical, Match, Membership, Not, NullTest,
    filterable_fields,
)
from .errors import ValidationError, brief
from .like import parse_pattern
from .literals import INTEGER_RANGES, parse_boolean, parse_date, parse_number, sql_number

COMPARISONS = {"opLT": "<", "opLTE": "<=", "opEQU": "=", "opNOTEQU": "<>", "opGT": ">", "opGTE": ">="}
MIRRORED = {"<": ">", "<=": ">=", "=": "=", "<>": "<>", ">": "<", ">=": "<="}
OPERATORS = ("opAND", "opOR", "opNOT", *COMPARISONS, "opIN", "opNOTIN", "opLIKE", "opNOTLIKE",
             "opNULL", "opNOTNULL")
ITEM_TYPES = ("tField", "tConst", "tString", "tDate", "tArray", "tSQLstring")

# xsi:type values a <Value> may declare, by the lexical form they require.
_XSD_LEXICAL = {
    **dict.fromkeys(("string", "normalizedString", "token", "anyURI", "anySimpleType"), "text"),
    **dict.fromkeys(INTEGER_RANGES, "integer"),
    **dict.fromkeys(("decimal", "double", "float"), "number"),
    **dict.fromkeys(("dateTime", "date"), "date"),
    "boolean": "boolean",
}
# The operand type an untyped array member is read as, by its declared lexical form.
_MEMBER_ITEM_TYPE = {"text": "tString", "integer": "tConst", "number": "tConst",
                     "date": "tDate", "boolean": "tString"}


def _parser() -> etree.XMLParser:
    # No DTDs, no entities, no network. The encoding is forced because the string is
    # already decoded: a .NET client's '<?xml ... encoding="utf-16"?>' must not mislead lxml.
    return etree.XMLParser(encoding="utf-8", resolve_entities=False, no_network=True,
                           load_dtd=False, dtd_validation=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def parse_condition(entity: Entity, text: str | None, now: datetime):
    """The condition tree for ``text``, or None when it is empty (all items)."""
    if text is None or not text.strip():
        return None
    try:
        root = etree.fromstring(text.strip().encode("utf-8"), _parser())
    except etree.XMLSyntaxError as e:
        raise ValidationError(
            f"Condition is not well-formed XML ({e.msg}); it must be a <Conditions Operation=\"...\"> "
            f"element, in CDATA or with its markup entity-encoded.") from None
    if root.getroottree().docinfo.doctype:
        raise ValidationError("Condition must not contain a DOCTYPE declaration.")
    return _Parser(entity, now).node(root, "Conditions", 1)


class _Parser:
    def __init__(self, entity: Entity, now: datetime):
        self.entity, self.now = entity, now
        self.fields = {f.name.lower(): f for f in filterable_fields(entity)}

    # -- structure -------------------------------------------------------------
    def node(self, el, path: str, depth: int):
        if depth > MAX_CONDITION_DEPTH:
            raise ValidationError(
                f"Condition is nested too deeply at {path}: at most {MAX_CONDITION_DEPTH} "
                f"levels of <Conditions> are allowed.")
        if el.tag != "Conditions":
            raise ValidationError(
                f"Condition: expected a <Conditions> element in no namespace at {path}, "
                f"found <{_name(el)}>.")
        op = el.get("Operation")
        if op is None:
            raise ValidationError(f"Condition: <Conditions> at {path} has no Operation attribute.")
        if op not in OPERATORS:
            raise ValidationError(
                f"Condition: unknown Operation '{brief(op)}' at {path}; valid operators are "
                f"{', '.join(OPERATORS)}.")
        path = f"{path}[{op}]"
        children, items = self.children(el, path)
        if op in ("opAND", "opOR", "opNOT"):
            if items:
                raise ValidationError(
                    f"Condition: {op} at {path} combines nested <Conditions>; it cannot hold <Items>.")
            if not children or (op == "opNOT" and len(children) != 1):
                wanted = "exactly one nested <Conditions>" if op == "opNOT" else \
                    "one or more nested <Conditions>"
                raise ValidationError(f"Condition: {op} at {path} needs {wanted}, found {len(children)}.")
            nodes = tuple(self.node(c, f"{path}/Conditions[{i}]", depth + 1)
                          for i, c in enumerate(children, 1))
            if op == "opNOT":
                return Not(nodes[0])
            return Logical("AND" if op == "opAND" else "OR", nodes)
        if children:
            raise ValidationError(
                f"Condition: {op} at {path} compares <Items>; nest conditions only under opAND, "
                f"opOR or opNOT.")
        return self.predicate(op, [(el, f"{path}/Items[{i}]") for i, el in enumerate(items, 1)], path)

    def children(self, el, path: str):
        if el.text and el.text.strip():
            raise ValidationError(f"Condition: unexpected text '{brief(el.text.strip())}' in {path}.")
        children, items = [], []
        for child in el:
            if child.tail and child.tail.strip():
                raise ValidationError(f"Condition: unexpected text '{brief(child.tail.strip())}' in {path}.")
            if child.tag == "Conditions":
                children.append(child)
            elif child.tag == "Items":
                items.append(child)
            else:
                raise ValidationError(
                    f"Condition: unexpected element <{_name(child)}> in {path}; only <Conditions> "
                    f"and <Items> may appear there.")
        return children, items

    # -- predicates ------------------------------------------------------------
    def predicate(self, op: str, items: list, path: str):
        if op in ("opNULL", "opNOTNULL"):
            self.arity(op, items, 1, path)
            return NullTest(self.field_item(*items[0], op), op == "opNOTNULL")
        self.arity(op, items, 2, path)
        (left_el, left_path), (right_el, right_path) = items
        if op in ("opIN", "opNOTIN"):
            field = self.field_item(left_el, left_path, op)
            values = [self.value(field, t, text, right_path)
                      for t, text in self.array_members(right_el, right_path, op)]
            if field.field.xsd is Xsd.INT:
                # No int equals a fraction: those members can only be left out.
                values = [Const(sql_number(c.value)) for c in values
                          if c.value == c.value.to_integral_value()]
                if not values:
                    return Comparison("=" if op == "opNOTIN" else "<>", field, field)
            return Membership(field, tuple(values), op == "opNOTIN")
        if op in ("opLIKE", "opNOTLIKE"):
            field = self.field_item(left_el, left_path, op)
            if field.kind is not Kind.TEXT and field.field.xsd is not Xsd.INT:
                raise ValidationError(
                    f"Condition: {op} at {left_path} needs a text or integer field; "
                    f"{field.field.name} is {field.field.xsd.value}.")
            item_type, text = self.scalar(right_el, right_path)
            if item_type != "tString":
                raise ValidationError(
                    f"Condition: the pattern of {op} at {right_path} must be a tString, not {item_type}.")
            pattern = parse_pattern(text, f"Condition {right_path}")
            return Match(field, pattern, op == "opNOTLIKE")
        sql_op = COMPARISONS[op]
        left, right = self.operand(left_el, left_path, op), self.operand(right_el, right_path, op)
        if isinstance(left, FieldRef) and isinstance(right, FieldRef):
            if left.kind is not right.kind:
                raise ValidationError(
                    f"Condition: {op} at {path} compares {left.field.name} ({left.field.xsd.value}) "
                    f"with {right.field.name} ({right.field.xsd.value}); they are not comparable.")
            return Comparison(sql_op, left, right)
        if isinstance(left, FieldRef):
            return self.comparison(sql_op, left, self.value(left, *right, right_path))
        if isinstance(right, FieldRef):
            return self.comparison(MIRRORED[sql_op], right, self.value(right, *left, left_path))
        raise ValidationError(f"Condition: {op} at {path} needs at least one tField item.")

    @staticmethod
    def comparison(op: str, field: FieldRef, const: Const):
        value = const.value
        if not isinstance(value, Decimal) or field.field.xsd is not Xsd.INT:
            return Comparison(op, field, const)
        if value == value.to_integral_value():
            return Comparison(op, field, Const(sql_number(value)))
        # An int column against a fraction, exactly (as SQL Server compares int with decimal;
        # a double would make 3 equal 3.0000000000000001): compare with the integers around
        # it. "Never" and "always" are written as field <> field and field = field, which
        # keep NULL unknown.
        floor = value.to_integral_value(rounding=ROUND_FLOOR)
        if op in ("=", "<>"):
            return Comparison("<>" if op == "=" else "=", field, field)
        if op in ("<", "<="):
            return Comparison("<=", field, Const(sql_number(floor)))
        return Comparison(">=", field, Const(sql_number(floor + 1)))

    def arity(self, op: str, items: list, count: int, path: str):
        if len(items) != count:
            raise ValidationError(
                f"Condition: {op} at {path} takes exactly {count} <Items>, found {len(items)}.")

    def operand(self, el, path: str, op: str):
        """A FieldRef, or (item type, text) for a constant still to be typed by its field."""
        item_type = self.item_type(el, path)
        if item_type == "tField":
            return self.field_item(el, path, op)
        if item_type == "tArray":
            raise ValidationError(f"Condition: tArray at {path} can be used only with opIN and opNOTIN.")
        return self.scalar(el, path)

    def item_type(self, el, path: str) -> str:
        item_type = el.get("Type")
        if item_type not in ITEM_TYPES:
            raise ValidationError(
                f"Condition: unknown item Type '{brief(item_type)}' at {path}; valid types are "
                f"{', '.join(ITEM_TYPES)}." if item_type is not None
                else f"Condition: <Items> at {path} has no Type attribute.")
        return item_type

    def field_item(self, el, path: str, op: str) -> FieldRef:
        item_type, name = self.scalar(el, path)
        if item_type != "tField":
            raise ValidationError(f"Condition: {op} at {path} needs a tField item, not {item_type}.")
        f = self.fields.get(name.strip().lower())
        if f is None:
            raise ValidationError(
                f"Condition: {self.entity.type_name} has no field '{brief(name.strip())}' to filter on "
                f"(at {path}). Valid fields: {_field_list(self.fields.values())}.")
        return FieldRef(f)

    def scalar(self, el, path: str) -> tuple[str, str]:
        item_type = self.item_type(el, path)
        values = self.value_elements(el, path)
        if len(values) != 1:
            raise ValidationError(
                f"Condition: {item_type} at {path} takes exactly one <Value>, found {len(values)}.")
        value = values[0]
        if len(value):
            raise ValidationError(
                f"Condition: the <Value> of {item_type} at {path} must hold text, not elements.")
        text = value.text or ""
        self.check_lexical(value, text, path)
        return item_type, text

    def value_elements(self, el, path: str) -> list:
        values = []
        for child in el:
            if child.tag != "Value":
                raise ValidationError(
                    f"Condition: unexpected element <{_name(child)}> in <Items> at {path}; "
                    f"only <Value> may appear there.")
            if (child.get(f"{{{XSI}}}nil") or "").strip() in ("true", "1"):
                raise ValidationError(
                    f"Condition: a nil <Value> at {path} never matches; use opNULL or opNOTNULL.")
            values.append(child)
        return values

    def array_members(self, el, path: str, op: str) -> list[tuple[str, str]]:
        item_type = self.item_type(el, path)
        if item_type != "tArray":
            raise ValidationError(f"Condition: {op} at {path} needs a tArray item, not {item_type}.")
        values = self.value_elements(el, path)
        if len(values) == 1 and (len(values[0]) or _is_array_type(values[0])):
            values = list(values[0])       # <Value xsi:type="ArrayOfString"><string>...</string>...
        members = []
        for i, v in enumerate(values, 1):
            if len(v):
                raise ValidationError(
                    f"Condition: member {i} of the tArray at {path} must hold text, not elements.")
            text = v.text or ""
            lexical = self.check_lexical(v, text, f"{path} member {i}")
            members.append((_MEMBER_ITEM_TYPE[lexical], text))
        if not members:
            raise ValidationError(f"Condition: the tArray of {op} at {path} has no values.")
        return members

    def check_lexical(self, el, text: str, path: str) -> str:
        """Check the text against the element's xsi:type; return its lexical class."""
        declared = el.get(f"{{{XSI}}}type")
        if declared is None:
            return "text"
        prefix, _, local = declared.rpartition(":")
        namespace = el.nsmap.get(prefix or None)
        if prefix and namespace is None:
            raise ValidationError(f"Condition: xsi:type '{brief(declared)}' at {path} uses an undeclared prefix.")
        if local.startswith("ArrayOf"):
            raise ValidationError(
                f"Condition: a {local} <Value> at {path} is allowed only as the one <Value> of a "
                f"tArray item.")
        if local == "anyType":
            return "text"
        lexical = _XSD_LEXICAL.get(local) if namespace == XSD else None
        if lexical is None:
            raise ValidationError(f"Condition: unsupported xsi:type '{brief(declared)}' at {path}.")
        try:
            if lexical == "integer":
                parse_number(text, integer=local)
            elif lexical == "number":
                parse_number(text)
            elif lexical == "date":
                parse_date(text)
            elif lexical == "boolean":
                parse_boolean(text)
        except (ValueError, ArithmeticError):   # decimal.Overflow is not a ValueError
            raise ValidationError(
                f"Condition: '{brief(text)}' at {path} is not a valid {declared} value.") from None
        return lexical

    # -- typing ----------------------------------------------------------------
    def value(self, field: FieldRef, item_type: str, text: str, path: str) -> Const:
        """The constant, converted to the type of the field it is compared with."""
        f, kind = field.field, field.kind
        accepted = {
            Kind.TEXT: ("tString", "tConst"),
            Kind.NUMBER: ("tString", "tConst"),
            Kind.DATE: ("tDate", "tString", "tSQLstring"),
            Kind.BOOLEAN: ("tString", "tConst"),
        }[kind]
        if item_type not in accepted:
            raise ValidationError(
                f"Condition: {f.name} is {f.xsd.value}; compare it with "
                f"{' or '.join(accepted)}, not {item_type} (at {path}).")
        try:
            if item_type == "tSQLstring":
                return Const(sql_expression.evaluate(text, self.now, f"Condition {path}"))
            if kind is Kind.TEXT:
                if item_type == "tConst":
                    parse_number(text)      # a tConst must be a number, even against text
                    return Const(text.strip())
                return Const(text)
            if kind is Kind.NUMBER:
                # SQL Server converts a string compared with an int column to int. A number
                # stays exact (see ``comparison``; decimals through the store's collation),
                # once it is known to be within a float's range: SQL Server has no type for more.
                number = parse_number(text, integer="int" if item_type == "tString" and f.xsd is Xsd.INT else None)
                sql_number(number)
                return Const(number)
            if kind is Kind.DATE:
                return Const(parse_date(text))
            return Const(parse_boolean(text))
        except (ValueError, ArithmeticError):   # decimal.Overflow is not a ValueError
            expected = {Kind.TEXT: "a number", Kind.NUMBER: f"an {f.xsd.value} value"
                        if f.xsd is Xsd.INT else f"a {f.xsd.value} value",
                        Kind.DATE: "a date in the form yyyy-mm-ddThh:mm:ss",
                        Kind.BOOLEAN: "true or false"}[kind]
            raise ValidationError(
                f"Condition: '{brief(text)}' at {path} is not {expected}, as {f.name} requires.") from None


def _is_array_type(el) -> bool:
    return (el.get(f"{{{XSI}}}type") or "").rpartition(":")[2].startswith("ArrayOf")


def _name(el) -> str:
    return el.tag if isinstance(el.tag, str) else "?"


def _field_list(fields) -> str:
    """Field names, with the long run of CustomN fields shortened to a range."""
    names, custom = [], []
    for f in fields:
        if f.name.startswith("Custom") and f.name[6:].isdigit():
            custom.append(int(f.name[6:]))
        else:
            names.append(f.name)
    if custom:
        names.append(f"Custom{min(custom)}..Custom{max(custom)}")
    return ", ".join(names)
