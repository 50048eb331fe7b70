"""Sessions, the served WSDL contract, malformed requests and every injected fault kind."""

from datetime import timedelta

import pytest
import requests
import zeep
from zeep.exceptions import Fault, TransportError
from zeep.transports import Transport

from core.sandbox.content import zip_one
from core.sandbox.samples import invoice_xml
from core.tests.test_sandbox_invoice import (
    ANADOLU,
    EGE,
    client,
    fault_code,
    header,
    login,
    running_sandbox,
    send,
)


@pytest.fixture(name="sandbox")
def sandbox_fixture():
    yield from running_sandbox()


def test_wsdl_and_schemas_load_from_the_sandbox_url_alone(sandbox):
    for path in ("/AuthenticationWS", "/EFaturaOIB", "/EIArchiveWS/EFaturaArchive", "/EIrsaliyeWS/EIrsaliye"):
        wsdl = requests.get(f"{sandbox.url}{path}?wsdl", timeout=10).text
        assert "izibiz.com.tr" not in wsdl
        assert f'schemaLocation="{sandbox.url}{path}?xsd=' in wsdl
        service = zeep.Client(f"{sandbox.url}{path}?wsdl").wsdl.services
        (svc,) = service.values()
        (port,) = svc.ports.values()
        assert port.binding_options["address"] == f"{sandbox.url}{path}"
    assert requests.get(f"{sandbox.url}/EFaturaOIB?xsd=../../etc/passwd", timeout=10).status_code == 404


def test_login_wrong_password_and_logout(sandbox):
    auth = client(sandbox, "/AuthenticationWS")
    with pytest.raises(Fault) as excinfo:
        auth.Login(REQUEST_HEADER=header("-1"), USER_NAME=ANADOLU.username, PASSWORD="wrong")
    assert fault_code(excinfo) == 10002
    session = login(sandbox, ANADOLU)
    auth.Logout(REQUEST_HEADER=header(session))
    with pytest.raises(Fault) as excinfo:
        auth.CheckUser(REQUEST_HEADER=header(session), USER={"IDENTIFIER": EGE.vkn}, DOCUMENT_TYPE="INVOICE")
    assert fault_code(excinfo) == 10004


def test_session_expires_on_the_sandbox_clock(sandbox):
    sandbox.session_lifetime = timedelta(hours=8)
    session = login(sandbox, ANADOLU)
    auth = client(sandbox, "/AuthenticationWS")
    sandbox.clock.advance(timedelta(hours=7, minutes=59))
    users = auth.CheckUser(
        REQUEST_HEADER=header(session), USER={"IDENTIFIER": EGE.vkn}, DOCUMENT_TYPE="INVOICE"
    ).USER
    assert {u.ALIAS for u in users} == {EGE.gb_alias, EGE.pk_alias}
    sandbox.clock.advance(timedelta(minutes=1))
    with pytest.raises(Fault) as excinfo:
        auth.CheckUser(REQUEST_HEADER=header(session), USER={"IDENTIFIER": EGE.vkn}, DOCUMENT_TYPE="INVOICE")
    assert fault_code(excinfo) == 10004
    assert "Geçersiz oturum" in excinfo.value.message


def test_request_breaking_the_xsd_gets_a_soap_fault(sandbox):
    session = login(sandbox, ANADOLU)
    body = (
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
        '<ns0:GetInvoiceRequest xmlns:ns0="http://schemas.i2i.com/ei/wsdl"><REQUEST_HEADER>'
        f"<SESSION_ID>{session}</SESSION_ID><APPLICATION_NAME>t</APPLICATION_NAME><BOGUS/></REQUEST_HEADER>"
        "<INVOICE_SEARCH_KEY/></ns0:GetInvoiceRequest></soap-env:Body></soap-env:Envelope>"
    )
    answer = requests.post(f"{sandbox.url}/EFaturaOIB", data=body.encode(), timeout=10)
    assert answer.status_code == 500
    assert "<ERROR_CODE>10013</ERROR_CODE>" in answer.text and "BOGUS" in answer.text
    garbage = requests.post(f"{sandbox.url}/EFaturaOIB", data=b"not xml", timeout=10)
    assert garbage.status_code == 500 and "Fault" in garbage.text


