"""The one error a test call's caller handles: bad input, with a message saying what to fix."""
from pbx.messages import Message


class TestCallInputError(ValueError):
    """Bad input from the person asking for a test call; the message says what to fix, after the ``field``
    it is about when there is one."""

    def __init__(self, message: Message, field: str | None = None):
        super().__init__(Message("input.in_field", field=field, message=message) if field else message)
