"""One behaviour, three integrators: İzibiz, Kolaysoft and Nilvera over real HTTP against one sandbox.

Every request is checked against the integrator's own contract on the way out (İzibiz and
Kolaysoft: the WSDL schemas; Nilvera: the OpenAPI description), and the receiving side of
each exchange uses a different integrator than the sending side, because GİB delivers between
integrators.
"""

import uuid as uuidlib
from datetime import timedelta

import pytest

from core.documents import Identifier
from core.errors import ValidationFailed
from core.providers.base import EINVOICE, EarchiveDocument, OutgoingDocument
from core.providers.izibiz import IzibizProvider
from core.providers.kolaysoft import KolaysoftProvider
from core.providers.nilvera import NilveraProvider
from core.sandbox import Sandbox
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.nilvera import api_key_for
from core.sandbox.userlist import GibUser as SandboxUser
from core.states import GibOutcome
from core.tests import factories
from core.tests.conftest import reference_path
from core.tests.openapi_requests import OpenApiRequestCheck
from core.ubl import build_invoice, serialize

A, B = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
NAMES = ("izibiz", "kolaysoft", "nilvera")
# Who receives what each provider sends: always another integrator.
RECEIVER_OF = {"izibiz": "kolaysoft", "kolaysoft": "nilvera", "nilvera": "izibiz"}


@pytest.fixture(scope="module")
def openapi_check():
    folder = reference_path("nilvera")
    return OpenApiRequestCheck(
        *(folder / f"{name}.swagger.json" for name in ("einvoice", "earchive", "general"))
    )


def make_provider(name, sandbox, company, openapi_check):
    if name == "izibiz":
        return IzibizProvider(
            username=company.username,
            password=company.password,
            base_url=sandbox.url,
            wsdl_dir=reference_path("wsdl", "izibiz"),
            validate_requests=True,
        )
    if name == "kolaysoft":
        return KolaysoftProvider(
            username=company.username,
            password=company.password,
            base_url=sandbox.url,
            wsdl_dir=reference_path("wsdl", "kolaysoft"),
            sender_vkn=company.vkn,
            validate_requests=True,
        )
    return NilveraProvider(api_key=api_key_for(company), base_url=sandbox.url, request_check=openapi_check)


def invoice_xml(*, profile="TICARIFATURA", sender=A, receiver=B, number=None):
    document = factories.invoice(
        profile=profile,
        number=number or int(uuidlib.uuid4().int % 10**8),
        series="CNF" if profile != "EARSIVFATURA" else "CNA",
        supplier=factories.seller(identifications=(Identifier(value=sender.vkn, scheme_id="VKN"),)),
        customer=factories.company_buyer(identifications=(Identifier(value=receiver.vkn, scheme_id="VKN"),)),
        uuid=str(uuidlib.uuid4()),
    )
    return document, serialize(build_invoice(document))


@pytest.mark.parametrize("name", NAMES)
def test_einvoice_round_trip_through_another_integrator(name, sandbox, openapi_check):
    sender = make_provider(name, sandbox, A, openapi_check)
    receiver = make_provider(RECEIVER_OF[name], sandbox, B, openapi_check)
    document, xml = invoice_xml()
    sent = sender.send_invoices(
        [
            OutgoingDocument(
                uuid=document.uuid, number=document.id, xml=xml, receiver_vkn=B.vkn, receiver_alias=B.pk_alias
            )
        ]
    )
    assert sent.uuids == (document.uuid,)

    first = sender.get_invoice_statuses([document.uuid]).by_uuid()[document.uuid]
    assert first.found and first.gib_outcome is GibOutcome.WAIT and not first.final

    inbox = [doc for doc in receiver.list_incoming(EINVOICE, with_content=True) if doc.uuid == document.uuid]
    assert len(inbox) == 1
    assert inbox[0].content == xml
    assert inbox[0].sender_vkn == A.vkn

    receiver.send_application_response([document.uuid], "RED", reason="Fiyat hatalı")
    sandbox.clock.advance(timedelta(minutes=10))
    final = sender.get_invoice_statuses([document.uuid]).by_uuid()[document.uuid]
    assert final.gib_outcome is GibOutcome.SUCCESS
    assert final.commercial_answer == "RED"
    assert final.final


