"""``centralka announcement``: prompts spoken from text or uploaded as mp3."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from pbx import directory, models, prompts
from pbx.commands import changes_db
from pbx.extensions import db
from pbx.tenancy import find_tenant


@click.group("announcement")
def command():
    """Announcements (prompts) of a company."""


@command.command("add")
@click.option("--tenant", "tenant_ref", required=True, help="Company id or name.")
@click.option("--name", required=True)
@click.option("--text", default="", help="Text to speak (text-to-speech).")
@click.option("--file", "upload", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="An mp3 of at most 2 MB instead of text.")
@click.option("--language", default=None, help="pl or en (default: the company's language).")
@click.option("--voice", default="female", show_default=True, help="female or male")
@with_appcontext
@changes_db
def add(tenant_ref, name, text, upload, language, voice):
    owner = find_tenant(tenant_ref)
    announcement = directory.add_announcement(owner, {
        "name": name, "text": text, "voice": voice, "language": language or owner.language.value,
        "source": "upload" if upload else "tts",
    })
    path = prompts.store_upload(announcement, upload.read_bytes()) if upload else prompts.render_tts(announcement)
    click.echo(f"announcement {announcement.id} ({announcement.duration_seconds:.1f} s) stored as {path}")


@command.command("render")
@click.option("--tenant", "tenant_ref", required=True, help="Company id or name.")
@with_appcontext
@changes_db
def render(tenant_ref):
    """Speak again every text-to-speech announcement (after a voice or text change)."""
    owner = find_tenant(tenant_ref)
    query = select(models.Announcement).where(models.Announcement.tenant_id == owner.id,
                                              models.Announcement.source == models.PromptSource.TTS)
    for announcement in db.session.scalars(query):
        click.echo(f"{announcement.id}\t{prompts.render_tts(announcement)}")


@command.command("system")
@click.option("--force", is_flag=True, help="Render again even when the files exist.")
@with_appcontext
def system(force):
    """Render the prompts every company shares (recording notice, queue position, numbers)."""
    rendered = prompts.render_system_prompts(force=force)
    click.echo(f"rendered {len(rendered)} shared prompts in {prompts.system_prompt_path('pl', 'x').parent.parent}")
