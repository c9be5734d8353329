from pbx import models
from pbx.extensions import db


def test_demo_company_loads(demo):
    assert demo.name == "Firma ABC"
    assert [n.number for n in demo.main_numbers] == ["+48221000000"]
    assert len(demo.users) == 6
