"""The run command's sandbox: what a new user needs to try every journey is in its GİB list."""

from core.sandbox.demo import DEMO_GIB_USERS
from core.tests.test_sandbox_invoice import running_sandbox


def test_demo_gib_list_has_the_customs_mailbox_and_a_public_administration():
    for sandbox in running_sandbox():
        assert not sandbox.registry.lookup("1460415308", "INVOICE")
        sandbox.seed_demo_gib_users()
        sandbox.seed_demo_gib_users()
        (customs,) = sandbox.registry.lookup("1460415308", "INVOICE")
        assert (customs.alias, customs.unit, customs.type) == ("urn:mail:ihracatpk@gtb.gov.tr", "PK", "KAMU")
        kamu = [user for vkn, *_rest in DEMO_GIB_USERS for user in sandbox.registry.lookup(vkn, "INVOICE")]
        assert len(kamu) == len(DEMO_GIB_USERS)
        assert {user.type for user in kamu} == {"KAMU"}
