"""``centralka announcement``: prompts spoken from text or uploaded as mp3."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from pbx import directory, models, prompts
from pbx.commands import changes_db
from pbx.commands.common import (
    add_standard_commands, company_command, company_option, emit, find, given, saved,
)
from pbx.extensions import db
from pbx.representations import announcement_json
from pbx.tenancy import find_tenant


@click.group("announcement")
def command():
    """Announcements (prompts) of a company: add, list, show, update, remove, render."""


@company_command(command, "add", click.option("--name", required=True),
                 click.option("--text", default="", help="Text to speak (text-to-speech)."),
                 click.option("--file", "upload", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                              help="An mp3 of at most 2 MB instead of text."),
                 click.option("--language", default=None, help="pl or en (default: the company's language)."),
                 click.option("--voice", default="female", show_default=True, help="female or male"))
def add(company_ref, name, text, upload, language, voice, as_json):
    """Add an announcement spoken from --text, or decoded from the mp3 --file."""
    owner = find_tenant(company_ref)
    values = {"name": name, "language": language or owner.language.value}
    if upload:
        announcement = directory.add_uploaded_announcement(owner, values, upload.read_bytes(), current_app.config)
    else:
        announcement = directory.add_announcement(owner, {**values, "text": text, "voice": voice, "source": "tts"})
        prompts.render_tts(announcement, current_app.config)
    saved(announcement)
    emit(as_json, announcement_json(announcement), f"announcement {announcement.name} (id {announcement.id}, "
         f"{announcement.duration_seconds:.1f} s) stored as {prompts.prompt_path(announcement, current_app.config)}")


@company_command(command, "update", click.argument("ref"), click.option("--name"),
                 click.option("--text", help="New words (text-to-speech): spoken again."),
                 click.option("--language", help="pl or en: spoken again."),
                 click.option("--voice", help="female or male: spoken again."))
def update(company_ref, ref, as_json, **options):
    """Change the options given of the announcement REF (id or name)."""
    tenant = find_tenant(company_ref)
    announcement = saved(directory.update_announcement(
        tenant, find(tenant, models.Announcement, ref, "announcement").id, given(options), current_app.config))
    emit(as_json, announcement_json(announcement), f"updated announcement {announcement.name} (id {announcement.id})")


@command.command("render")
@company_option
@with_appcontext
@changes_db
def render(company_ref):
    """Speak again every text-to-speech announcement (after a voice or text change)."""
    owner = find_tenant(company_ref)
    query = select(models.Announcement).where(models.Announcement.tenant_id == owner.id,
                                              models.Announcement.source == models.PromptSource.TTS)
    for announcement in db.session.scalars(query):
        click.echo(f"{announcement.id}\t{prompts.render_tts(announcement, current_app.config)}")


@command.command("system")
@click.option("--force", is_flag=True, help="Render again even when the files exist.")
@with_appcontext
def system(force):
    """Render the prompts every company shares (recording notice, queue position, numbers)."""
    rendered = prompts.render_system_prompts(current_app.config, force=force)
    click.echo(f"rendered {len(rendered)} shared prompts in "
               f"{prompts.system_prompt_path('pl', 'x', current_app.config).parent.parent}")


add_standard_commands(command, models.Announcement, to_json=announcement_json,
                      delete=lambda tenant, ref: directory.delete_announcement(tenant, ref, current_app.config),
                      order=(models.Announcement.name, models.Announcement.id),
                      columns=("id", "name", "language", "source", "duration_seconds"))
