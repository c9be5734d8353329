"""``centralka contacts``: a company's address book — list, import from CSV or vCard, export."""
from __future__ import annotations

import click

from pbx import contacts
from pbx.commands.common import company_command, emit
from pbx.representations import contact_json
from pbx.tenancy import find_tenant

FORMATS = ("csv", "csv-excel", "vcard")


@click.group("contacts")
def command():
    """Contacts of a company: list, import, export."""


def _line(contact: dict) -> str:
    numbers = ", ".join(n["number"] for n in contact["numbers"])
    return "\t".join([str(contact["id"]), contact["name"], contact["company"] or "-", numbers or "-",
                      ", ".join(contact["groups"]) or "-"])


@company_command(command, "list", changes=False)
def list_(company_ref, as_json):
    """The company's contacts: id, name, company, numbers, contact groups."""
    tenant = find_tenant(company_ref)
    rows = [contact_json(c) for c in contacts.contacts_of(tenant.id)]
    emit(as_json, rows, "\n".join(map(_line, rows)) or f"{tenant.name} has no contacts")


@company_command(command, "import", click.argument("source", type=click.File("rb")))
def import_(company_ref, source, as_json):
    """Add the contacts of SOURCE ('-' reads standard input): a CSV as the export writes it (either
    dialect) or a vCard file. Nothing is stored when any record is wrong; each one is named."""
    tenant = find_tenant(company_ref)
    added = contacts.import_contacts(tenant, contacts.file_records(source.read(contacts.MAX_IMPORT_BYTES + 1)))
    emit(as_json, {"added": len(added)}, f"added {len(added)} contacts to {tenant.name}")


@company_command(command, "export", click.option("--format", "format_name", type=click.Choice(FORMATS),
                                                 default="csv", show_default=True,
                                                 help="csv: plain; csv-excel: for Polish Excel; vcard."),
                 click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
                              help="A file to write (standard output when not given)."), changes=False)
def export(company_ref, format_name, output, as_json):
    """The contacts as CSV or vCard (with --json: as the panel's API lists them); the import reads either back."""
    tenant = find_tenant(company_ref)
    if as_json:
        emit(True, [contact_json(c) for c in contacts.contacts_of(tenant.id)], "")
        return
    if format_name == "vcard":
        text = contacts.contacts_vcard(tenant.id)
    else:
        text = contacts.contacts_csv(tenant.id, format_name)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
