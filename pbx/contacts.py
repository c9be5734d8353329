"""The company's contacts (address book): validated changes, CSV and vCard in and out, and the
names of callers by their numbers.

An import validates every record first and stores nothing when one fails: the error names each
failing record (counted from 1, the header not counted) with its fields' problems.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import vobject
from marshmallow import ValidationError

from pbx import models
from pbx.dialplan.dialing import caller_key
from pbx.exports import BOM, FORMULA_STARTS, safe_cell
from pbx.extensions import db
from pbx.messages import Message
from pbx.tenancy import get_owned, scoped
from schemas.contacts import ContactInput

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_RECORDS = 5000
# column key: (English header, Polish header); the plain CSV's header is the key
COLUMNS = {"name": ("Name", "Nazwa"), "company": ("Company", "Firma"), "numbers": ("Numbers", "Numery"),
           "groups": ("Groups", "Grupy"), "note": ("Note", "Notatka")}
NUMBER_SEPARATOR, GROUP_SEPARATOR = ";", ","


# ------------------------------------------------------------ changes

def add_contact(tenant: models.Tenant, data: dict) -> models.Contact:
    contact = models.Contact(tenant_id=tenant.id, **ContactInput(tenant_id=tenant.id).load(data))
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(tenant: models.Tenant, contact_id: int, data: dict) -> models.Contact:
    contact = get_owned(models.Contact, tenant.id, contact_id)
    values = ContactInput(tenant_id=tenant.id, instance_id=contact.id, partial=True).load(data)
    for key, value in values.items():
        setattr(contact, key, value)
    db.session.flush()
    return contact


def delete_contact(tenant: models.Tenant, contact_id: int) -> None:
    db.session.delete(get_owned(models.Contact, tenant.id, contact_id))
    db.session.flush()


def contacts_of(tenant_id: int) -> list[models.Contact]:
    return list(db.session.scalars(scoped(models.Contact, tenant_id).order_by(models.Contact.name, models.Contact.id)))


def import_contacts(tenant: models.Tenant, records: list[dict]) -> list[models.Contact]:
    """Every record validated, then all stored; a ValidationError ``{"rows": {index: problems}}`` stores none."""
    if len(records) > MAX_IMPORT_RECORDS:
        raise ValidationError({"file": [Message("contact.import_too_many", limit=MAX_IMPORT_RECORDS)]})
    if not records:
        raise ValidationError({"file": [Message("contact.import_empty")]})
    loaded, problems = [], {}
    for index, record in enumerate(records):
        try:
            loaded.append(ContactInput(tenant_id=tenant.id).load(record))
        except ValidationError as error:
            problems[index] = error.normalized_messages()
    if problems:
        raise ValidationError({"rows": problems})
    contacts = [models.Contact(tenant_id=tenant.id, **values) for values in loaded]
    db.session.add_all(contacts)
    db.session.flush()
    return contacts


# ------------------------------------------------------------ CSV

def _numbers_cell(numbers: list[dict]) -> str:
    return f"{NUMBER_SEPARATOR} ".join(f"{n['label']}: {n['number']}" if n.get("label") else n["number"]
                                       for n in numbers)


def _numbers_of(cell: str) -> list[dict]:
    """"komórka: +48 501 234 567; 22 123 45 67" → labelled numbers (a number never holds ':')."""
    found = []
    for item in filter(None, (part.strip() for part in cell.split(NUMBER_SEPARATOR))):
        label, _, number = item.rpartition(":")
        found.append({"label": label.strip(), "number": number.strip()})
    return found


def contacts_csv(tenant_id: int, format_name: str = "csv") -> str:
    """``csv``: for programs (UTF-8, ',', the keys as headers); ``csv-excel``: for Polish Excel
    (BOM, ';', Polish headers); the import reads both back."""
    excel = format_name == "csv-excel"
    out = io.StringIO()
    out.write(BOM if excel else "")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([COLUMNS[key][1] if excel else key for key in COLUMNS])
    for contact in contacts_of(tenant_id):
        cells = [contact.name, contact.company, _numbers_cell(contact.numbers or []),
                 f"{GROUP_SEPARATOR} ".join(contact.groups or []), contact.note]
        writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


def _text_of(upload: bytes) -> str:
    if len(upload) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": [Message("contact.import_too_big", megabytes=MAX_IMPORT_BYTES // 2**20)]})
    try:
        return upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return upload.decode("cp1250", errors="replace")  # what Polish Excel saves as "CSV"


def _column_keys() -> dict[str, str]:
    return {header.casefold(): key for key, words in COLUMNS.items() for header in (key, *words)}


def csv_records(upload: bytes) -> list[dict]:
    """The records of either CSV dialect: the delimiter from the header line, headers as keys or words."""
    text = _text_of(upload)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_column_keys().get(cell.strip().lstrip("'").casefold()) for cell in next(reader, [])]
    if "name" not in header:
        raise ValidationError({"file": [Message("contact.import_no_name_column")]})
    records = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values = {key: _unquoted(cell.strip()) for key, cell in zip(header, row) if key}
        record = {key: value for key, value in values.items() if key not in ("numbers", "groups")}
        record["numbers"] = _numbers_of(values.get("numbers", ""))
        record["groups"] = [g.strip() for g in values.get("groups", "").split(GROUP_SEPARATOR) if g.strip()]
        records.append(record)
    return records


def file_records(data: bytes) -> list[dict]:
    """The records of an uploaded file: a vCard when it starts like one, else either CSV dialect."""
    if not data.strip():
        raise ValidationError({"file": [Message("contact.import_empty")]})
    vcard = data.lstrip(b"\xef\xbb\xbf \r\n\t")[:11].upper() == b"BEGIN:VCARD"
    return vcard_records(data) if vcard else csv_records(data)


def _unquoted(cell: str) -> str:
    """A cell as exported: the quote that kept a spreadsheet from running it as a formula goes."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_STARTS else cell


