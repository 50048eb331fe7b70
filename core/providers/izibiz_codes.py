"""İzibiz result codes mapped to typed errors and İzibiz document statuses mapped to outcomes.

The generic codes (−1, 10001–10018) are the same on the e-Fatura, e-Arşiv and e-İrsaliye services
(İzibiz guide, "Hata Kodları"). Each maps to an exception class from :mod:`core.errors`, a stable
code, whether the same request may be repeated unchanged, and a Turkish and English text; the
integrator's own text is kept in ``params['remote_message']`` because it names the document.
"""

import dataclasses

from ..errors import AuthError, DuplicateDocument, EdocError, RemoteRejected, ValidationFailed


@dataclasses.dataclass(frozen=True)
class IzibizError:
    cls: type
    reason: str
    retryable: bool
    tr: str
    en: str


ERRORS = {
    -1: IzibizError(
        RemoteRejected,
        "unexpected",
        True,
        "Beklenmedik bir hata oluştu. Lütfen daha sonra tekrar deneyiniz.",
        "İzibiz reported an unexpected error; try again later.",
    ),
    10001: IzibizError(
        RemoteRejected,
        "system_error",
        True,
        "Sistemde beklenmedik bir hata oluştu.",
        "İzibiz reported an unexpected system error; try again later.",
    ),
    10002: IzibizError(
        AuthError, "session_not_created", False, "Oturum oluşturulamadı.", "İzibiz could not open a session."
    ),
    10003: IzibizError(
        ValidationFailed,
        "schematron",
        False,
        "Belge şematron kontrolünden geçemedi.",
        "The document failed İzibiz's schematron check.",
    ),
    10004: IzibizError(
        AuthError,
        "session_invalid",
        True,
        "Geçersiz oturum. Lütfen tekrar oturum oluşturunuz.",
        "The İzibiz session is no longer valid; log in again.",
    ),
    10005: IzibizError(
        AuthError,
        "product_inactive",
        False,
        "Hesabınızda bu ürün aktif değildir.",
        "This product is not active on the İzibiz account.",
    ),
    10006: IzibizError(
        AuthError, "not_authorised", False, "Yetkiniz bulunmamaktadır.", "The İzibiz user is not authorised."
    ),
    10007: IzibizError(
        ValidationFailed,
        "zip_required",
        False,
        "İstek ZIP bir dosya içermelidir.",
        "The request must carry a ZIP file.",
    ),
    10008: IzibizError(
        RemoteRejected,
        "not_found",
        False,
        "Belirtilen kriterlere uygun kayıt bulunamamıştır.",
        "İzibiz found no record matching the criteria.",
    ),
    10009: IzibizError(
        DuplicateDocument,
        "duplicate",
        False,
        "Gönderilen belge daha önce gönderilmiş bir belge ile eşleşmektedir.",
        "İzibiz already holds this document; its status will be queried instead of resending.",
    ),
    10010: IzibizError(
        RemoteRejected,
        "request_too_large",
        False,
        "Bir istek boyutu maksimum 5MB veya 100 adet belge içerebilir.",
        "A request may carry at most 5 MB or 100 documents.",
    ),
    10011: IzibizError(
        DuplicateDocument,
        "repeated",
        False,
        "Tekrarlanan işlem: kayıt sistemde mevcuttur.",
        "Repeated operation: İzibiz already holds the record.",
    ),
    10012: IzibizError(
        AuthError, "user_inactive", False, "Kullanıcı aktif değil.", "The İzibiz user is not active."
    ),
    10013: IzibizError(
        RemoteRejected,
        "invalid_request",
        False,
        "Gönderilen istek geçersizdir.",
        "İzibiz refused the request as invalid.",
    ),
    10014: IzibizError(
        ValidationFailed, "invalid_signature", False, "Geçersiz imza.", "İzibiz found the signature invalid."
    ),
    10015: IzibizError(
        RemoteRejected,
        "service_unsupported",
        False,
        "Servis desteklenmemektedir.",
        "İzibiz does not support this service.",
    ),
    10016: IzibizError(
        AuthError,
        "customer_inactive",
        False,
        "Müşteri sistemde aktif değildir.",
        "The customer account is not active at İzibiz.",
    ),
    10017: IzibizError(
        DuplicateDocument,
        "duplicate",
        False,
        "Gönderilen belge daha önce gönderilmiş bir belge ile eşleşmektedir.",
        "İzibiz already holds this document; its status will be queried instead of resending.",
    ),
    10018: IzibizError(
        AuthError,
        "unauthorised_access",
        False,
        "Yetkisiz erişim tespit edildi!",
        "İzibiz detected unauthorised access.",
    ),
}

SESSION_ERRORS = frozenset({10002, 10004})
SESSION_GONE_TEXT = "aktif session bulunamadı"

