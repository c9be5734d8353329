"""The one error a test call's caller handles: bad input, with a message saying what to fix."""


class TestCallInputError(ValueError):
    """Bad input from the person asking for a test call; the message says what to fix."""
