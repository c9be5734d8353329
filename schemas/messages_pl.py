"""Polish texts of the API's error messages, for admins who use the panel in Polish.

The API speaks English (its clients rely on stable texts); a request that prefers Polish gets
each message through ``translate``. The catalogue pairs a regular expression over the whole
English message with a Polish template whose ``{names}`` are the pattern's named groups. Some
groups are converted on the way (see ``_CONVERT``): model names, counts that need a Polish plural,
and places that are messages themselves. Values the user typed are kept as they were quoted.
"""
from __future__ import annotations

import re
from typing import Any

# Lower-case model class name: (singular, plural), as in "User 5 does not exist in this company".
_MODELS = {
    "user": ("Użytkownik", "Użytkownicy"),
    "group": ("Grupa", "Grupy"),
    "mainnumber": ("Numer główny", "Numery główne"),
    "numberlist": ("Lista numerów", "Listy numerów"),
    "announcement": ("Zapowiedź", "Zapowiedzi"),
    "voicemailbox": ("Skrzynka głosowa", "Skrzynki głosowe"),
    "recording": ("Nagranie", "Nagrania"),
}

# What a refused delete names (pbx/directory.py); the participle agrees with the noun's gender.
_DELETED = {
    "user": "użytkownik {name} jest używany",
    "group": "grupa {name} jest używana",
    "announcement": "zapowiedź {name} jest używana",
    "voicemail box": "skrzynka głosowa {name} jest używana",
    "number list": "lista numerów {name} jest używana",
}

_COMPARISONS = {
    "greater than or equal to": "większa lub równa",
    "greater than": "większa niż",
    "less than or equal to": "mniejsza lub równa",
    "less than": "mniejsza niż",
}


def _plural(one: str, few: str, many: str):
    """'1 bajt', '3 bajty', '5 bajtów', '22 bajty', '12 bajtów'."""

    def count(number: str) -> str:
        n = int(number)
        word = one if n == 1 else few if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else many
        return f"{number} {word}"

    return count


def _places(text: str) -> str:
    return "; ".join(translate(place) for place in text.split("; "))


_bytes = _plural("bajt", "bajty", "bajtów")

_CONVERT = {
    "model": lambda name: _MODELS[name.lower()][0],
    "models": lambda name: _MODELS[name.lower()][1],
    "digits": _plural("cyfrę", "cyfry", "cyfr"),
    "size": _bytes,
    "limit": _bytes,
    "place": lambda text: translate(text),
    "places": _places,
    "scenario": lambda name: "bez nazwy" if name == "without a name" else name,
    "low": _COMPARISONS.__getitem__,
    "high": _COMPARISONS.__getitem__,
    "op": _COMPARISONS.__getitem__,
}

_QUOTED = r"(?P<value>'.*'|\".*\")"  # a value as Python's repr() quotes it
_MODEL_NAMES = "|".join(_MODELS)
_NOT_A_PHONE = _QUOTED + r" is not a phone number: "

