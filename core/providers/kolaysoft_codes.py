"""Kolaysoft result codes, query parameter values and the typed errors they become.

Kolaysoft answers in-band: ``EntResponse.code`` / ``DocumentQueryResponse.queryState`` /
``CreditInfo.code`` are 0 on success, 99 on a refused operation, 500/510 for credentials and 999
for anything else (integration guide, "Hata Kodları"). A refusal carries its reason only as
Turkish text, so duplicates are recognised by that text.

Kolaysoft publishes neither the ``state_code`` values of a document nor the values of the
``documentType``/``queried``/``takenFromEntegrator`` query parameters. This client reads a
numeric ``state_code`` as GİB's envelope status code and uses the values below; the sandbox
implements the same reading. Both must be confirmed on Kolaysoft's test system before
production use.
"""

from ..errors import AuthError, DuplicateDocument, RemoteRejected

OK = "0"
FAILED = "99"
UNAUTHORIZED = "500"
AUTH_CHECK_FAILED = "510"
UNDEFINED = "999"

DOCUMENT_TYPE_INVOICE = "INVOICE"
QUERIED_ALL = "ALL"
TAKEN_NO = "NO"
TAKEN_ALL = "ALL"
PARAM_UUID = "Document_UUID"
WITH_XML = "YES"
WITHOUT_XML = "NO"
RANGE_XML = "XML"
RANGE_NONE = "NONE"
DATE_FORMAT = "%Y-%m-%d"
MAX_WITH_CONTENT = 20

_DUPLICATE_TEXTS = ("daha önce", "zaten", "mevcut")

MESSAGES = {
    FAILED: "Kolaysoft refused the operation",
    UNAUTHORIZED: "Kolaysoft refused the user name or password",
    AUTH_CHECK_FAILED: "Kolaysoft could not check the credentials",
    UNDEFINED: "Kolaysoft reported an undefined error",
}


def is_ok(code):
    return str(code).strip() == OK


def error_from_remote(code, explanation, cause, operation, **params):
    """The typed error for a non-zero Kolaysoft code, with Kolaysoft's own words kept."""
    code = str(code).strip() if code is not None else ""
    remote = " ".join(part for part in (explanation or "", cause or "") if part).strip()
    params = {"operation": operation, "remote_message": remote, **params}
    base = MESSAGES.get(code, f"Kolaysoft returned code {code}")
    message = f"{base} ({operation}): {remote}" if remote else f"{base} ({operation})"
    if code in (UNAUTHORIZED, AUTH_CHECK_FAILED):
        return AuthError(message, code="tr_edoc.kolaysoft.unauthorized", params=params, remote_code=code)
    if code == FAILED and any(text in remote.lower() for text in _DUPLICATE_TEXTS):
        return DuplicateDocument(message, code="tr_edoc.kolaysoft.duplicate", params=params, remote_code=code)
    return RemoteRejected(message, code="tr_edoc.kolaysoft.refused", params=params, remote_code=code)


def gib_code(state_code):
    """GİB's envelope code when ``state_code`` carries one (four digits), else ``None``."""
    text = str(state_code or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 else None