@pytest.mark.parametrize("name", NAMES)
def test_kabul_and_unknown_ettn(name, sandbox, openapi_check):
    sender = make_provider(name, sandbox, A, openapi_check)
    receiver = make_provider(RECEIVER_OF[name], sandbox, B, openapi_check)
    document, xml = invoice_xml()
    sender.send_invoices(
        [OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml, receiver_alias=B.pk_alias)]
    )
    receiver.send_application_response([document.uuid], "KABUL")
    sandbox.clock.advance(timedelta(minutes=10))
    missing = str(uuidlib.uuid4())
    statuses = sender.get_invoice_statuses([document.uuid, missing]).by_uuid()
    assert statuses[document.uuid].commercial_answer == "KABUL"
    assert not statuses[missing].found
    with pytest.raises(ValidationFailed):
        receiver.send_application_response([document.uuid], "RED")


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_send_is_settled_by_status(name, sandbox, openapi_check):
    sender = make_provider(name, sandbox, A, openapi_check)
    document, xml = invoice_xml(profile="TEMELFATURA")
    outgoing = OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml, receiver_alias=B.pk_alias)
    sender.send_invoices([outgoing])
    again = sender.send_invoices([outgoing])
    assert again.uuids == (document.uuid,)
    assert [status.uuid for status in again.resolved] == [document.uuid]
    assert len(sandbox.documents(vkn=B.vkn, direction="IN", kind="INVOICE")) == len(
        {d.uuid for d in sandbox.documents(vkn=B.vkn, direction="IN", kind="INVOICE")}
    )


@pytest.mark.parametrize("name", NAMES)
def test_earchive_send_status_cancel(name, sandbox, openapi_check):
    provider = make_provider(name, sandbox, A, openapi_check)
    document, xml = invoice_xml(profile="EARSIVFATURA")
    sent = provider.send_earchive([EarchiveDocument(uuid=document.uuid, xml=xml, number=document.id)])
    assert sent.uuids == (document.uuid,)
    status = provider.earchive_status([document.uuid]).statuses[0]
    assert status.found and not status.cancelled
    provider.cancel_earchive(document.uuid, reason="Hatalı tutar")
    status = provider.earchive_status([document.uuid]).statuses[0]
    assert status.cancelled
    assert not provider.earchive_status([str(uuidlib.uuid4())]).statuses[0].found


@pytest.mark.parametrize("name", NAMES)
def test_check_user_and_credit(name, sandbox, openapi_check):
    provider = make_provider(name, sandbox, A, openapi_check)
    check = provider.check_user(B.vkn)
    assert check.registered
    assert B.pk_alias in check.pk_aliases()
    assert not provider.check_user("1111111111").registered
    before = provider.credit_balance()
    document, xml = invoice_xml(profile="TEMELFATURA")
    provider.send_invoices(
        [OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml, receiver_alias=B.pk_alias)]
    )
    after = provider.credit_balance()
    assert after.balance == before.balance - 1
    assert after.loaded == before.loaded


LIST_USERS = ("7770000016", "7770000024", "7770000032")


def _seed_list_users(sandbox):
    """Three taxpayers with PK and GB aliases for both document types, one of them closed."""
    if sandbox.registry.lookup(LIST_USERS[0]):
        return
    start = sandbox.clock.now()
    for index, vkn in enumerate(LIST_USERS):
        for unit, kind in (("PK", "INVOICE"), ("GB", "INVOICE"), ("PK", "DESPATCHADVICE")):
            sandbox.registry.add(
                SandboxUser(
                    vkn,
                    f"LİSTE {index} & CO",
                    f"urn:mail:{unit.lower()}{kind[0]}@l{index}.example",
                    unit,
                    kind,
                    start,
                    start,
                )
            )
    sandbox.registry.close_alias("urn:mail:gbI@l2.example", start)


def _live(users):
    """(VKN, alias, unit, document type) of every open alias of the seeded users in a list."""
    return {
        (user.identifier, alias.name, alias.unit, alias.document_type)
        for user in users
        if user.identifier in LIST_USERS
        for alias in user.aliases
        if not alias.deleted
    }


