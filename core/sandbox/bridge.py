"""How the Kolaysoft and Nilvera front-ends reuse the sandbox's İzibiz operations.

Each front-end speaks its integrator's wire format and then calls the same operation functions
(:data:`.operations.OPERATIONS`) with a short-lived session of the authenticated company, so a
document sent through one integrator lands in the one shared store and is received, answered and
progressed exactly as if it had gone through another.
"""

import contextlib
from types import SimpleNamespace

from .operations import OPERATIONS


class Unauthorized(Exception):
    """The request carried no credentials the sandbox knows."""


@contextlib.contextmanager
def session_of(sb, company):
    """A session of ``company`` for the length of one front-end request."""
    session = sb.store.login(company.username, company.password)
    try:
        yield session.session_id
    finally:
        sb.store.logout(session.session_id)


def header(session_id, compressed="N"):
    return SimpleNamespace(SESSION_ID=session_id, COMPRESSED=compressed, APPLICATION_NAME="sandbox-bridge")


def company_by_login(sb, username, password):
    with sb.store.lock:
        company = next((c for c in sb.store.companies.values() if c.username == username), None)
    if company is None or not password or company.password != password:
        raise Unauthorized(username)
    return company


def run(sb, operation, company, **request):
    """Call one İzibiz operation as ``company``; raises ``IzibizError`` like the SOAP path."""
    with session_of(sb, company) as session_id:
        return OPERATIONS[operation](sb, SimpleNamespace(REQUEST_HEADER=header(session_id), **request))


def upload(xml):
    return SimpleNamespace(ID=None, UUID=None, CONTENT=xml)


def receiver(vkn=None, alias=None):
    if not vkn and not alias:
        return None
    return SimpleNamespace(vkn=vkn, alias=alias)


def earchive_upload(xml):
    return SimpleNamespace(
        EARSIV_FLAG="Y",
        INVOICE_CONTENT=xml,
        EARSIV_PROPERTIES=SimpleNamespace(SUB_STATUS="NEW", EARSIV_TYPE="NORMAL", EARSIV_EMAIL_FLAG="N"),
    )


def answer_request(uuid, code, description):
    return {
        "STATUS": code,
        "DESCRIPTION": [description] if description else None,
        "INVOICE": [SimpleNamespace(ID=None, UUID=uuid)],
    }