# Messages without variable parts.
_LITERAL = {
    # marshmallow's defaults for the fields, validators and schemas in use
    "Missing data for required field.": "To pole jest wymagane.",
    "Field may not be null.": "To pole nie może być puste.",
    "Invalid value.": "Nieprawidłowa wartość.",
    "Unknown field.": "Nieznane pole.",
    "Invalid input type.": "Nieprawidłowy typ danych.",
    "Invalid type.": "Nieprawidłowy typ.",
    "Not a valid string.": "To nie jest tekst.",
    "Not a valid utf-8 string.": "To nie jest poprawny tekst w UTF-8.",
    "Not a valid integer.": "To nie jest liczba całkowita.",
    "Number too large.": "Liczba jest za duża.",
    "Not a valid boolean.": "To nie jest wartość logiczna (prawda lub fałsz).",
    "Not a valid email address.": "To nie jest poprawny adres e-mail.",
    "Not a valid list.": "To nie jest lista.",
    # the JSON error responses
    "invalid input": "Nieprawidłowe dane.",
    "The browser (or proxy) sent a request that this server could not understand.":
        "Serwer nie zrozumiał żądania wysłanego przez przeglądarkę (lub serwer pośredniczący).",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
    "and try again.":
        "Na serwerze nie ma takiego adresu URL. Jeśli adres wpisano ręcznie, sprawdź jego pisownię i spróbuj ponownie.",
    "The method is not allowed for the requested URL.": "Ta metoda nie jest dozwolona dla tego adresu URL.",
    "The data value transmitted exceeds the capacity limit.": "Przesłane dane przekraczają dopuszczalny rozmiar.",
    "The server encountered an internal error and was unable to complete your request. Either the server is "
    "overloaded or there is an error in the application.":
        "Wystąpił wewnętrzny błąd serwera i nie udało się obsłużyć żądania. Serwer jest przeciążony "
        "albo w aplikacji wystąpił błąd.",
    # schemas
    "a phone number is required": "Numer telefonu jest wymagany.",
    "choose a user or a group, not both": "Wybierz albo użytkownika, albo grupę, nie jedno i drugie.",
    "cannot always present the main number without being allowed to":
        "Nie można zawsze prezentować numeru głównego bez uprawnienia do prezentowania go.",
    "a user may be in a group only once": "Użytkownik może należeć do grupy tylko raz.",
    "a text-to-speech announcement needs its text": "Zapowiedź czytana przez lektora musi mieć tekst.",
    "a voicemail box needs at least one recipient": "Skrzynka głosowa musi mieć co najmniej jednego odbiorcę.",
    # pbx
    "the mp3 has no audio": "Plik mp3 nie zawiera dźwięku.",
    "a company always has a primary number: make another number primary instead":
        "Firma zawsze ma numer podstawowy: zamiast tego ustaw inny numer jako podstawowy.",
    "the primary number cannot be deleted: make another number primary first":
        "Nie można usunąć numeru podstawowego: najpierw ustaw inny numer jako podstawowy.",
    "the scenario has no draft to publish": "Scenariusz nie ma szkicu do opublikowania.",
    "hold is true or false": "Pole hold musi mieć wartość true albo false.",
    "no such recording": "Nie ma takiego nagrania.",
    "give the caller number (?caller=...)": "Podaj numer dzwoniącego (?caller=...).",
    # webadmin
    "sign in first": "Najpierw się zaloguj.",
    "your admin rights do not allow this": "Twoje uprawnienia administratora na to nie pozwalają.",
    "give the e-mail address you sign in with": "Podaj adres e-mail, którym się logujesz.",
    "e-mail and code are required": "Adres e-mail i kod są wymagane.",
    "wrong or expired code": "Błędny lub wygasły kod.",
    "only an owner (level 3) grants admin rights or changes an admin's sign-in address":
        "Tylko właściciel (poziom 3) nadaje uprawnienia administratora i zmienia adres logowania administratora.",
    "only an owner (level 3) deletes admins": "Tylko właściciel (poziom 3) może usuwać administratorów.",
    "you cannot delete yourself": "Nie możesz usunąć samego siebie.",
    "choose an mp3 file": "Wybierz plik mp3.",
    "the speech synthesizer is not available; try again later":
        "Syntezator mowy jest niedostępny; spróbuj ponownie później.",
    "this announcement has no sound file yet": "Ta zapowiedź nie ma jeszcze pliku dźwiękowego.",
    "the recording cannot be read from storage now; try again later":
        "Nie można teraz odczytać nagrania z magazynu; spróbuj ponownie później.",
    "the scenario has no draft": "Scenariusz nie ma szkicu.",
    "give the version number to roll back to": "Podaj numer wersji, którą chcesz przywrócić.",
    "compare version numbers or 'draft'": "Porównywać można numery wersji albo 'draft'.",
    "send a JSON object": "Wyślij obiekt JSON.",
}

