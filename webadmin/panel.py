"""The panel's single HTML page; the browser builds every view from the REST API."""
from flask import Blueprint, render_template

bp = Blueprint("panel", __name__)


@bp.get("/")
def index():
    return render_template("index.html")
