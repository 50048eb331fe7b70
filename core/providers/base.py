"""The interface every integrator client implements, and the results it returns.

The ORM layer talks only to :class:`Provider`; it picks the class from the registry by key, reads
``capabilities`` to decide which buttons and crons exist, and stores each :class:`Exchange` as an
event row. Exchanges carry the raw bytes on the wire so that support can replay a case, with
credentials and session ids blanked first (:func:`redact`).
"""

import abc
import dataclasses
import datetime
import re
from decimal import Decimal

from ..errors import ConfigurationError

EINVOICE = "einvoice"
EARCHIVE = "earchive"
EARCHIVE_CANCEL = "earchive_cancel"
EARCHIVE_REPORTS = "earchive_reports"
EARCHIVE_REPORT_REQUEST = "earchive_report_request"  # ask for the report, set its sending day
DESPATCH = "despatch"
RECEIPT_ADVICE = "receipt_advice"
APPLICATION_RESPONSE = "application_response"
SIGNED_APPLICATION_RESPONSE = "signed_application_response"
USER_LIST = "user_list"
CREDIT = "credit"
DRAFT_UPLOAD = "draft_upload"
DOWNLOAD_VIEW = "download_view"
ESMM = "smm"  # e-Serbest Meslek Makbuzu
EMM = "emm"  # e-Müstahsil Makbuzu
# our KABUL/RED is final only once a status query says it succeeded (İzibiz's checklist)
ANSWER_CONFIRMATION = "answer_confirmation"
EARCHIVE_DELETE = "earchive_delete"  # cancel an unreported e-Arşiv so its number goes again
EARCHIVE_EMAIL_RESEND = "earchive_email_resend"

DEFAULT_TIMEOUT = 30

# GİB's virtual mailbox for e-İrsaliye receivers who are not registered users.
GIB_DESPATCH_MAILBOX_VKN = "3900892152"
GIB_DESPATCH_MAILBOX_ALIAS = "urn:mail:irsaliyepk@gib.gov.tr"

REDACTED = b"***"
_SECRET_ELEMENTS = re.compile(
    rb"(<(?:[\w.-]+:)?(USER_NAME|PASSWORD|SESSION_ID|USERNAME|API_KEY)(?:\s[^>]*)?>)[^<]*(</)"
)


