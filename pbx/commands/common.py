"""What the commands of a company's objects share: the company option, naming an object, output,
and the list / show / remove commands every area has."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from pbx import models
from pbx.commands import changes_db, reads_db
from pbx.extensions import db
from pbx.tenancy import find_tenant, get_owned, scoped
from schemas.fields import normalise_phone

company_option = click.option("--company", "--tenant", "company_ref", required=True, help="Company id or name.")
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print JSON with the same keys as the panel's API.")

# The names an admin knows an object by, as the panel shows them; ``id:N`` always names it by id.
NAMES = {
    models.User: lambda u: {u.email, u.extension, u.full_name.lower()},
    models.Group: lambda g: {g.name.lower(), g.extension},
    models.MainNumber: lambda n: {n.number},
    models.NumberList: lambda lst: {lst.name.lower()},
    models.Announcement: lambda a: {a.name.lower()},
    models.VoicemailBox: lambda b: {b.name.lower()},
}
WHAT = {models.User: "user", models.Group: "group", models.MainNumber: "main number", models.NumberList: "number list",
        models.Announcement: "announcement", models.VoicemailBox: "voicemail box"}


def company_command(group: click.Group, name: str, *options, changes: bool = True):
    """A command of ``group`` about one company: --company, then ``options``, then --json.

    It runs in the app; bad input is refused with nothing changed (``pbx.commands``).
    """
    def decorate(function):
        guarded = with_appcontext((changes_db if changes else reads_db)(function))
        return group.command(name)(with_options(company_option, *options, json_option)(guarded))

    return decorate


def with_options(*options):
    """One decorator of several click options (the fields an add and an update share)."""
    def decorate(function):
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def given(options: dict, nullable: tuple[str, ...] = ()) -> dict:
    """The options given on the command line; '' in a ``nullable`` one means "none"."""
    return {key: (None if value == "" and key in nullable else value)
            for key, value in options.items() if value is not None}


def label(obj) -> str:
    name = obj.full_name if isinstance(obj, models.User) else getattr(obj, "name", None) or obj.number
    return f"{name} (id {obj.id})"


def _wanted(model, ref: str) -> str:
    text = ref.strip()
    if model is models.MainNumber:
        try:
            return normalise_phone(text)
        except ValidationError:
            return text
    return text.lower()


def find(tenant: models.Tenant, model, ref: str, option: str):
    """The company's object named ``ref`` (id, or a name from NAMES); a ValidationError on ``option`` otherwise."""
    what, text = WHAT[model], ref.strip()
    if text.startswith("id:") and text[3:].isdigit():
        return get_owned(model, tenant.id, int(text[3:]))
    wanted = _wanted(model, text)
    rows = db.session.scalars(scoped(model, tenant.id).order_by(model.id)).all()
    found = [row for row in rows if wanted in NAMES[model](row) or (text.isdigit() and row.id == int(text))]
    if not found:
        raise ValidationError({option: [f"{tenant.name} has no {what} {ref!r}"]})
    if len(found) > 1:
        raise ValidationError({option: [f"{ref!r} names more than one {what}: "
                                        f"{', '.join(label(o) for o in found)}; give id:N"]})
    return found[0]


def fallback_options(prefix: str = ""):
    """``--[default-]fallback-box`` / ``--[default-]fallback-number``: where calls nobody answered go."""
    dashed = prefix.replace("_", "-")
    return with_options(
        click.option(f"--{dashed}fallback-box", f"{prefix}fallback_box",
                     help="When nobody answers: this voicemail box (id or name); '' for none."),
        click.option(f"--{dashed}fallback-number", f"{prefix}fallback_number",
                     help="When nobody answers: this outside number (instead of a box); '' for none."),
    )


def fallback_values(tenant: models.Tenant, options: dict, prefix: str = "") -> dict:
    """The fallback options given (taken out of ``options``), as the API's fields."""
    box, number = options.pop(f"{prefix}fallback_box", None), options.pop(f"{prefix}fallback_number", None)
    values = {}
    if box is not None:
        values[f"{prefix}fallback_box_id"] = find(tenant, models.VoicemailBox, box, f"{prefix}fallback_box").id if box else None
    if number is not None:
        values[f"{prefix}fallback_number"] = number or None
    return values


def saved(obj):
    """Commit, so that the object is printed as stored (enums, relationships), as the panel's API does."""
    db.session.commit()
    return obj


def emit(as_json: bool, data, text: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


def details(data: dict) -> str:
    """An object's JSON as "key: value" lines, for people."""
    return "\n".join(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                     for key, value in data.items())


def add_standard_commands(group: click.Group, model, *, to_json, columns: tuple[str, ...], order, delete) -> None:
    """``list``, ``show REF`` and ``remove REF`` of one kind of object."""
    what = WHAT[model]

    @company_command(group, "list", changes=False)
    def list_(company_ref, as_json):
        tenant = find_tenant(company_ref)
        rows = [to_json(row) for row in db.session.scalars(scoped(model, tenant.id).order_by(*order))]
        emit(as_json, rows, "\n".join("\t".join(str(row[c] if row[c] is not None else "-") for c in columns)
                                      for row in rows) or f"{tenant.name} has no {what}s")

    list_.__doc__ = f"The company's {what}s: {', '.join(columns)}."

    @company_command(group, "show", click.argument("ref"), changes=False)
    def show(company_ref, ref, as_json):
        data = to_json(find(find_tenant(company_ref), model, ref, what))
        emit(as_json, data, details(data))

    show.__doc__ = f"One {what}, named by REF (its id, a name the panel shows, or id:N)."

    @company_command(group, "remove", click.argument("ref"))
    def remove(company_ref, ref, as_json):
        tenant = find_tenant(company_ref)
        obj = find(tenant, model, ref, what)
        data, name = to_json(obj), label(obj)
        left_behind = delete(tenant, obj.id)
        if isinstance(left_behind, Path):  # a file goes only once its row is gone for good
            db.session.commit()
            left_behind.unlink(missing_ok=True)
        emit(as_json, {"removed": data}, f"removed {what} {name}")

    remove.__doc__ = f"Delete a {what} nothing uses any more (what still uses it is named otherwise)."
