"""GİB envelope status codes and what each one asks the sender to do.

GİB answers every envelope with one numeric code; the same table serves e-Fatura and e-İrsaliye
and every integrator passes it through unchanged, so the classification lives here rather than in
a provider. Transition tables use :func:`classify_gib_status` to decide whether to keep polling,
allow a resend (same ETTN and number) or stop.
"""

import datetime as dt
import enum
from zoneinfo import ZoneInfo

from .errors import EdocError


class GibOutcome(enum.Enum):
    SUCCESS = "success"
    WAIT = "wait"
    RESEND = "resend"
    UNKNOWN = "unknown"


GIB_SUCCESS = 1300

# 1210 and 1220 mean GİB is still retrying; only the codes that follow them (1215, 1230) end it.
GIB_WAIT = frozenset({1000, 1100, 1200, 1210, 1220})

GIB_RESEND = frozenset(
    {
        1110, 1111, 1120, 1130, 1131, 1132, 1133, 1140, 1141, 1142, 1143, 1150, 1160, 1161, 1162, 1163,
        1170, 1171, 1172, 1175, 1176, 1177, 1180, 1181, 1182, 1183, 1190, 1195, 1215, 1230,
    }
)  # fmt: skip

# (Turkish text as GİB publishes it, English translation)
GIB_STATUS_TEXT = {
    1000: ("ZARF KUYRUĞA EKLENDİ", "Envelope queued"),
    1100: ("ZARF İŞLENİYOR", "Envelope being processed"),
    1110: ("ZIP DOSYASI DEĞİL", "Not a ZIP file"),
    1111: ("ZARF ID UZUNLUĞU GEÇERSİZ", "Invalid envelope ID length"),
    1120: ("ZARF ARŞİVDEN KOPYALANAMADI", "Envelope could not be copied from the archive"),
    1130: ("ZIP AÇILAMADI", "ZIP could not be opened"),
    1131: ("ZIP BİR DOSYA İÇERMELİ", "ZIP must contain one file"),
    1132: ("XML DOSYASI DEĞİL", "Not an XML file"),
    1133: ("ZARF ID VE XML DOSYASININ ADI AYNI OLMALI", "Envelope ID and XML file name must match"),
    1140: ("DOKUMAN AYRIŞTIRILAMADI", "Document could not be parsed"),
    1141: ("ZARF ID YOK", "Envelope ID missing"),
    1142: ("ZARF ID VE ZIP DOSYASI ADI AYNI OLMALI", "Envelope ID and ZIP file name must match"),
    1143: ("GEÇERSİZ VERSİYON", "Invalid version"),
    1150: ("SCHEMATRON KONTROL SONUCU HATALI", "Schematron check failed"),
    1160: ("XML SEMA KONTROLÜNDEN GEÇEMEDİ", "XML schema check failed"),
    1161: ("İMZA SAHİBİ TCKN VKN ALINAMADI", "Signer TCKN/VKN could not be read"),
    1162: ("İMZA KAYDEDİLEMEDİ", "Signature could not be stored"),
    1163: (
        "GÖNDERİLEN ZARF SİSTEMDE DAHA ÖNCE KAYITLI OLAN BİR FATURAYI İÇERMEKTEDİR",
        "The envelope contains an invoice already registered",
    ),
    1170: ("YETKİ KONTROL EDİLEMEDİ", "Authorisation could not be checked"),
    1171: ("GÖNDERİCİ BİRİM YETKİSİ YOK", "Sender unit not authorised"),
    1172: ("POSTA KUTUSU YETKİSİ YOK", "Mailbox not authorised"),
    1175: ("İMZA YETKİSİ KONTROL EDİLEMEDİ", "Signing authority could not be checked"),
    1176: ("İMZA SAHİBİ YETKİSİZ", "Signer not authorised"),
    1177: ("GEÇERSİZ İMZA", "Invalid signature"),
    1180: ("ADRES KONTROL EDİLEMEDİ", "Address could not be checked"),
    1181: ("ADRES BULUNAMADI", "Address not found"),
    1182: ("KULLANICI EKLENEMEDİ", "User could not be added"),
    1183: ("KULLANICI SİLİNEMEDİ", "User could not be deleted"),
    1190: ("SİSTEM YANITI HAZIRLANAMADI", "System response could not be prepared"),
    1195: ("SİSTEM HATASI", "System error"),
    1200: ("ZARF BAŞARIYLA İŞLENDİ", "Envelope processed"),
    1210: ("DOKUMAN BULUNAN ADRESE GÖNDERİLEMEDİ", "Document could not be delivered; GİB retries"),
    1215: ("DOKÜMAN GÖNDERİMİ BAŞARISIZ. TEKRAR GÖNDERME SONLANDI", "Delivery failed; GİB stopped retrying"),
    1220: ("HEDEFTEN SİSTEM YANITI GELMEDİ", "No system response from the receiver yet"),
    1230: ("HEDEFTEN SİSTEM YANITI BAŞARISIZ GELDİ", "The receiver's system response was a failure"),
    1300: ("BAŞARIYLA TAMAMLANDI", "Completed successfully"),
}


