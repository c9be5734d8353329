"""Input schemas of the API; marshmallow's own messages carry codes (``schemas.input_messages``), and
messages word field paths by the fields' labels (``schemas.field_words``)."""
from schemas import field_words  # noqa: F401 - registers the words of field paths
from schemas.input_messages import give_codes

give_codes()
