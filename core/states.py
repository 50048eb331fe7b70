"""GİB envelope status codes and what each one asks the sender to do.

GİB answers every envelope with one numeric code; the same table serves e-Fatura and e-İrsaliye
and every integrator passes it through unchanged, so the classification lives here rather than in
a provider. Transition tables use :func:`classify_gib_status` to decide whether to keep polling,
allow a resend (same ETTN and number) or stop.
"""

import enum


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