# Refusals that came from the receiver's system, not from GİB: İzibiz's checklist resends these
# under the same number with a new ETTN; what GİB itself refused goes again with the same ETTN.
GIB_RECEIVER_SIDE = frozenset({1215, 1230})


def resend_needs_new_ettn(code):
    """Whether a document GİB reported with ``code`` is resent under a new ETTN (same number)."""
    try:
        return int(code) in GIB_RECEIVER_SIDE
    except (TypeError, ValueError):
        return False


def classify_gib_status(code):
    """Map a GİB status code to the sender's next step.

    ``None`` means the integrator has not asked GİB yet, which is a reason to wait, not an error.
    A code GİB has not published is ``UNKNOWN`` so that no resend is ever allowed on a guess.
    """
    if code is None:
        return GibOutcome.WAIT
    code = int(code)
    if code == GIB_SUCCESS:
        return GibOutcome.SUCCESS
    if code in GIB_RESEND:
        return GibOutcome.RESEND
    if code in GIB_WAIT:
        return GibOutcome.WAIT
    return GibOutcome.UNKNOWN


def gib_status_text(code, lang="en"):
    """Readable text of a GİB code in English (``en``) or Turkish (``tr``); empty when unknown."""
    pair = GIB_STATUS_TEXT.get(int(code)) if code is not None else None
    if not pair:
        return ""
    return pair[0] if lang == "tr" else pair[1]


# --- Document state machines -------------------------------------------------------------------
#
# One table per (kind, direction). The ORM never writes a document state itself: it asks
# :func:`next_state` and stores the answer, so every rule about what may follow what lives here.
# State keys are ours (English snake_case); GİB's values stay in their own fields.

OUTGOING_INVOICE = "outgoing_invoice"
INCOMING_INVOICE = "incoming_invoice"
EARCHIVE = "earchive"
OUTGOING_DESPATCH = "outgoing_despatch"
INCOMING_DESPATCH = "incoming_despatch"
OUTGOING_RESPONSE = "outgoing_response"
EARSIVBELGE = "earsivbelge"

_SUBMISSION = {
    ("draft", "generate"): "ready",
    ("draft", "generate_failed"): "draft",
    ("ready", "generate"): "ready",
    ("ready", "submit"): "sending",
    ("sending", "accepted"): "sent",
    ("sending", "failed"): "send_failed",
    ("sending", "timeout"): "unknown",
    ("send_failed", "submit"): "sending",
    ("send_failed", "generate"): "ready",
    ("unknown", "found"): "sent",
    ("unknown", "not_found"): "ready",
    ("sent", "gib_waiting"): "sent",
    ("sent", "gib_delivered"): "delivered",
    ("sent", "gib_rejected"): "rejected_by_gib",
    ("rejected_by_gib", "correct"): "draft",
    ("sent", "platform_failed"): "send_failed",
}