# Messages with values; the first match wins, so the narrower patterns come first.
_PATTERNED = [
    # marshmallow's validate.Length, validate.Range and validate.OneOf
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "Długość musi wynosić od {min} do {max}."),
    (r"Shorter than minimum length (?P<min>\d+)\.", "Długość musi wynosić co najmniej {min}."),
    (r"Longer than maximum length (?P<max>\d+)\.", "Długość może wynosić najwyżej {max}."),
    (r"Length must be (?P<equal>\d+)\.", "Długość musi wynosić dokładnie {equal}."),
    (r"Must be greater than or equal to (?P<min>.+?) and less than or equal to (?P<max>.+)\.",
     "Wartość musi być z przedziału od {min} do {max}."),
    (r"Must be (?P<low>greater than(?: or equal to)?) (?P<min>.+?) and (?P<high>less than(?: or equal to)?) "
     r"(?P<max>.+)\.", "Wartość musi być {low} {min} i {high} {max}."),
    (r"Must be (?P<op>(?:greater|less) than(?: or equal to)?) (?P<bound>.+)\.", "Wartość musi być {op} {bound}."),
    (r"Must be one of: (?P<choices>.*)\.", "Dozwolone wartości: {choices}."),
    # schemas/fields.py
    (_NOT_A_PHONE + r"letters are not allowed", "{value} nie jest numerem telefonu: litery są niedozwolone."),
    (_NOT_A_PHONE + r"only digits, spaces, '-', '\(' '\)' and a leading '\+' are allowed",
     "{value} nie jest numerem telefonu: dozwolone są tylko cyfry, spacje, '-', '(' ')' i '+' na początku."),
    # phonenumbers' NumberParseException, by its error type
    (_NOT_A_PHONE + r"\(0\) .*", "{value} nie jest numerem telefonu: nieznany numer kierunkowy kraju."),
    (_NOT_A_PHONE + r"\(1\) .*", "{value} nie jest numerem telefonu."),
    (_NOT_A_PHONE + r"\(2\) .*", "{value} nie jest numerem telefonu: za mało cyfr po prefiksie międzynarodowym."),
    (_NOT_A_PHONE + r"\(3\) .*", "{value} nie jest numerem telefonu: za mało cyfr."),
    (_NOT_A_PHONE + r"\(4\) .*", "{value} nie jest numerem telefonu: za dużo cyfr."),
    (_QUOTED + r" has (?P<digits>\d+) digits: a Polish number has 9, an international one starts with \+ or 00",
     "{value} ma {digits}: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."),
    (_QUOTED + r" is not a valid number for its country \(wrong length or unknown prefix\)",
     "{value} nie jest prawidłowym numerem w swoim kraju (zła długość lub nieznany prefiks)."),
    (r"control character U\+(?P<code>[0-9A-F]{4,6}) is not allowed", "Znak sterujący U+{code} jest niedozwolony."),
    (r"extension " + _QUOTED + r" must be 2 to 6 digits", "Numer wewnętrzny {value} musi mieć od 2 do 6 cyfr."),
    (_QUOTED + r" is not an IANA time zone \(e\.g\. Europe/Warsaw\)",
     "{value} nie jest strefą czasową IANA (np. Europe/Warsaw)."),
    # schemas/base.py, schemas/directory.py, schemas/scenario.py
    (rf"(?P<model>(?i:{_MODEL_NAMES})) (?P<id>\d+) does not exist in this company",
     "{model} {id} nie istnieje w tej firmie."),
    (rf"(?P<models>(?i:{_MODEL_NAMES})) (?P<ids>\d+(?:, \d+)+) does not exist in this company",
     "{models} {ids} nie istnieją w tej firmie."),
    (r"extension (?P<extension>\d+) is already used by a user",
     "Numer wewnętrzny {extension} jest już używany przez użytkownika."),
    (r"extension (?P<extension>\d+) is already used by a group",
     "Numer wewnętrzny {extension} jest już używany przez grupę."),
    (r"a company named " + _QUOTED + r" already exists", "Firma o nazwie {value} już istnieje."),
    (r"(?P<number>\+\d+) is already a main number", "Numer {number} jest już numerem głównym."),
    (_QUOTED + r" is not a number or a prefix ending in '\*'",
     "{value} nie jest numerem ani prefiksem zakończonym znakiem '*'."),
    (r"a scenario may be at most (?P<kib>\d+) KiB of JSON", "Scenariusz może mieć najwyżej {kib} KiB w formacie JSON."),
    # pbx/prompts.py, webadmin/announcements.py
    (r"the file has (?P<size>\d+) bytes; an announcement may have at most (?P<limit>\d+) \(2 MB\)",
     "Plik ma {size}; zapowiedź może mieć najwyżej {limit} (2 MB)."),
    (r"the file is not an mp3 \((?P<error>\w+)\)", "To nie jest plik mp3 ({error})."),
    (r"an announcement may have at most (?P<limit>\d+) bytes \(2 MB\)", "Zapowiedź może mieć najwyżej {limit} (2 MB)."),
    # webadmin/calls.py
    (_QUOTED + r" is not a date YYYY-MM-DD", "{value} nie jest datą w formacie RRRR-MM-DD."),
    # pbx/tenancy.py, pbx/scenarios.py
    (r"no company with id or name " + _QUOTED, "Nie ma firmy o identyfikatorze ani nazwie {value}."),
    (r"main number (?P<number>\+\d+) is not a number of this company",
     "Numer główny {number} nie należy do tej firmy."),
    (r"main number (?P<number>\+\d+) has no scenario", "Numer główny {number} nie ma scenariusza."),
    (r"the scenario has no version (?P<number>\d+)", "Scenariusz nie ma wersji {number}."),
    # The places a refused delete names (pbx/scenarios.references_to); lower case, as the panel
    # puts them after "Nie można usunąć: ". The group place holds places itself, joined by "; ".
    (r"scenario (?P<scenario>.+) \((?P<number>\+\d+)\): the scenario of this number",
     "scenariusz {scenario} ({number}): scenariusz tego numeru"),
    (r"scenario (?P<scenario>.+) \((?P<number>\+\d+)\), draft, node (?P<node>.+)",
     "scenariusz {scenario} ({number}), szkic, węzeł {node}"),
    (r"scenario (?P<scenario>.+) \((?P<number>\+\d+)\), published version (?P<version>\d+), node (?P<node>.+)",
     "scenariusz {scenario} ({number}), opublikowana wersja {version}, węzeł {node}"),
    (r"main number (?P<number>\+\d+) rings this user directly",
     "numer główny {number} dzwoni bezpośrednio do tego użytkownika"),
    (r"main number (?P<number>\+\d+) rings this group directly",
     "numer główny {number} dzwoni bezpośrednio do tej grupy"),
    (r"group (?P<name>.+?): its only member; the group is used by (?P<places>.+)",
     "grupa {name} (jako jej jedyny członek), a ta grupa jest używana przez: {places}"),
    (r"voicemail box (?P<name>.+?): its only recipient", "skrzynka głosowa {name} (jako jej jedyny odbiorca)"),
    (r"voicemail box (?P<name>.+?): its greeting", "skrzynka głosowa {name} (jako jej powitanie)"),
    # pbx/directory.py: "<what> is used by <place>", after the places so that a group place stays one
    *((rf"{what} (?P<name>.+?) is used by (?P<place>.+)", polish + " przez: {place}")
      for what, polish in _DELETED.items()),
]

CATALOGUE: list[tuple[re.Pattern[str], str]] = [
    *((re.compile(re.escape(english)), polish) for english, polish in _LITERAL.items()),
    *((re.compile(pattern), template) for pattern, template in _PATTERNED),
]


def translate(message: str) -> str:
    """The Polish text of an English message; a message the catalogue does not know stays as it is."""
    for pattern, template in CATALOGUE:
        match = pattern.fullmatch(message)
        if match:
            return template.format(**{name: _CONVERT.get(name, str)(value)
                                      for name, value in match.groupdict().items()})
    return message


def translate_messages(messages: Any) -> Any:
    """Every text in a message structure (a str, or lists and dicts of them, as in
    ``ValidationError.normalized_messages()``); keys and other values stay as they are."""
    if isinstance(messages, str):
        return translate(messages)
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_messages(message) for message in messages]
    return messages
