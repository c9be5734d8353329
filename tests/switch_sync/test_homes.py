"""Each company's home switch, worked out as Kamailio's dispatcher picks it (kamailio/kamailio.cfg)."""
from pbx.switch_homes import company_home, company_key, dispatcher_hash
from pbx.tenancy import sip_domain

# Where a real Kamailio 5.6 with the shipped kamailio.cfg sent each company's phones and the
# carrier's calls to its numbers, the two switches of dispatcher.list numbered in its order
# (tests/foundation/test_kamailio_dispatch.py, companies 1 to 20).
SEEN_FROM_KAMAILIO = {1: 0, 2: 1, 3: 0, 4: 1, 5: 0, 6: 1, 7: 0, 8: 0, 9: 1, 10: 0,
                      11: 1, 12: 0, 13: 1, 14: 0, 15: 1, 16: 0, 17: 1, 18: 1, 19: 0, 20: 0}


def test_the_home_is_where_kamailio_sends_the_companys_calls():
    assert {tid: company_home(tid, 2) for tid in SEEN_FROM_KAMAILIO} == SEEN_FROM_KAMAILIO


def test_the_company_is_hashed_as_its_phones_domain_begins_whatever_the_suffix():
    for suffix in ("pbx.local", "sip.example.pl", ""):
        assert sip_domain(42, suffix).split(".")[0] == company_key(42) == "t42"


def test_the_hash_reads_the_key_four_bytes_at_a_time_and_ignores_surrounding_blanks():
    assert dispatcher_hash("t42") == dispatcher_hash(" t42\n")
    assert dispatcher_hash("abcd") != dispatcher_hash("abce")
    assert 0 < dispatcher_hash("") == 1  # the dispatcher never hashes to 0


def test_while_the_home_is_down_the_company_goes_to_the_next_switch_up_and_none_when_all_are():
    homes = {tid: company_home(tid, 3) for tid in range(1, 200)}
    assert set(homes.values()) == {0, 1, 2}, "every switch is someone's home"
    for down in range(3):
        up = {0, 1, 2} - {down}
        for tid, home in homes.items():
            moved = company_home(tid, 3, up)
            assert moved == home if home != down else moved == (home - 1) % 3
    assert company_home(1, 3, set()) is None
