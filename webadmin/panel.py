"""HTML pages of the panel."""
from flask import Blueprint, render_template

bp = Blueprint("panel", __name__)


@bp.get("/")
def index():
    return render_template("index.html")
