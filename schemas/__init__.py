"""Input schemas of the API; marshmallow's own messages carry codes (``schemas.input_messages``)."""
from schemas.input_messages import give_codes

give_codes()