# e-Arşiv invoices and e-SMM/e-MM receipts alike are reported to GİB and cancelled through the integrator.
_REPORT_AND_CANCEL = {
    ("sent", "reported"): "reported",
    ("delivered", "reported"): "reported",
    ("sent", "cancel"): "cancel_requested",
    ("delivered", "cancel"): "cancel_requested",
    ("reported", "cancel"): "cancel_requested",
    ("cancel_requested", "cancel_confirmed"): "cancelled",
    ("cancel_requested", "cancel_refused"): "delivered",
}

TRANSITIONS = {
    OUTGOING_INVOICE: {
        **_SUBMISSION,
        ("delivered", "recipient_accepted"): "accepted",
        ("delivered", "recipient_rejected"): "rejected",
        ("delivered", "auto_accepted"): "accepted_implicitly",
    },
    EARCHIVE: {
        **_SUBMISSION,
        **_REPORT_AND_CANCEL,
        ("delivered", "gib_rejected"): "rejected_by_gib",
        # deleted at the integrator before GİB's report (DELETE_FLAG): its number goes again
        ("cancel_requested", "deleted"): "draft",
    },
    # e-SMM and e-MM: İzibiz signs (105 İŞLENDİ = delivered), reports to GİB (report 201), and
    # cancels (107, or report 203 for a receipt already reported).
    EARSIVBELGE: {
        **_SUBMISSION,
        ("delivered", "gib_waiting"): "delivered",
        **_REPORT_AND_CANCEL,
        ("sent", "cancel_confirmed"): "cancelled",
        ("delivered", "cancel_confirmed"): "cancelled",
        ("reported", "cancel_confirmed"): "cancelled",
    },
    OUTGOING_DESPATCH: {
        **_SUBMISSION,
        ("delivered", "answer_accepted"): "answered_accepted",
        ("delivered", "answer_partial"): "answered_partial",
        ("delivered", "answer_rejected"): "answered_rejected",
    },
    INCOMING_INVOICE: {
        ("received", "import_ok"): "imported",
        ("received", "import_failed"): "import_failed",
        ("import_failed", "import_ok"): "imported",
        ("imported", "await_response"): "awaiting_response",
        ("awaiting_response", "respond"): "responding",
        ("responding", "response_accepted"): "accepted",
        ("responding", "response_rejected"): "rejected",
        ("responding", "response_failed"): "awaiting_response",
        ("awaiting_response", "answered_elsewhere_accepted"): "accepted",
        ("awaiting_response", "answered_elsewhere_rejected"): "rejected",
        ("responding", "answered_elsewhere_accepted"): "accepted",
        ("responding", "answered_elsewhere_rejected"): "rejected",
        ("awaiting_response", "window_closed"): "response_window_closed",
        ("awaiting_response", "auto_accepted"): "response_window_closed",
    },
    INCOMING_DESPATCH: {
        ("received", "import_ok"): "awaiting_response",
        ("received", "import_failed"): "import_failed",
        ("import_failed", "import_ok"): "awaiting_response",
        ("awaiting_response", "respond"): "responding",
        ("responding", "response_sent"): "responded",
        ("responding", "response_failed"): "awaiting_response",
    },
    OUTGOING_RESPONSE: {
        ("draft", "submit"): "sending",
        ("sending", "accepted"): "sent",
        # the integrator took our KABUL/RED but it failed at GİB (ACCEPT_FAILED, FAILED)
        ("sent", "failed"): "send_failed",
        ("sending", "failed"): "send_failed",
        ("sending", "timeout"): "unknown",
        ("send_failed", "submit"): "sending",
        ("unknown", "found"): "sent",
        ("unknown", "not_found"): "send_failed",
    },
}

INITIAL_STATE = {
    OUTGOING_INVOICE: "draft",
    EARCHIVE: "draft",
    OUTGOING_DESPATCH: "draft",
    OUTGOING_RESPONSE: "draft",
    EARSIVBELGE: "draft",
    INCOMING_INVOICE: "received",
    INCOMING_DESPATCH: "received",
}

_MACHINE_BY_KIND = {
    ("einvoice", "out"): OUTGOING_INVOICE,
    ("einvoice", "in"): INCOMING_INVOICE,
    ("earchive", "out"): EARCHIVE,
    ("despatch", "out"): OUTGOING_DESPATCH,
    ("despatch", "in"): INCOMING_DESPATCH,
    ("app_response", "out"): OUTGOING_RESPONSE,
    ("receipt_advice", "out"): OUTGOING_RESPONSE,
    ("smm", "out"): EARSIVBELGE,
    ("emm", "out"): EARSIVBELGE,
}