# ------------------------------------------------------------ vCard (RFC 6350 / 2426, by vobject)

def contacts_vcard(tenant_id: int) -> str:
    return "".join(_card(contact).serialize() for contact in contacts_of(tenant_id))


def _card(contact: models.Contact):
    card = vobject.vCard()
    card.add("fn").value = contact.name
    card.add("n").value = vobject.vcard.Name(family=contact.name)
    if contact.company:
        card.add("org").value = [contact.company]
    for number in contact.numbers or []:
        tel = card.add("tel")
        tel.value = number["number"]
        if number.get("label"):
            tel.type_param = number["label"]
    if contact.groups:
        card.add("categories").value = list(contact.groups)
    if contact.note:
        card.add("note").value = contact.note
    return card


def vcard_records(upload: bytes) -> list[dict]:
    text = _text_of(upload)
    try:
        return [_record_of(card) for card in vobject.readComponents(text) if card.name == "VCARD"]
    except Exception:  # vobject raises several kinds (ParseError, ValueError...) on broken input
        raise ValidationError({"file": [Message("contact.import_not_vcard")]}) from None


def _record_of(card) -> dict:
    contents = card.contents
    name = _first(contents, "fn") or " ".join(str(_first(contents, "n") or "").split())
    org = _first(contents, "org")
    numbers = [{"label": _tel_label(tel), "number": tel.value} for tel in contents.get("tel", [])]
    groups = [group for item in contents.get("categories", []) for group in item.value]
    return {"name": name or "", "company": " ".join(org) if isinstance(org, list) else (org or ""),
            "numbers": numbers, "groups": groups, "note": _first(contents, "note") or ""}


def _first(contents: dict, key: str):
    items = contents.get(key)
    return items[0].value if items else None


def _tel_label(tel) -> str:
    kinds = [t for t in tel.params.get("TYPE", []) if t.casefold() not in ("voice", "pref")]
    return ", ".join(kinds).lower()[:40]


# ------------------------------------------------------------ caller names

class Book:
    """The company's contacts by number, read once (a board, a page of call history)."""

    def __init__(self, tenant_id: int, contacts: Iterable[models.Contact] | None = None):
        self.by_number: dict[str, models.Contact] = {}
        for contact in contacts if contacts is not None else contacts_of(tenant_id):
            for number in contact.numbers or []:
                self.by_number.setdefault(number["number"], contact)  # the first contact keeps a shared number

    def contact(self, number: str | None) -> models.Contact | None:
        return self.by_number.get(caller_key(number) or "")

    def name(self, number: str | None) -> str | None:
        found = self.contact(number)
        return found.name if found else None
