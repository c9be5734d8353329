"""The Polish texts of the messages, by code (see ``pbx.messages``): what the panel shows in Polish.

Every code of ``pbx.messages.en`` with the same parameters; ``{n:plural:one|few|many}`` writes a number
with its word by Polish plural rules (1 bajt, 3 bajty, 5 bajtów, 22 bajty, 12 bajtów).
"""

TEXTS = {
    "announcement.choose_file": "Wybierz plik mp3.",
    "announcement.no_sound": "Ta zapowiedź nie ma jeszcze pliku dźwiękowego.",
    "announcement.text_required": "Zapowiedź czytana przez lektora musi mieć tekst.",
    "announcement.tts_away": "Syntezator mowy jest niedostępny; spróbuj ponownie później.",

    "auth.address_required": "Podaj adres e-mail lub numer telefonu, którym się logujesz.",
    "auth.code_required": "Adres e-mail i kod są wymagane.",
    "auth.cross_site": "Odrzucono żądanie z innej witryny: zmiany są przyjmowane tylko ze stron panelu.",
    "auth.csrf": "Brak lub błędny token CSRF: wyślij nagłówek X-CSRF-Token.",
    "auth.queue_away": "Nie można teraz wysłać kodu logowania: kolejka zadań nie odpowiada. Spróbuj ponownie za chwilę;"
                       " kod wysłany wcześniej nadal działa.",
    "auth.rights": "Twoje uprawnienia administratora na to nie pozwalają.",
    "auth.sign_in_first": "Najpierw się zaloguj.",
    "auth.too_many_attempts": "Zbyt wiele prób logowania: odczekaj i spróbuj ponownie.",
    "auth.wrong_code": "Błędny lub wygasły kod.",

    "branch.answer": "„odpowiedź {name}”",
    "branch.busy": "„zajęte”",
    "branch.fallback": "„awaryjna”",
    "branch.closed": "„zamknięte”",
    "branch.invalid": "„błędny wybór”",
    "branch.key": "„klawisz {key}”",
    "branch.match": "„na liście”",
    "branch.next": "„dalej”",
    "branch.no_answer": "„brak odpowiedzi”",
    "branch.no_input": "„brak wyboru”",
    "branch.open": "„otwarte”",
    "branch.otherwise": "„pozostali”",
    "branch.unavailable": "„niedostępny”",

    "check.blacklist_match": "Połączenia od dzwoniących z czarnej listy są odrzucane: usuń gałąź {branch}.",
    "check.branch_missing": "Brak gałęzi {branch}: połączenie nie miałoby dokąd trafić.",
    "check.goto_unknown": "Cel skoku {value!r} nie jest węzłem tego scenariusza.",
    "check.idle_loop":
        "Pętla bez naciśnięcia klawisza i bez limitu czasu: {loop}: dodaj do niej menu albo przekierowanie z "
        "dzwonieniem.",
    "check.menu_empty": "Menu musi mieć co najmniej jedną opcję albo wybieranie numerów wewnętrznych.",
    "check.no_fallback":
        "Brak gałęzi {branch}, a ani grupa, ani firma nie mają ustawionego miejsca na nieodebrane "
        "połączenia: połączenie nie miałoby dokąd trafić.",
    "check.queue_external": "Połączenia z kolejki może odbierać tylko użytkownik albo grupa, nie numer zewnętrzny.",
    "check.server_empty": "Serwer nie ma dokąd skierować połączenia: dodaj gałąź odpowiedzi albo pozwól mu wskazać cel.",
    "check.server_url": "Adres serwera {value!r} nie jest poprawnym adresem URL (https://nazwa-hosta/ścieżka, bez spacji i polskich znaków).",
    "check.too_deep": "Węzły można zagnieżdżać najwyżej na głębokość {levels:plural:poziomu|poziomów|poziomów}.",
    "check.too_many_nodes": "Scenariusz ma {nodes:plural:węzeł|węzły|węzłów}; dozwolonych jest najwyżej {max}.",
    "check.user_unreachable":
        "Użytkownik {name} nie ma ani numeru telefonu, ani numeru wewnętrznego, na który można zadzwonić.",
    "check.vip_needs_match": "Lista VIP wymaga gałęzi {branch} dla dzwoniących z tej listy.",

    "contact.number_twice": 'Numer można podać tylko raz.',
    "contact.import_empty": 'Plik nie zawiera żadnych kontaktów.',
    "contact.import_too_many": 'Plik może zawierać najwyżej {limit} kontaktów.',
    "contact.import_too_big": 'Plik jest większy niż {megabytes} MB.',
    "contact.import_no_name_column": 'Pierwszy wiersz pliku musi nazywać kolumny, w tym kolumnę Nazwa (name).',
    "contact.import_not_vcard": 'Pliku nie da się odczytać jako vCard.',
    "noun.fax": "faks",
    "noun.faxes": "faksy",
    "noun.contact": 'kontakt',
    "noun.contacts": 'kontakty',
    "noun.survey": "ankieta",
    "noun.surveys": "ankiety",
    "caller_condition.list_or_group": 'Wybierz listę numerów albo grupę kontaktów (jedno z nich).',
    "lint.contact_group_empty":
        'W grupie kontaktów {name} nie ma kontaktu z numerem: każde połączenie trafi do gałęzi {branch}.',
    "contact.not_its_number": 'To nie jest numer tego kontaktu.',
    "contact.call_needs_a_phone": 'Aby dzwonić z panelu, potrzebujesz numeru wewnętrznego z telefonem SIP.',
    "contact.phone_not_registered":
        'Twój telefon (numer wewnętrzny {extension}) nie jest zalogowany do centrali: włącz go i spróbuj ponownie.',
    "contact.calling": 'Twój telefon dzwoni: odbierz, a kontakt zostanie wybrany.',
    "company.name_taken": "Firma o nazwie {value!r} już istnieje.",
    "company.unknown": "Nie ma firmy o identyfikatorze ani nazwie {value!r}.",
    "company.transfer_code": "Kod przełączenia to * albo # i jedna cyfra, np. *1.",
    "company.record_code": "Kod nagrywania to * albo # i jedna cyfra, np. *3.",
    "company.record_code_clash": (
        "Kod nagrywania musi zaczynać się tym samym klawiszem co kody przełączenia i mieć inną cyfrę "
        "(teraz {record}; kody przełączenia {transfers})."),
    "company.transfer_codes_clash": (
        "Oba kody przełączenia muszą zaczynać się tym samym klawiszem i różnić cyfrą (teraz {blind} i {attended})."),

    "database.away": "Baza danych jest teraz niedostępna; spróbuj ponownie za chwilę.",
    "database.value_refused": "Nie można użyć wartości z tego żądania: liczba spoza zakresu albo znak NUL.",

    "date.not_a_date_time": "{value!r} nie jest datą i godziną w formacie 2026-12-24T14:00.",
    "date.not_a_day": "{value!r} nie jest datą (np. 31.12.2026 albo 2026-12-31).",
    "date.outside_years": "{value!r} wykracza poza lata {first}–{last}.",
    "date.repeated_by_clock_change":
        "{value!r} występuje dwa razy w strefie {zone} (zmiana czasu): wybierz inną godzinę.",
    "date.skipped_by_clock_change": "{value!r} nie istnieje w strefie {zone} (zmiana czasu): wybierz inną godzinę.",
    "date.year_range": "Rok musi być z przedziału od {first} do {last}, a nie {year}.",
    "greeting.end_before_start": "Koniec ({end}) musi być później niż początek ({start}).",
    "greeting.range_both": "Podaj początek i koniec (albo żadnego z nich).",
    "greeting.range_too_long": "Komunikat może obowiązywać najwyżej {days} dni.",

    "diff.added": "Dodano węzeł {kind} {node} do {place}",
    "diff.branch_of": "gałęzi {branch} węzła {node}",
    "diff.changed": "Węzeł {node}: zmieniono {field:path} z {old} na {new}",
    "diff.moved": "Przeniesiono węzeł {node} z {old} do {new}",
    "diff.removed": "Usunięto węzeł {kind} {node}",
    "diff.set": "Węzeł {node}: ustawiono {field:path} na {new}",
    "diff.top": "początku scenariusza",
    "diff.unset": "Węzeł {node}: usunięto {field:path} (było {old})",

    "export.last_day_first": "Ostatni dzień jest wcześniejszy niż pierwszy.",
    "export.not_ready": "Eksport nie jest jeszcze gotowy: zapisano {done} z {total} połączeń.",
    "export.queue_away": "Nie można teraz rozpocząć eksportu: kolejka zadań nie odpowiada. Spróbuj ponownie za chwilę.",
    "export.storage_away": "Nie można teraz odczytać eksportu z magazynu; spróbuj ponownie później.",
    "export.too_many_calls":
        "Eksport obejmuje {calls:plural:połączenie|połączenia|połączeń}; jeden plik mieści najwyżej "
        "{rows:plural:wiersz|wiersze|wierszy}: wybierz krótszy okres (od, do) albo uruchom eksport w tle.",

    "extension.digits": "Numer wewnętrzny {value!r} musi mieć od 2 do 6 cyfr.",
    "extension.used_by_group": "Numer wewnętrzny {extension} jest już używany przez grupę.",
    "extension.used_by_user": "Numer wewnętrzny {extension} jest już używany przez użytkownika.",

    "fallback.box_or_number": "Wybierz skrzynkę głosową albo numer, nie oba naraz.",

    "forward.one_target": "Wybierz dokładnie jedno: użytkownika, grupę albo numer.",

    "fax.file_gone": "Pliku tego faksu już nie ma.",
    "fax.no_document": "Wybierz plik PDF do wysłania faksem.",
    "fax.no_pages": "Dokument PDF nie ma żadnej strony.",
    "fax.not_a_pdf": "Ten plik nie jest prawidłowym dokumentem PDF: nie da się go wysłać faksem.",
    "fax.page_too_long": "Strona dokumentu jest zbyt długa, by wysłać ją faksem.",
    "fax.pdf_password": "Dokument PDF jest chroniony hasłem: zapisz go bez hasła i wyślij ponownie.",
    "fax.too_large": "Plik jest za duży: faksem można wysłać PDF do {megabytes} MB.",
    "fax.too_many_pages": "Dokument ma {pages} stron, a faksem można wysłać najwyżej {most}.",

    "group.member_twice": "Użytkownik może należeć do grupy tylko raz.",

    "http.400": "Serwer nie zrozumiał żądania wysłanego przez przeglądarkę (lub serwer pośredniczący).",
    "http.404":
        "Na serwerze nie ma takiego adresu URL. Jeśli adres wpisano ręcznie, sprawdź jego pisownię i spróbuj "
        "ponownie.",
    "http.405": "Ta metoda nie jest dozwolona dla tego adresu URL.",
    "http.413": "Przesłane dane przekraczają dopuszczalny rozmiar.",
    "http.500":
        "Wystąpił wewnętrzny błąd serwera i nie udało się obsłużyć żądania. Serwer jest przeciążony albo w "
        "aplikacji wystąpił błąd.",

    "in_use.announcement": "zapowiedź {name} jest używana przez: {place}",
    "in_use.group": "grupa {name} jest używana przez: {place}",
    "in_use.number_list": "lista numerów {name} jest używana przez: {place}",
    "in_use.user": "użytkownik {name} jest używany przez: {place}",
    "in_use.voicemail_box": "skrzynka głosowa {name} jest używana przez: {place}",
    "in_use.survey": "ankieta {name} jest używana przez: {place}",

    "input.at_least": "większa lub równa",
    "input.at_most": "mniejsza lub równa",
    "input.in_field": "{field:path:capital}: {message}",
    "input.invalid": "Nieprawidłowa wartość.",
    "input.invalid_body": "Nieprawidłowe dane.",
    "input.invalid_parameters": "Nieprawidłowe dane.",
    "input.length_between": "Długość musi wynosić od {min} do {max}.",
    "input.length_equal": "Długość musi wynosić dokładnie {equal}.",
    "input.length_max": "Długość może wynosić najwyżej {max}.",
    "input.length_min": "Długość musi wynosić co najmniej {min}.",
    "input.less_than": "mniejsza niż",
    "input.more_than": "większa niż",
    "input.not_boolean": "To nie jest wartość logiczna (prawda lub fałsz).",
    "input.not_email": "To nie jest poprawny adres e-mail.",
    "input.not_integer": "To nie jest liczba całkowita.",
    "input.not_list": "To nie jest lista.",
    "input.not_mapping": "To nie jest obiekt JSON.",
    "input.not_number": "To nie jest liczba.",
    "input.not_object": "Nieprawidłowy typ danych.",
    "input.not_text": "To nie jest tekst.",
    "input.not_utf8": "To nie jest poprawny tekst w UTF-8.",
    "input.null": "To pole nie może być puste.",
    "input.one_of": "Dozwolone wartości: {choices}.",
    "input.range_between": "Wartość musi być {min_op} {min} i {max_op} {max}.",
    "input.range_from_to": "Wartość musi być z przedziału od {min} do {max}.",
    "input.range_max": "Wartość musi być {max_op} {max}.",
    "input.range_min": "Wartość musi być {min_op} {min}.",
    "input.required": "To pole jest wymagane.",
    "input.text_required": "Tekst jest wymagany.",
    "input.too_large": "Liczba jest za duża.",
    "input.unknown_field": "Nieznane pole.",
    "input.wrong_type": "Nieprawidłowy typ.",

    "kind.announcement": "„Zapowiedź”",
    "kind.caller_condition": "„Warunek numeru”",
    "kind.fax": "„Faks”",
    "kind.forward": "„Przekierowanie”",
    "kind.goto": "„Przejdź do”",
    "kind.server": "„Wywołaj serwer”",
    "kind.hangup": "„Rozłączenie”",
    "kind.menu": "„Menu (IVR)”",
    "kind.occasional": "„Komunikat okazjonalny”",
    "kind.personal": "„Komunikat spersonalizowany”",
    "kind.schedule": "„Harmonogram”",
    "kind.voicemail": "„Poczta głosowa”",

    "language.en": "po angielsku",
    "language.pl": "po polsku",

    "lint.box_no_greeting": "Skrzynka głosowa {name} nie ma powitania: dzwoniący usłyszą tylko sygnał.",
    "lint.dead_end":
        "Ślepy zaułek: po zapowiedzi połączenie zostanie rozłączone (dodaj gałąź {branch} albo węzeł "
        "„Rozłączenie”).",
    "lint.greeting_past": "Termin komunikatu minął {end}: żaden dzwoniący go już nie usłyszy.",
    "lint.greetings_overlap":
        "Termin nakłada się na termin komunikatu {other} wcześniej: dzwoniący usłyszą oba, jeden po drugim.",
    "lint.fax_no_recipients": "Skrzynka {name} nie ma odbiorców: odebrane faksy nie trafią do nikogo e-mailem.",
    "lint.group_empty":
        "Grupa {name} nie ma członka, do którego można zadzwonić: połączenia od razu trafią do gałęzi "
        "zapasowej.",
    "lint.list_empty": "Lista numerów {name} jest pusta: każde połączenie trafi do gałęzi {branch}.",
    "lint.menu_invalid": "Brak gałęzi {branch}: dzwoniący, który naciśnie niewłaściwy klawisz, zostanie rozłączony.",
    "lint.server_no_fallback": "Brak gałęzi {branch}: gdy serwer nie odpowie w czasie albo odpowie błędnie, połączenie zostanie zakończone.",
    "lint.server_not_https": "Adres serwera nie zaczyna się od https://: centralka nie wyśle na niego połączenia i zawsze wybierze gałąź awaryjną.",
    "lint.menu_no_input": "Brak gałęzi {branch}: dzwoniący, który nic nie naciśnie, zostanie rozłączony.",
    "lint.personal_nobody":
        "Nie wybrano żadnego numeru (pusta lista lub grupa kontaktów): nikt nie usłyszy komunikatu.",
    "lint.never_open": "Harmonogram nigdy nie jest otwarty: każde połączenie trafi do gałęzi {branch}.",
    "lint.prompt_language": "Zapowiedź {name} jest {language}, a firma mówi {company}: brak zapowiedzi w języku firmy.",
    "lint.queue_announced_too_late":
        "Dzwoniący opuszczają kolejkę po {wait} s, przed pierwszym komunikatem (co {every} s): nie usłyszą żadnego.",
    "lint.queue_hangs_up":
        "Kolejka nie ma sensownej gałęzi zapasowej: po maksymalnym czasie oczekiwania dzwoniący zostaną "
        "rozłączeni.",

    "main_number.no_scenario": "Numer główny {number} nie ma scenariusza.",
    "main_number.not_ours": "Numer główny {number} nie należy do tej firmy.",
    "main_number.primary_delete": "Nie można usunąć numeru podstawowego: najpierw ustaw inny numer jako podstawowy.",
    "main_number.primary_stays": "Firma zawsze ma numer podstawowy: zamiast tego ustaw inny numer jako podstawowy.",
    "main_number.taken": "Numer {number} jest już numerem głównym.",
    "main_number.user_or_group": "Wybierz albo użytkownika, albo grupę, nie jedno i drugie.",

    "menu.not_a_key": "Opcja {value!r} nie jest żadnym z klawiszy 0-9, * ani #.",
    "server.answer_name": "Nazwa odpowiedzi {value!r}: małe litery, cyfry i _, zaczyna się literą, do 20 znaków (nie „fallback”).",

    "mp3.cut_short":
        "Plik mp3 jest ucięty: według nagłówka trwa {promised:.1f} s, a odtworzyć da się tylko {decoded:.1f} "
        "s.",
    "mp3.damaged": "Plik mp3 jest uszkodzony: {detail}.",
    "mp3.decode_timeout": "Dekodowanie pliku mp3 trwa zbyt długo.",
    "mp3.does_not_decode": "Plik mp3 jest uszkodzony: nie da się go odtworzyć.",
    "mp3.no_audio": "Plik mp3 nie zawiera dźwięku.",
    "mp3.no_mp3_audio": "To nie jest plik mp3: nie znaleziono w nim dźwięku mp3.",
    "mp3.not_mp3": "To nie jest plik mp3: {detail}.",
    "mp3.other_format": "To nie jest plik mp3: jego zawartość jest w formacie {format}.",
    "mp3.too_big":
        "Plik ma {size:plural:bajt|bajty|bajtów}; zapowiedź może mieć najwyżej "
        "{limit:plural:bajt|bajty|bajtów} (2 MB).",
    "mp3.too_long": "Nagranie trwa ponad {seconds} s; zapowiedź może trwać najwyżej {seconds} s (10 minut).",
    "mp3.unreadable": "To nie jest plik mp3 ({error}).",
    "mp3.upload_too_big": "Zapowiedź może mieć najwyżej {limit:plural:bajt|bajty|bajtów} (2 MB).",

    'node.id_format': "Identyfikator węzła to mała litera, a po niej najwyżej 39 znaków spośród a-z, 0-9 i '_'.",
    "node.id_taken": "Ten identyfikator ma już inny węzeł.",
    "node.no_kind": "Węzeł nie ma rodzaju (dostępne rodzaje: {known}).",
    "node.not_an_object": "Węzeł musi być obiektem JSON.",
    "node.unknown_kind": "Nieznany rodzaj węzła {value!r} (dostępne rodzaje: {known}).",

    "noun.announcement": "zapowiedź",
    "noun.announcements": "zapowiedzi",
    "noun.export": "eksport",
    "noun.export_schedule": "eksport cykliczny",
    "noun.export_schedules": "eksporty cykliczne",
    "noun.exports": "eksporty",
    "noun.group": "grupa",
    "noun.groups": "grupy",
    "noun.main_number": "numer główny",
    "noun.main_numbers": "numery główne",
    "noun.number_list": "lista numerów",
    "noun.number_lists": "listy numerów",
    "noun.recording": "nagranie",
    "noun.recordings": "nagrania",
    "noun.user": "użytkownik",
    "noun.users": "użytkownicy",
    "noun.voicemail_box": "skrzynka głosowa",
    "noun.voicemail_boxes": "skrzynki głosowe",

    "number_list.every_caller":
        "{value!r} pasowałby do każdego dzwoniącego: przed '*' wpisz początek numerów (np. +4822*).",
    'number_list.not_a_pattern': "{value!r} nie jest numerem ani prefiksem zakończonym znakiem '*'.",

    "object.missing": "{kind:capital} {id} nie istnieje w tej firmie.",
    "object.missing_many": "{kinds:capital} {ids} nie istnieją w tej firmie.",

    "override.in_the_past": "{value!r} już minęło: zmiana musi trwać do chwili w przyszłości.",
    "override.target_required": "Wybierz, dokąd mają trafiać połączenia.",

    "personal.one_kind_of_callers": "Wybierz dokładnie jedno: listę numerów, grupę kontaktów albo wszystkie kontakty.",
    "phone.characters":
        "{value!r} nie jest numerem telefonu: dozwolone są tylko cyfry, spacje, '-', '(' ')' i '+' na "
        'początku.',
    "phone.digits":
        "{value!r} ma {digits:plural:cyfrę|cyfry|cyfr}: polski numer ma 9 cyfr, a międzynarodowy zaczyna się "
        "od + lub 00.",
    "phone.letters": "{value!r} nie jest numerem telefonu: litery są niedozwolone.",
    "phone.not_a_number": "{value!r} nie jest numerem telefonu.",
    "phone.not_valid": "{value!r} nie jest prawidłowym numerem w swoim kraju (zła długość lub nieznany prefiks).",
    "phone.required": "Numer telefonu jest wymagany.",
    "phone.too_long": "{value!r} nie jest numerem telefonu: za dużo cyfr.",
    "phone.too_short": "{value!r} nie jest numerem telefonu: za mało cyfr.",
    "phone.too_short_after_idd": "{value!r} nie jest numerem telefonu: za mało cyfr po prefiksie międzynarodowym.",
    "phone.unknown_country": "{value!r} nie jest numerem telefonu: nieznany numer kierunkowy kraju.",

    "place.company_fallback": "domyślne miejsce firmy na nieodebrane połączenia",
    "place.draft_node": "scenariusz {scenario} ({number}), szkic, węzeł {node}",
    "place.greeting": "skrzynka głosowa {name} (jako jej powitanie)",
    "place.survey_prompt": "ankieta {name} (w pytaniach lub komentarzu)",
    "survey.keys": "Klawisze odpowiedzi to cyfry 0–9, każda raz, na przykład 12345.",
    "survey.questions": "Ankieta ma od 1 do 5 pytań.",
    "place.group_fallback": "grupa {name} (gdy nikt z grupy nie odbiera)",
    "place.number_fallback": "numer główny {number} (gdy nikt nie odbiera)",
    "place.only_member": "grupa {name} (jako jej jedyny członek), a ta grupa jest używana przez: {places}",
    "place.only_recipient": "skrzynka głosowa {name} (jako jej jedyny odbiorca)",
    "place.recording_notice": "oświadczenie o nagrywaniu w ustawieniach firmy",
    "place.published_node": "scenariusz {scenario} ({number}), opublikowana wersja {version}, węzeł {node}",
    "place.rings_group": "numer główny {number} dzwoni bezpośrednio do tej grupy",
    "place.rings_user": "numer główny {number} dzwoni bezpośrednio do tego użytkownika",
    "place.scenario_of_number": "scenariusz {scenario} ({number}): scenariusz tego numeru",

    "preview.not_a_day": "{value!r} nie jest datą (np. 20.12.2026, 2026-12-20 albo 2026-12-20T08:00).",
    "preview.not_a_step": "{value!r} nie jest krokiem (np. 30m, 1h albo 90s).",
    "preview.not_published": "Scenariusz nie jest jeszcze opublikowany: pokaż podgląd szkicu.",
    "preview.range_required": "Podaj numer, datę od i datę do (np. from=2026-12-20&to=2026-12-27).",
    "preview.range_reversed": "Zakres kończy się, zanim się zaczyna.",
    "preview.too_many_probes":
        "Podgląd wymaga {needed} prób ({count:plural:harmonogram|harmonogramy|harmonogramów} × zakres ÷ "
        "krok); najwyżej {most}: skróć zakres albo wydłuż krok.",

    "reception.announcing":
        "Twój telefon dzwoni do: {target}. Przedstaw dzwoniącego i odłóż słuchawkę, by ich połączyć, albo "
        "naciśnij #, by wrócić do dzwoniącego.",
    "reception.available": "{user} znów odbiera połączenia z kolejki {queue}.",
    "reception.done": "wykonano",
    "reception.ended": "Połączenie zakończono.",
    "reception.extension_of_nobody": "Numer wewnętrzny {value!r} nie należy do nikogo w tej firmie.",
    "reception.gone": "To połączenie już się zakończyło: dzwoniący się rozłączył albo ktoś inny je odebrał.",
    "reception.group_without_extension":
        "Grupa '{name}' nie ma numeru wewnętrznego, na który można przekazać połączenie.",
    "reception.logged_out": "{user} jest wylogowany(-a) z kolejki {queue}.",
    "reception.no_own_phone":
        "Nie masz ani numeru wewnętrznego, ani numeru telefonu, na który można przekazać połączenie.",
    "reception.no_such_member": "W Twojej firmie nie ma takiego członka kolejki.",
    "reception.not_a_call_id": "{value!r} nie jest identyfikatorem połączenia.",
    "reception.not_everywhere": "Nie na każdej centrali: {reply}",
    "reception.not_ours": "W Twojej firmie nie ma takiego połączenia.",
    "reception.not_receptionist":
        "Strona recepcji jest dla recepcjonistów: uprawnienie nadaje administrator w ustawieniach użytkownika.",
    "reception.not_talking": "Nie rozmawiasz z tym dzwoniącym: najpierw odbierz połączenie, potem je zapowiedz.",
    "reception.on_a_break": "{user} ma przerwę w kolejce {queue}.",
    "reception.one_place":
        "Wybierz jedno miejsce, do którego trafi połączenie: użytkownika, grupę, numer wewnętrzny, numer albo "
        "skrzynkę.",
    "reception.on_its_way": "Połączenie jest przekazywane na Twój telefon.",
    "reception.status_choice": "Stan to jedno z: available, logged_out, on_break.",
    "reception.switch_away": "Centrala nie odpowiedziała: spróbuj za chwilę.",
    "reception.switch_refused": "Centrala odmówiła: {reply}",
    "reception.to_voicemail": "Dzwoniący nagrywa wiadomość w skrzynce {box}.",
    "reception.too_many_pages": "Na tym serwerze otwarto za dużo stron recepcji: strona spróbuje ponownie za chwilę.",
    "reception.transferred": "Połączenie przekazano: {target}.",
    "reception.unreachable":
        "{user} nie ma ani numeru wewnętrznego, ani numeru telefonu, na który można przekazać połączenie.",

    "recording.caller_required": "Podaj numer dzwoniącego (?caller=...).",
    "recording.expired": "Nagranie wygasło {day}: nie jest już dostępne.",
    "recording.hold": "Pole „blokada” przyjmuje wartość true albo false.",
    "recording.storage_away": "Nie można teraz odczytać nagrania z magazynu; spróbuj ponownie później.",
    "recording.unknown": "Nie ma takiego nagrania.",

    "report.ends_before_start": "Okres kończy się przed swoim początkiem: wybierz „do” nie wcześniej niż „od”.",
    "report.option_not_taken": "Raport {report} nie przyjmuje parametru {option}.",
    "report.too_long": "Raport obejmuje najwyżej {days:plural:dzień|dni|dni}: wybierz krótszy okres.",
    "report.unknown": "Nie ma raportu o nazwie {value!r}: wybierz jeden z: {reports}.",

    "request.json": "Wyślij dane jako JSON (Content-Type: application/json).",
    "request.json_object": "Wyślij obiekt JSON.",

    "rights.owner_deletes_admins": "Tylko właściciel (poziom 3) może usuwać administratorów.",
    "rights.owner_grants":
        "Tylko właściciel (poziom 3) nadaje uprawnienia administratora i zmienia adres logowania "
        "administratora.",
    "rights.owner_sip_password": "Hasło SIP administratora widzi i zmienia tylko właściciel (poziom 3).",

    'scenario.diff_refs': "Porównywać można numery wersji albo 'draft'.",
    "scenario.has_errors": "Scenariusz zawiera błędy.",
    "scenario.name_not_text": "Nazwa scenariusza musi być tekstem.",
    "scenario.no_draft": "Scenariusz nie ma szkicu.",
    "scenario.no_draft_to_publish": "Scenariusz nie ma szkicu do opublikowania.",
    "scenario.no_version": "Scenariusz nie ma wersji {number}.",
    "scenario.not_an_object": "Scenariusz musi być obiektem z węzłem `root`.",
    "scenario.rollback_version": "Podaj numer wersji, którą chcesz przywrócić.",
    "scenario.too_large": "Scenariusz może mieć najwyżej {kib} KiB w formacie JSON.",
    "scenario.too_large_to_read": "Scenariusz jest za duży, by go odczytać.",
    "scenario.without_name": "bez nazwy",

    "schedule.end_before_start": "{start}-{end}: koniec musi być później niż początek.",
    "schedule.exception_twice": "Każda data wyjątku może wystąpić tylko raz.",
    'schedule.hours_pairs': 'Godziny podaje się jako listę par ["GG:MM", "GG:MM"].',
    "schedule.not_a_calendar_date": "{value!r} nie jest istniejącą datą.",
    "schedule.not_a_date": "{value!r} nie jest datą (np. 31.12.2026, 2026-12-31 albo 24.12 – co roku).",
    "schedule.not_a_time": "{value!r} nie jest godziną w formacie GG:MM (od 00:00 do 23:59).",
    'schedule.too_many_pairs': 'Godziny podaje się jako listę najwyżej 12 par ["GG:MM", "GG:MM"].',

    "sip_account.no_extension":
        "Użytkownik {name} nie ma numeru wewnętrznego, więc żaden telefon nie zaloguje się na jego konto: "
        "najpierw nadaj mu numer.",

    "testcall.draft_invalid": "Szkic zawiera błędy i nie da się go skompilować.",
    "testcall.many_people":
        "{value!r} pasuje do {count:plural:osoby|osób|osób}: podaj imię i nazwisko albo numer wewnętrzny.",
    "testcall.no_extension": "{name} nie ma numeru wewnętrznego, więc nie ma telefonu, z którego można zadzwonić.",
    "testcall.no_scenario": "{value!r} nie jest numerem głównym firmy {company} ze scenariuszem.",
    "testcall.nobody": "{value!r}: w tej firmie nie ma takiej osoby, grupy ani numeru telefonu.",
    "testcall.not_a_count": "Liczba nieujemna.",
    "testcall.not_a_duration": "{value!r} nie jest czasem trwania (np. 40s, 1.5m albo 90).",
    "testcall.not_a_folder": "{value!r} nie jest bezwzględną ścieżką folderu (np. /var/lib/freeswitch).",
    "testcall.not_a_main_number": "{value!r} nie jest numerem głównym firmy {company} (numery główne: {known}).",
    'testcall.not_busy_map': 'Obiekt z osobami i czasami trwania (np. {{"Anna": "40s"}}).',
    "testcall.not_dialable": "{value!r} to nie jest numer, który można wybrać na telefonie.",
    'testcall.not_durations': 'Lista czasów trwania (np. [20, "45s"]).',
    "testcall.no_record_code": "Firma nie ma kodu nagrywania: najpierw ustaw go w ustawieniach firmy.",
    "testcall.not_a_transfer": (
        "{value!r} to ani <sekundy>s:<klawisze> (np. 30s:*1103), ani <sekundy>s:refer:<numer> (np. 30s:refer:103)."),
    "testcall.not_keys": "{value!r} to nie klawisze 0-9 * # ani <sekundy>s:<klawisze> (np. 2s:1).",
    "testcall.not_name_seconds": "{value!r} nie ma postaci OSOBA=SEKUNDY (np. Anna=40s).",
    "testcall.not_people": "Lista osób, numerów wewnętrznych albo numerów telefonów.",
    "testcall.not_simulated": "Tego planu połączeń nie da się zasymulować: {problem}: {detail}.",
    "testcall.phone_not_in_directory": "Telefonu osoby {name} nie ma w katalogu SIP.",
    "testcall.tenant_needed": "{value!r} nie jest numerem głównym; dla połączeń z telefonu biurowego podaj --tenant.",
    "testcall.time_without_zone": "Podaj strefę czasową albo użyj parse_at().",
    "testcall.unknown_caller": "{value!r} nie jest numerem telefonu ani osobą z firmy {company}.",

    "text.as_given": "{text}",
    "text.control_character": "Znak sterujący U+{character} jest niedozwolony.",

    "token.name_required": "Nadaj tokenowi nazwę (1–80 znaków).",
    "token.not_valid": "Ten token API jest nieważny (unieważniony albo jego właściciel stracił uprawnienia).",
    "token.panel_only": "Tokenami API zarządza się w panelu, nie tokenem API.",
    "token.read_only": "Ten token API pozwala tylko na odczyt.",
    'token.scope': "Zakres to 'read' (tylko odczyt) albo 'full' (pełny dostęp).",
    "token.unknown": "Nie ma takiego tokenu API.",

    "user.delete_self": "Nie możesz usunąć samego siebie.",
    "user.present_main_number": "Nie można zawsze prezentować numeru głównego bez uprawnienia do prezentowania go.",

    "voicemail.heard": "Pole „odsłuchana” przyjmuje wartość true albo false.",
    "voicemail.legal_hold": "Wiadomości z blokadą usunięcia nie można usunąć: najpierw zdejmij blokadę.",
    "voicemail.unknown_message": "Nie ma takiej wiadomości głosowej.",

    "voicemail_box.no_recipient": "Skrzynka głosowa musi mieć co najmniej jednego odbiorcę.",

    "zone.unknown": "{value!r} nie jest strefą czasową IANA (np. Europe/Warsaw).",
}