def redact(payload):
    """Blank the values of credential and session elements in a SOAP/XML payload."""
    if not payload:
        return b""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return _SECRET_ELEMENTS.sub(lambda m: m.group(1) + REDACTED + m.group(3), payload)


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request/response on the wire, as stored on the event row."""

    operation: str
    request: bytes
    response: bytes
    duration: float
    http_status: int | None = None
    remote_code: str | None = None
    remote_message: str = ""


@dataclasses.dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str
    exchanges: tuple = ()


@dataclasses.dataclass(frozen=True)
class OutgoingDocument:
    """A built, validated UBL document ready for upload; ``xml`` is the exact bytes to send."""

    uuid: str
    xml: bytes
    number: str = ""
    receiver_vkn: str = ""
    receiver_alias: str = ""
    sender_vkn: str = ""
    sender_alias: str = ""


@dataclasses.dataclass(frozen=True)
class SendResult:
    """What the integrator holds after the call; ``batches`` counts upload requests.

    ``resolved`` lists the :class:`DocumentStatus` of documents the integrator reported as
    duplicates and a status query showed it already had: they are sent, not failed.
    """

    uuids: tuple
    batches: int
    assigned_numbers: tuple = ()
    exchanges: tuple = ()
    resolved: tuple = ()


@dataclasses.dataclass(frozen=True)
class DocumentStatus:
    uuid: str
    number: str = ""
    direction: str = ""
    status: str = ""
    status_code: str = ""
    status_description: str = ""
    gib_status_code: int | None = None
    gib_status_description: str = ""
    gib_outcome: object = None
    final: bool = False
    commercial_answer: str | None = None
    response_code: str = ""
    response_description: str = ""
    received_at: datetime.datetime | None = None
    envelope_id: str = ""
    profile: str = ""
    found: bool = True
    extra: tuple = ()
    # failed on the integrator's own platform (packaging, signing, sending), never reached GİB
    platform_failed: bool = False
    # an incoming invoice's answer (ours or given on the portal): "", "succeeded" or "failed"
    answer_outcome: str = ""


@dataclasses.dataclass(frozen=True)
class StatusResult:
    statuses: tuple
    exchanges: tuple = ()

    def by_uuid(self):
        return {status.uuid: status for status in self.statuses}


@dataclasses.dataclass(frozen=True)
class IncomingDocument:
    """One document listed by the integrator; ``content`` is the plain XML when it was asked for."""

    kind: str
    uuid: str
    number: str
    direction: str
    sender_vkn: str = ""
    receiver_vkn: str = ""
    sender_title: str = ""
    receiver_title: str = ""
    issue_date: datetime.date | None = None
    payable_amount: Decimal | None = None
    currency: str = ""
    from_alias: str = ""
    to_alias: str = ""
    profile: str = ""
    type_code: str = ""
    status: str = ""
    gib_status_code: int | None = None
    received_at: datetime.datetime | None = None
    envelope_id: str = ""
    content: bytes | None = None


@dataclasses.dataclass(frozen=True)
class Download:
    uuid: str
    fmt: str
    content: bytes
    exchanges: tuple = ()


@dataclasses.dataclass(frozen=True)
class OperationResult:
    """Acknowledgement of a call that returns nothing but success (mark, cancel, respond, load)."""

    operation: str
    reference: str = ""
    exchanges: tuple = ()


@dataclasses.dataclass(frozen=True)
class EarchiveDocument:
    """An e-Arşiv invoice with the delivery options İzibiz needs next to the XML."""

    uuid: str
    xml: bytes
    number: str = ""
    internet_sale: bool = False
    draft: bool = False
    email: tuple = ()
    sms_phone: str = ""
    series: str = ""
    note: str = ""


@dataclasses.dataclass(frozen=True)
class EarchiveStatus:
    uuid: str
    number: str = ""
    status_code: str = ""
    status_description: str = ""
    email_status: str = ""
    email_status_description: str = ""
    report_id: str = ""
    web_key: str = ""
    reported: bool = False
    cancelled: bool = False
    found: bool = True


@dataclasses.dataclass(frozen=True)
class EarchiveReport:
    report_id: str
    period: str = ""
    status: str = ""
    sub_status: str = ""
    content: bytes | None = None


@dataclasses.dataclass(frozen=True)
class GibAlias:
    name: str
    unit: str
    document_type: str
    created_at: datetime.datetime | None = None
    deleted: bool = False
    deleted_at: datetime.datetime | None = None


@dataclasses.dataclass(frozen=True)
class GibUser:
    """A VKN/TCKN in GİB's registered-user list with the aliases seen for it."""

    identifier: str
    title: str = ""
    type: str = ""
    registered_at: datetime.datetime | None = None
    aliases: tuple = ()


@dataclasses.dataclass(frozen=True)
class UserCheck:
    identifier: str
    users: tuple
    exchanges: tuple = ()

    @property
    def registered(self):
        return bool(self.users)

    def pk_aliases(self, document_type="INVOICE"):
        return tuple(
            alias.name
            for user in self.users
            for alias in user.aliases
            if alias.unit == "PK" and alias.document_type == document_type and not alias.deleted
        )


@dataclasses.dataclass(frozen=True)
class CreditBalance:
    loaded: Decimal | None
    balance: Decimal | None
    last_used_at: datetime.datetime | None = None
    message: str = ""
    exchanges: tuple = ()


