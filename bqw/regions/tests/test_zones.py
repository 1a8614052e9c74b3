import pytest

from bqw.accounts.models import AuditEntry
from bqw.core.errors import ApplicationError, NotFoundError
from bqw.regions.models import Region
from bqw.regions.services import zone_create


def test_zone_under_a_city_gets_its_own_code_inside_the_city_subtree(persona, region):
    jm = region("4407")
    zone = zone_create(actor=persona("jm_admin"), parent=jm, name="江门大型产业集聚区")
    assert zone.kind == Region.Kind.ZONE and zone.level == 3 and zone.code == "440791000000"
    assert Region.objects.within(jm).filter(pk=zone.pk).exists()
    assert not Region.objects.within(region("440784")).filter(pk=zone.pk).exists()
    second = zone_create(actor=persona("jm_admin"), parent=jm, name="江门高新区")
    assert second.code == "440792000000"
    assert AuditEntry.objects.filter(action="region.zone_create", object_id=str(zone.pk)).exists()


def test_zone_under_a_county_and_duplicate_name(persona, region):
    hs = region("440784")
    zone = zone_create(actor=persona("gd_admin"), parent=hs, name="鹤山主平台")
    assert zone.code == "440784901000" and zone.full_name == "江门市鹤山市鹤山主平台"
    with pytest.raises(ApplicationError):
        zone_create(actor=persona("gd_admin"), parent=hs, name="鹤山主平台")


def test_zone_outside_scope_is_not_found(persona, region):
    with pytest.raises(NotFoundError):
        zone_create(actor=persona("jm_admin"), parent=region("4412"), name="肇庆高新区")
