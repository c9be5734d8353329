"""Each company's home switch, worked out as Kamailio's dispatcher picks it (kamailio/kamailio.cfg)."""
from pbx.switch_homes import company_switches, dispatcher_hash, home_index

# Where a real Kamailio 5.6 with the shipped kamailio.cfg sent each company's phones, the two
# switches of dispatcher.list numbered in its order (tests/foundation/test_kamailio_dispatch.py).
SEEN_FROM_KAMAILIO = {"t1.pbx.local": 1, "t2.pbx.local": 0, "t3.pbx.local": 1, "t4.pbx.local": 0,
                      "t5.pbx.local": 1, "t6.pbx.local": 0, "t7.pbx.local": 1, "t8.pbx.local": 1,
                      "t9.pbx.local": 0, "t10.pbx.local": 0, "t16.pbx.local": 1, "t20.pbx.local": 1}


def test_the_home_is_where_kamailio_sends_the_companys_phones():
    assert {domain: home_index(domain, 2) for domain in SEEN_FROM_KAMAILIO} == SEEN_FROM_KAMAILIO


def test_the_hash_reads_the_domain_four_bytes_at_a_time_and_ignores_surrounding_blanks():
    assert dispatcher_hash("t42.pbx.local") == dispatcher_hash(" t42.pbx.local\n")
    assert dispatcher_hash("abcd") != dispatcher_hash("abce")
    assert 0 < dispatcher_hash("") == 1  # the dispatcher never hashes to 0


def test_while_the_home_is_down_the_company_goes_to_the_next_switch_up_and_none_when_all_are():
    domains = [f"t{n}.pbx.local" for n in range(1, 200)]
    homes = {d: home_index(d, 3) for d in domains}
    assert set(homes.values()) == {0, 1, 2}, "every switch is someone's home"
    for down in range(3):
        up = {0, 1, 2} - {down}
        for domain, home in homes.items():
            moved = home_index(domain, 3, up)
            assert moved == home if home != down else moved == (home - 1) % 3
    assert home_index("t1.pbx.local", 3, set()) is None


def test_a_companys_switches_are_its_domains_and_each_of_its_numbers_in_both_forms():
    domain = "t1.pbx.local"
    assert company_switches(domain, [], 2) == {home_index(domain, 2)}
    elsewhere = next(f"+48221{n:06d}" for n in range(1000) if home_index(f"+48221{n:06d}", 2) != home_index(domain, 2))
    assert company_switches(domain, [elsewhere], 2) == {0, 1}
    bare = next(f"+48221{n:06d}" for n in range(1000) if home_index(f"48221{n:06d}", 2) != home_index(domain, 2))
    assert company_switches(domain, [bare], 2) == {0, 1}, "a carrier may send the number without '+'"
    assert company_switches(domain, [elsewhere], 2, up=set()) == set()