# Texts İzibiz returns for application responses (SendInvoiceResponseWithServerSign); they arrive
# under a generic code, so the text is what tells them apart.
RESPONSE_TEXTS = (
    (
        "8 gün",
        "response_window_closed",
        "Uygulama yanıtı 8 gün geciktiği için cevap gönderilemez.",
        "The 8-day window for KABUL/RED has closed.",
    ),
    (
        "tekrar yanıt gönderilemez",
        "already_answered",
        "Daha önce yanıtlanmış bir fatura için tekrar yanıt gönderilemez.",
        "This invoice has already been answered.",
    ),
    (
        "yanıtlama için uygun",
        "response_in_progress",
        "Fatura durumu yanıtlama için uygun değil.",
        "A response for this invoice is still being processed.",
    ),
)


def error_from_remote(remote_code, remote_message, operation):
    """The typed error for an ERROR_TYPE or SOAP fault returned by İzibiz."""
    remote_message = (remote_message or "").strip()
    try:
        number = int(remote_code)
    except (TypeError, ValueError):
        number = None
    params = {"operation": operation, "remote_message": remote_message}
    for needle, reason, tr, en in RESPONSE_TEXTS:
        if needle in remote_message:
            params["message_tr"] = tr
            return RemoteRejected(
                f"{en} ({remote_message})",
                code=f"tr_edoc.izibiz.{reason}",
                params=params,
                retryable=False,
                remote_code=remote_code,
            )
    info = ERRORS.get(number)
    if info is None:
        params["message_tr"] = "İzibiz tanımlanmamış bir hata kodu döndürdü."
        return RemoteRejected(
            f"İzibiz returned error {remote_code}: {remote_message}",
            code="tr_edoc.izibiz.unknown_error",
            params=params,
            retryable=False,
            remote_code=remote_code,
        )
    params["message_tr"] = info.tr
    message = f"{info.en} ({remote_message})" if remote_message else info.en
    kwargs = {
        "code": f"tr_edoc.izibiz.{info.reason}",
        "params": params,
        "retryable": info.retryable,
        "remote_code": str(number),
    }
    return info.cls(message, **kwargs)


def is_session_error(error):
    """İzibiz's "session gone" answer: 10002/10004, or its text "Aktif session bulunamadı"."""
    if not isinstance(error, EdocError):
        return False
    if error.remote_code is not None and _int(error.remote_code) in SESSION_ERRORS:
        return True
    return SESSION_GONE_TEXT in (error.message or "").casefold()


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# İzibiz platform statuses are "STATUS - SUBSTATUS" or just the substatus; the substatus decides.
INVOICE_FINAL_SUBSTATUSES = frozenset({"SUCCEED", "FAILED"})

COMMERCIAL_ANSWERS = {
    "ACCEPTED": "KABUL",
    "ACCEPT": "KABUL",
    "REJECTED": "RED",
    "REJECT": "RED",
}

EARCHIVE_STATUS_TEXT = {
    100: ("KUYRUĞA EKLENDİ", "Queued"),
    105: ("TASLAK OLARAK EKLENDİ", "Added as draft"),
    110: ("İŞLENİYOR", "Processing"),
    115: ("İŞLENİYOR", "Processing"),
    120: ("RAPORLANACAK", "To be reported"),
    130: ("RAPORLANDI", "Reported to GİB"),
    150: ("RAPORLANMADAN İPTAL EDİLDİ", "Cancelled before reporting; will not be reported"),
    200: ("FATURA ID BULUNAMADI", "Invoice not found"),
}


# Platform failures without a GİB code (İzibiz status tables): the document never reached GİB.
# An invoice's PACKAGE_FAILED (105) is retried by İzibiz itself, so only sending failures end it;
# an e-İrsaliye also ends on packaging and signing failures (SIGN_FAILED shares code 106 with
# SIGN_PROCESSING, so the status text decides there).
INVOICE_PLATFORM_FAILURES = frozenset({136, 139})
DESPATCH_PLATFORM_FAILURES = frozenset({105, 136})


def invoice_platform_failed(gib_code, status_code, status):
    if gib_code is not None:
        return False
    return _int(status_code) in INVOICE_PLATFORM_FAILURES or substatus(status) in (
        "SEND_FAILED",
        "AUTO_FAILED",
    )


def despatch_platform_failed(gib_code, status_code, status):
    if gib_code is not None:
        return False
    code = _int(status_code)
    return code in DESPATCH_PLATFORM_FAILURES or (code == 106 and "FAILED" in (status or "").upper())


def substatus(status):
    """The SUBSTATUS part of an İzibiz STATUS string such as ``SUCCEED - SEND_SUCCEED``."""
    status = (status or "").strip()
    return status.rsplit("-", 1)[-1].strip() if " - " in status else status


def commercial_answer(status):
    """``KABUL``/``RED`` when the platform status shows the receiver's answer, else ``None``."""
    head = substatus(status).split("_", 1)[0]
    return COMMERCIAL_ANSWERS.get(head)


def answer_outcome(status):
    """How an incoming TICARIFATURA's answer stands: ``succeeded``, ``failed`` or ``""`` (none, or
    still processing), from STATUS such as ``ACCEPTED_SUCCEED``, ``REJECT_FAILED`` or ``FAILED``."""
    sub = substatus(status)
    if sub == "FAILED" or (commercial_answer(status) and sub.endswith("_FAILED")):
        return "failed"
    if commercial_answer(status) and sub.endswith("_SUCCEED"):
        return "succeeded"
    return ""
