"""The run command's sandbox: what a new user needs to try every journey is in its GİB list."""

import uuid as uuidlib

from core.documents import Identifier
from core.providers.base import DESPATCH, OutgoingDocument
from core.providers.izibiz import IzibizProvider
from core.sandbox.demo import (
    DEMO_COMPANIES,
    DEMO_DESPATCH_ITEMS,
    DEMO_GIB_USERS,
    DEMO_RED_BUYER,
    DEMO_RED_REASON,
)
from core.tests import factories
from core.tests.conftest import reference_path
from core.tests.test_sandbox_invoice import running_sandbox
from core.ubl import build_invoice, serialize
from core.ubl.parse import parse_despatch_advice


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


def _provider(sandbox, company):
    return IzibizProvider(
        username=company.username,
        password=company.password,
        base_url=sandbox.url,
        wsdl_dir=reference_path("wsdl", "izibiz"),
        timeout=10,
    )


def test_demo_journeys_a_despatch_waits_and_a_buyer_answers_red():
    """The first demo company finds an e-İrsaliye to answer and sees a buyer's RED arrive."""
    own, ege = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
    for sandbox in running_sandbox():
        sent = sandbox.seed_demo_journeys()
        us = _provider(sandbox, own)
        (despatch,) = us.list_incoming(DESPATCH, with_content=True)
        assert (despatch.uuid, despatch.number, despatch.sender_vkn) == (sent.uuid, sent.id, ege.vkn)
        parsed = parse_despatch_advice(despatch.content)
        assert [
            (line.item.name, line.item.sellers_item_id, line.delivered_quantity) for line in parsed.lines
        ] == [(name, code, quantity) for name, code, quantity, _unit in DEMO_DESPATCH_ITEMS]
        answered, unanswered = (
            factories.invoice(
                profile=profile,
                number=number,
                uuid=str(uuidlib.uuid4()).upper(),
                supplier=factories.seller(identifications=(Identifier(value=own.vkn, scheme_id="VKN"),)),
                customer=factories.company_buyer(
                    identifications=(Identifier(value=DEMO_RED_BUYER.vkn, scheme_id="VKN"),)
                ),
            )
            for profile, number in (("TICARIFATURA", 71), ("TEMELFATURA", 72))
        )
        us.send_invoices(
            [
                OutgoingDocument(
                    uuid=invoice.uuid,
                    number=invoice.id,
                    xml=serialize(build_invoice(invoice)),
                    receiver_vkn=DEMO_RED_BUYER.vkn,
                    receiver_alias=DEMO_RED_BUYER.pk_alias,
                )
                for invoice in (answered, unanswered)
            ]
        )
        held = {doc.uuid: doc for doc in sandbox.documents(vkn=own.vkn, direction="OUT")}
        assert (held[answered.uuid].answer.code, held[answered.uuid].answer.description) == (
            "RED",
            DEMO_RED_REASON,
        )
        assert held[unanswered.uuid].answer is None