def test_full_and_delta_user_list_agree_across_integrators(sandbox, openapi_check):
    """Whichever integrator an account uses, the GİB user list says the same about a partner."""
    _seed_list_users(sandbox)
    full = {name: _live(make_provider(name, sandbox, A, openapi_check).iter_user_list()) for name in NAMES}
    assert full["izibiz"] == full["kolaysoft"] == full["nilvera"]
    assert len(full["izibiz"]) == 8
    assert ("7770000032", "urn:mail:gbI@l2.example", "GB", "INVOICE") not in full["izibiz"]

    since = sandbox.clock.now()
    at = sandbox.clock.advance(timedelta(minutes=5))
    sandbox.registry.close_alias("urn:mail:pkI@l0.example", at)
    sandbox.registry.add(
        SandboxUser(LIST_USERS[0], "LİSTE 0 & CO", "urn:mail:yeni@l0.example", "PK", "INVOICE", since, at)
    )
    deltas = {}
    for name in NAMES:
        users = list(make_provider(name, sandbox, A, openapi_check).iter_user_list(since=since))
        deltas[name] = {
            (user.identifier, alias.name, alias.unit, alias.document_type, alias.deleted, alias.deleted_at)
            for user in users
            for alias in user.aliases
        }
    assert (
        deltas["izibiz"]
        == deltas["kolaysoft"]
        == deltas["nilvera"]
        == {
            (LIST_USERS[0], "urn:mail:pkI@l0.example", "PK", "INVOICE", True, at.replace(tzinfo=None)),
            (LIST_USERS[0], "urn:mail:yeni@l0.example", "PK", "INVOICE", False, None),
        }
    )
    checks = {
        name: make_provider(name, sandbox, A, openapi_check).check_user(LIST_USERS[0]) for name in NAMES
    }
    assert {name: check.pk_aliases() for name, check in checks.items()} == dict.fromkeys(
        NAMES, ("urn:mail:yeni@l0.example",)
    )


def _taxpayers(users):
    """VKN/TCKN -> (title, type, registration, open aliases) of the seeded and demo users in a list."""
    wanted = {*LIST_USERS, *(company.vkn for company in DEMO_COMPANIES)}
    seen = {}
    for user in users:
        if user.identifier in wanted:
            title, kind, registered, aliases = seen.get(user.identifier, (user.title, user.type, None, set()))
            registered = min(filter(None, (registered, user.registered_at)), default=None)
            aliases |= {
                (a.name, a.unit, a.document_type, a.created_at) for a in user.aliases if not a.deleted
            }
            seen[user.identifier] = (title, kind, registered, aliases)
    return seen


def test_unsorted_gib_lists_name_each_taxpayer_once(sandbox, openapi_check):
    """GİB's lists come in no order (the sandbox writes each in its own): the integrators that pass
    them on still hand each taxpayer over once, with what İzibiz's flat list says about it."""
    _seed_list_users(sandbox)
    lists = {name: list(make_provider(name, sandbox, A, openapi_check).iter_user_list()) for name in NAMES}
    for name in ("kolaysoft", "nilvera"):
        identifiers = [user.identifier for user in lists[name]]
        assert identifiers == sorted(set(identifiers)), name
    taxpayers = {name: _taxpayers(users) for name, users in lists.items()}
    assert taxpayers["izibiz"] == taxpayers["kolaysoft"] == taxpayers["nilvera"]
    assert len(taxpayers["izibiz"][LIST_USERS[1]][3]) == 3


def test_every_request_met_its_contract(sandbox, openapi_check):
    """The suite above ran every Nilvera call through the OpenAPI check; prove it saw them all."""
    checked = set(openapi_check.checked)
    for expected in (
        "POST /einvoice/Send/Xml",
        "GET /einvoice/Sale/{UUID}/Status",
        "GET /einvoice/Purchase",
        "GET /einvoice/Purchase/{UUID}/xml",
        "POST /einvoice/Purchase/SendAnswer",
        "POST /earchive/Send/Xml",
        "GET /earchive/Invoices/{UUID}/Status",
        "PUT /earchive/Invoices/{UUID}/Cancel",
        "GET /general/GlobalCompany/GetGlobalCustomerInfo/{TaxNumber}",
        "GET /general/Credits",
        "GET /general/GlobalCompany/{AliasType}/{GlobalUserType}",
    ):
        assert expected in checked, expected
    assert sandbox.request_count("nilvera.SendInvoiceXml") >= 3


def test_switching_integrator_changes_no_document_data(openapi_check):
    """The same invoice sent through each integrator (fresh sandbox each) arrives byte for byte equal."""
    document, xml = invoice_xml(profile="TEMELFATURA")
    outgoing = OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml, receiver_alias=B.pk_alias)
    received, kept = {}, {}
    for name in NAMES:
        sb = Sandbox(wsdl_dir=reference_path("wsdl", "izibiz"))
        sb.seed_demo()
        with sb.serve(host="127.0.0.1", port=0) as server:
            sb.url = server.url
            provider = make_provider(name, sb, A, openapi_check)
            provider.send_invoices([outgoing])
            (stored,) = [doc for doc in sb.documents(vkn=B.vkn, direction="IN") if doc.uuid == document.uuid]
            received[name] = stored.content
            kept[name] = provider.download(document.uuid, "XML", direction="OUT").content
        assert not sb.internal_errors
    assert set(received.values()) == {xml}
    assert set(kept.values()) == {xml}
