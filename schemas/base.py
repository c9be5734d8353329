"""Base for schemas whose checks need the tenant (uniqueness, references)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError
from sqlalchemy import func, select

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from pbx.tenancy import missing, storable_id


class TenantSchema(Schema):
    """A schema bound to one tenant, and to the row being edited when updating."""

    def __init__(self, *, tenant_id: int | None = None, instance_id: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.tenant_id = tenant_id
        self.instance_id = instance_id

    def owned_ids(self, model, ids, field: str) -> list[int]:
        """Ids that must all belong to this tenant; names the ones that do not."""
        ids = list(ids)
        if not ids:
            return ids
        found = set(db.session.scalars(
            select(model.id).where(model.tenant_id == self.tenant_id, model.id.in_(filter(storable_id, ids)))
        ))
        absent = [i for i in ids if i not in found]
        if absent:
            raise ValidationError(missing(model.__name__, absent), field)
        return ids

    def extension_free(self, extension: str, *, own_model) -> None:
        """Extensions are unique per tenant across users and groups together."""
        for model in (models.User, models.Group):
            query = select(func.count()).select_from(model).where(
                model.tenant_id == self.tenant_id, model.extension == extension
            )
            if model is own_model and self.instance_id is not None:
                query = query.where(model.id != self.instance_id)
            if db.session.scalar(query):
                code = "extension.used_by_user" if model is models.User else "extension.used_by_group"
                raise ValidationError(Message(code, extension=extension), "extension")