class Provider(abc.ABC):
    """Base of every integrator client.

    Operations a provider does not offer are absent from ``capabilities``; calling one raises a
    :class:`ConfigurationError` naming the provider, so a misconfigured cron fails loudly
    instead of silently doing nothing.
    """

    key = ""
    label = ""
    endpoints = {"test": {}, "prod": {}}
    capabilities = frozenset()
    # The secrets this integrator authenticates with; an account holds all kinds and passes these.
    credential_fields = ("username", "password")

    def __init__(self, *, environment="test", timeout=DEFAULT_TIMEOUT):
        if environment not in self.endpoints:
            raise ConfigurationError(
                f"Unknown environment {environment!r} for {self.label}",
                code="tr_edoc.provider.environment",
                params={"environment": environment, "provider": self.key},
            )
        if not timeout or timeout <= 0:
            raise ConfigurationError(
                "Every integrator call needs a positive timeout",
                code="tr_edoc.provider.timeout",
                params={"timeout": timeout},
            )
        self.environment = environment
        self.timeout = timeout

    def supports(self, capability):
        return capability in self.capabilities

    def _unsupported(self, operation):
        raise ConfigurationError(
            f"{self.label} does not offer {operation}",
            code="tr_edoc.provider.unsupported",
            params={"provider": self.key, "operation": operation},
        )

    def login(self):
        """Open a session where the integrator has them; stateless providers need nothing."""
        return None

    def logout(self):
        """Close the session where the integrator has them."""
        return None

    @abc.abstractmethod
    def check_connection(self):
        """Log in and make one cheap read, returning a :class:`ConnectionCheck` in plain words."""

    def send_invoices(self, documents):
        self._unsupported("send_invoices")

    def load_invoices(self, documents):
        self._unsupported("load_invoices")

    def get_invoice_statuses(self, uuids):
        self._unsupported("get_invoice_statuses")

    def list_incoming(self, kind, since=None, *, until=None, include_read=False, with_content=True):
        self._unsupported("list_incoming")

    def download(self, uuid, fmt, *, direction="IN", kind=EINVOICE):
        self._unsupported("download")

    def mark_read(self, kind, uuids, *, read=True):
        self._unsupported("mark_read")

    def send_application_response(self, uuids, answer, reason=""):
        self._unsupported("send_application_response")

    def send_signed_application_response(self, xml, *, receiver_vkn="", receiver_alias=""):
        """Send an ApplicationResponse the customer signed; ``xml`` goes out byte for byte."""
        self._unsupported("send_signed_application_response")

    def send_earchive(self, documents):
        self._unsupported("send_earchive")

    def earchive_status(self, uuids):
        self._unsupported("earchive_status")

    def cancel_earchive(self, uuid, *, reason="", number="", cancel_email=""):
        self._unsupported("cancel_earchive")

    def delete_earchive(self, uuid, *, reason="", number=""):
        """Cancel an e-Arşiv invoice not yet reported so that it is never reported (its number goes again)."""
        self._unsupported("delete_earchive")

    def resend_earchive_email(self, uuid, emails):
        """Have the integrator e-mail an e-Arşiv invoice again."""
        self._unsupported("resend_earchive_email")

    def earchive_reports(self, period, *, with_content=False):
        self._unsupported("earchive_reports")

    def send_despatch(self, documents):
        self._unsupported("send_despatch")

    def load_despatch(self, documents):
        self._unsupported("load_despatch")

    def despatch_status(self, uuids):
        self._unsupported("despatch_status")

    def send_receipt_advice(self, documents):
        self._unsupported("send_receipt_advice")

    def list_receipt_advices(self, since=None, *, include_read=False, with_content=True):
        self._unsupported("list_receipt_advices")

    def receipt_advice_status(self, uuids):
        self._unsupported("receipt_advice_status")

    def check_user(self, identifier, document_type="INVOICE"):
        self._unsupported("check_user")

    def iter_user_list(self, since=None, *, document_type="ALL", alias_type="ALL"):
        self._unsupported("iter_user_list")

    def credit_balance(self):
        self._unsupported("credit_balance")
