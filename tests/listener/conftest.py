"""Fixtures of the listener tests: the company of the captured calls (tenant 42)."""
import pytest


@pytest.fixture
def company(ctx):
    """Tenant 42, the ``centralka_tenant`` of every captured call."""
    from pbx import models
    from pbx.extensions import db

    tenant = models.Tenant(id=42, name="Captured calls", timezone="Europe/Warsaw")
    db.session.add(tenant)
    db.session.commit()
    return tenant
