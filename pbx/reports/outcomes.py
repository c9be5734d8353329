"""How a call ended, in this order: answered by a person; else a voicemail message left; else abandoned
when the caller hung up first; else missed (nobody answered)."""
from __future__ import annotations

from sqlalchemy import case, select

from pbx import models

CALL = models.CallRecord
ANSWERED, MISSED, ABANDONED, VOICEMAIL = "answered", "missed", "abandoned", "voicemail"
OUTCOMES = (ANSWERED, MISSED, ABANDONED, VOICEMAIL)
NOT_ANSWERED = (MISSED, ABANDONED, VOICEMAIL)


def outcome():
    """The outcome of a call record, as an SQL expression."""
    message = models.Recording
    left_message = select(message.id).where(message.call_uuid == CALL.call_uuid, message.kind == "voicemail").exists()
    return case((CALL.answered_at.is_not(None), ANSWERED), (left_message, VOICEMAIL),
                (CALL.hangup_side == "caller", ABANDONED), else_=MISSED).label("outcome")