def test_application_name_is_required(sandbox):
    session = login(sandbox, ANADOLU)
    with pytest.raises(Fault) as excinfo:
        client(sandbox, "/AuthenticationWS").CheckUser(
            REQUEST_HEADER={"SESSION_ID": session}, USER={"IDENTIFIER": EGE.vkn}, DOCUMENT_TYPE="INVOICE"
        )
    assert "APPLICATION_NAME" in excinfo.value.message


def _xml(number):
    return invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number=number)


def test_drop_after_accept_changes_state_but_sends_no_answer(sandbox):
    session = login(sandbox, ANADOLU)
    sandbox.faults.inject("SendInvoice", "drop_after_accept")
    with pytest.raises(requests.exceptions.ConnectionError):
        send(sandbox, session, _xml("SBX2026000000101"))
    assert sandbox.request_count("SendInvoice") == 1
    assert [d.id for d in sandbox.documents(vkn=EGE.vkn, direction="IN")] == ["SBX2026000000101"]
    with pytest.raises(Fault) as excinfo:
        send(sandbox, session, _xml("SBX2026000000101"))
    assert fault_code(excinfo) == 10017


def test_http_500_leaves_no_state(sandbox):
    session = login(sandbox, ANADOLU)
    sandbox.faults.inject("SendInvoice", "http_500")
    with pytest.raises(TransportError) as excinfo:
        send(sandbox, session, _xml("SBX2026000000102"))
    assert excinfo.value.status_code == 500
    assert sandbox.documents() == []
    send(sandbox, session, _xml("SBX2026000000102"))
    assert len(sandbox.documents(vkn=ANADOLU.vkn)) == 1


def test_slow_answer_outlasts_the_client_timeout(sandbox):
    session = login(sandbox, ANADOLU)
    sandbox.faults.inject("SendInvoice", "slow", seconds=1.5)
    impatient = zeep.Client(
        f"{sandbox.url}/EFaturaOIB?wsdl", transport=Transport(operation_timeout=0.3)
    ).service
    with pytest.raises(requests.exceptions.Timeout):
        impatient.SendInvoice(
            REQUEST_HEADER=header(session),
            RECEIVER={"vkn": EGE.vkn, "alias": EGE.pk_alias},
            INVOICE=[{"CONTENT": zip_one("i.xml", _xml("SBX2026000000103"))}],
        )


def test_expire_session_fault(sandbox):
    session = login(sandbox, ANADOLU)
    sandbox.faults.inject("SendInvoice", "expire_session")
    with pytest.raises(Fault) as excinfo:
        send(sandbox, session, _xml("SBX2026000000104"))
    assert fault_code(excinfo) == 10004
    send(sandbox, login(sandbox, ANADOLU), _xml("SBX2026000000104"))


def test_duplicate_fault_stores_and_answers_10009(sandbox):
    session = login(sandbox, ANADOLU)
    sandbox.faults.inject("SendInvoice", "duplicate")
    with pytest.raises(Fault) as excinfo:
        send(sandbox, session, _xml("SBX2026000000105"))
    assert fault_code(excinfo) == 10009
    (doc,) = sandbox.documents(vkn=ANADOLU.vkn)
    status = client(sandbox, "/EFaturaOIB").GetInvoiceStatus(
        REQUEST_HEADER=header(session), INVOICE={"UUID": doc.uuid}
    )
    assert status.INVOICE_STATUS.ID == "SBX2026000000105"


def test_unknown_fault_kind_is_refused(sandbox):
    with pytest.raises(ValueError, match="unknown fault kind"):
        sandbox.faults.inject("SendInvoice", "explode")
