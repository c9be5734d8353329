"""docs/grafana/centralka.json asks only for metrics the processes export, and for all of them."""
from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

from pbx import metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "centralka.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exported() -> set[str]:
    """Every series name our metrics give, whether or not anything has happened yet."""
    names = {name for name in metrics.GAUGE_HELP}
    for family in REGISTRY.collect():
        if family.name.startswith("centralka_"):
            names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
    return names


def expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_expression_names_exported_metrics_only():
    known = exported()
    asked = {name for expr in expressions() for name in re.findall(r"\bcentralka_[a-z_]+", expr)}
    assert asked and not asked - known, f"not exported: {sorted(asked - known)}"


def test_every_exported_metric_is_on_the_dashboard():
    asked = " ".join(expressions())
    families = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in exported()}
    assert not [name for name in families if name not in asked]