# A document in one of these states is held by the integrator or GİB: it is evidence, its ETTN and
# number are spent, and its source record must not go back to draft.
EXCHANGED_STATES = frozenset(
    {
        "sending", "sent", "unknown", "delivered", "rejected_by_gib", "accepted", "rejected",
        "accepted_implicitly", "reported", "cancel_requested", "cancelled", "answered_accepted",
        "answered_partial", "answered_rejected",
    }
)  # fmt: skip


# İzibiz's e-SMM / e-MM status (100–107) and report status (200–204) as events of EARSIVBELGE.
EARSIVBELGE_STATUS_EVENTS = {
    100: "gib_waiting",
    101: "gib_waiting",
    102: "gib_waiting",
    103: "gib_waiting",
    104: "gib_waiting",
    105: "gib_delivered",
    106: "gib_rejected",
    107: "cancel_confirmed",
}
EARSIVBELGE_REPORT_EVENTS = {200: None, 201: "reported", 202: None, 203: "cancel_confirmed", 204: None}
EARSIVBELGE_FINAL_STATES = frozenset({"reported", "cancelled", "rejected_by_gib"})


def earsivbelge_event(status_code, report_code=None):
    """The event an e-SMM / e-MM status answer means; the report status wins once GİB has it.

    An unknown code is ``None`` (nothing happens) rather than a guess.
    """
    try:
        report = EARSIVBELGE_REPORT_EVENTS.get(int(report_code)) if report_code not in (None, "") else None
        status = EARSIVBELGE_STATUS_EVENTS.get(int(status_code)) if status_code not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if status == "cancel_confirmed":
        return status
    return report or status


class InvalidTransition(EdocError):
    """An event that the document's state does not allow: a bug or a race, never silently applied."""

    code = "tr_edoc.state.invalid_transition"


def machine_for(kind, direction):
    try:
        return _MACHINE_BY_KIND[kind, direction]
    except KeyError:
        raise InvalidTransition(
            f"No state machine for {direction} {kind} documents",
            params={"kind": kind, "direction": direction},
        ) from None


def next_state(machine, state, event):
    """The state after ``event``; raises :class:`InvalidTransition` when the table has no such edge."""
    try:
        return TRANSITIONS[machine][state, event]
    except KeyError:
        raise InvalidTransition(
            f"Event {event!r} is not allowed in state {state!r} ({machine})",
            params={"machine": machine, "state": state, "event": event},
        ) from None


def allowed_events(machine, state):
    return sorted(event for (source, event) in TRANSITIONS[machine] if source == state)


# --- Deadlines ---------------------------------------------------------------------------------

ISTANBUL = ZoneInfo("Europe/Istanbul")
COMMERCIAL_RESPONSE_DAYS = 8


def gib_today():
    """Today on GİB's calendar: Istanbul's date, which runs ahead of UTC from 21:00 (UTC) on."""
    return dt.datetime.now(ISTANBUL).date()


def commercial_response_deadline(received_at, days=COMMERCIAL_RESPONSE_DAYS):
    """Last moment a TICARIFATURA may be answered: ``days`` calendar days after it reached us.

    The clock starts when the invoice reached the receiver's mailbox (İzibiz CDATE), not at its
    issue date. Naive datetimes are taken as UTC, the way Odoo stores them; the result is aware.
    """
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=dt.UTC)
    return (received_at.astimezone(ISTANBUL) + dt.timedelta(days=days)).astimezone(dt.UTC)


def response_window_open(received_at, now, days=COMMERCIAL_RESPONSE_DAYS):
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now <= commercial_response_deadline(received_at, days)


def remaining_response_time(received_at, now, days=COMMERCIAL_RESPONSE_DAYS):
    """Time left to answer, never negative, for the countdown shown to the accountant."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return max(commercial_response_deadline(received_at, days) - now, dt.timedelta(0))
