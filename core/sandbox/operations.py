"""What each İzibiz operation does in the sandbox; one function per WSDL operation name.

Texts and codes follow İzibiz's integration guide. Where the guide names a message but no
code (KABUL/RED refusals), the closest generic code is used: 10013 (invalid request) and
10011 (repeated operation).
"""

import uuid as uuidlib
from dataclasses import replace
from datetime import datetime, time, timedelta

from ..errors import EdocError
from ..signing import verify_document
from ..ubl.parse import parse_application_response
from .clock import TR_TZ
from .content import html_view, pack, pdf_view, raw_bytes, signed_original, unpack, zip_one
from .state import (
    ANSWER_WINDOW,
    FAILED_STATUSES,
    Answer,
    Document,
    IzibizError,
    invalid_request,
    not_found,
    read_facts,
    too_frequent,
)
from .userlist import ListQuery

OPERATIONS = {}
MAX_DOCUMENTS = 100


def operation(*names):
    def register(fn):
        for name in names:
            OPERATIONS[name] = fn
        return fn

    return register


def _ok(sb):
    return {"REQUEST_RETURN": {"INTL_TXN_ID": sb.txn_id(), "RETURN_CODE": 0}}


def _session(sb, req):
    return sb.store.session(req.REQUEST_HEADER.SESSION_ID)


def _company(sb, req):
    return sb.store.companies[_session(sb, req).vkn]


def _compressed(req):
    return (req.REQUEST_HEADER.COMPRESSED or "Y").upper()


def _date(text):
    return text or None


def _duplicate(facts, code=10009):
    return IzibizError(
        code,
        "Gönderilen belge daha önce gönderilmiş bir belge ile eşleşmektedir. "
        f"ID: {facts.id} ve UUID: {facts.uuid}",
    )


# authentication ------------------------------------------------------------------------


@operation("Login")
def login(sb, req):
    session = sb.store.login(req.USER_NAME, req.PASSWORD)
    return {**_ok(sb), "SESSION_ID": session.session_id}


@operation("Logout")
def logout(sb, req):
    _session(sb, req)
    sb.store.logout(req.REQUEST_HEADER.SESSION_ID)
    return _ok(sb)


def _gib_user(user):
    row = user.row()
    keys = (
        "IDENTIFIER",
        "ALIAS",
        "TITLE",
        "TYPE",
        "REGISTER_TIME",
        "UNIT",
        "ALIAS_CREATION_TIME",
        "DOCUMENT_TYPE",
    )
    return {key: row[key] for key in keys}


@operation("CheckUser")
def check_user(sb, req):
    _session(sb, req)
    identifier = (req.USER.IDENTIFIER or "").strip()
    if not identifier:
        raise invalid_request("USER.IDENTIFIER zorunludur")
    document_type = getattr(req, "DOCUMENT_TYPE", None) or "INVOICE"
    return {"USER": [_gib_user(u) for u in sb.registry.lookup(identifier, document_type)]}


@operation("GetGibUserList")
def get_gib_user_list(sb, req):
    _session(sb, req)
    query = ListQuery(
        document_type=req.DOCUMENT_TYPE,
        alias_type=req.ALIAS_TYPE,
        register_time_start=_aware(req.REGISTER_TIME_START),
        alias_modify_date=_aware(req.ALIAS_MODIFY_DATE),
        file_type=(req.TYPE or "XML").upper(),
    )
    if query.file_type not in ("XML", "CSV"):
        raise invalid_request("TYPE XML veya CSV olmalıdır")
    path, _count = sb.registry.write_zip(query)
    return {"CONTENT": StreamedFile(path)}


class StreamedFile:
    """A response CONTENT too large to build in memory: the server Base64-streams the file."""

    def __init__(self, path):
        self.path = path


def _aware(moment):
    if moment is None:
        return None
    return moment.replace(tzinfo=TR_TZ) if moment.tzinfo is None else moment


# e-Fatura ------------------------------------------------------------------------------


def _uploads(req, compressed, items, attr="CONTENT"):
    found = [
        (read_facts(xml), xml) for item in items for xml in unpack(raw_bytes(getattr(item, attr)), compressed)
    ]
    if len(found) > MAX_DOCUMENTS:
        raise IzibizError(10010, "Bir istek boyutu maksimum 5MB veya 100 adet belge içerebilir")
    return found


def _check_sender(company, facts, root):
    if facts.root != root:
        raise invalid_request(f"{root} bekleniyordu, {facts.root} geldi")
    if facts.sender_vkn != company.vkn:
        raise IzibizError(10006, f"Yetkiniz bulunmamaktadır: gönderici VKN {facts.sender_vkn}")


def _refuse_duplicates(sb, company, kind, batch):
    """İzibiz refuses an ETTN (or a number, 10017) it already holds that did not fail; the sent documents
    are read once per batch, not once per document."""
    uuids = {facts.uuid for facts, _xml in batch}
    numbers = {facts.id for facts, _xml in batch if facts.id}
    by_uuid, by_number = {}, {}
    for doc in sb.store.find(company.vkn, kind=kind, direction="OUT"):
        if (doc.uuid in uuids or doc.id in numbers) and not (
            doc.draft or sb.store.status(doc).status in FAILED_STATUSES
        ):
            by_uuid.setdefault(doc.uuid, doc)
            by_number.setdefault(doc.id, doc)
    seen = set()
    for facts, _xml in batch:
        if facts.uuid in seen:
            raise _duplicate(facts)
        seen.add(facts.uuid)
        held = [doc for doc in (by_uuid.get(facts.uuid), facts.id and by_number.get(facts.id)) if doc]
        if held:
            first = min(held, key=lambda doc: doc.list_id)
            raise _duplicate(facts) if first.uuid == facts.uuid else _duplicate(facts, 10017)


def _deliver(sb, company, kind, batch, *, sender_alias, receiver_vkn, receiver_alias, document_type):
    """Store the sender's copy, and the receiver's copy unless GİB refuses the address."""
    store = sb.store
    now = sb.clock.now()
    first_id = ""
    for facts, xml in batch:
        to_vkn = receiver_vkn or facts.receiver_vkn
        to_alias = receiver_alias or _first_pk(sb, to_vkn, document_type)
        if not store.accepts(to_vkn, to_alias, document_type, sb.registry):
            raise invalid_request(f"Alıcı {to_vkn} / {to_alias} GİB listesinde kayıtlı değil")
        reject = store.gib_rejections.get(to_alias)
        platform_failure = store.platform_failures.get(to_alias)
        common = {
            "kind": kind,
            "facts": facts,
            "content": xml,
            "cdate": now,
            "envelope_id": str(uuidlib.uuid4()),
            "sender_alias": sender_alias,
            "receiver_alias": to_alias,
        }
        store.put(
            Document(
                owner_vkn=company.vkn,
                direction="OUT",
                list_id=store.new_list_id(),
                gib_reject_code=reject,
                platform_failure=platform_failure,
                **common,
            )
        )
        if reject is None and platform_failure is None and to_vkn in store.companies:
            received = Document(owner_vkn=to_vkn, direction="IN", list_id=store.new_list_id(), **common)
            store.put(received)
            if kind == "INVOICE" and facts.profile == "TICARIFATURA" and to_vkn in store.auto_answers:
                code, reason = store.auto_answers[to_vkn]
                _record_answer(sb, received, Answer(code, reason, now, portal=True))
        store.charge(company.vkn)
        first_id = first_id or facts.id
    return first_id


def _first_pk(sb, vkn, document_type):
    entries = sb.registry.lookup(vkn, document_type, unit="PK")
    return entries[0].alias if entries else ""


@operation("SendInvoice")
def send_invoice(sb, req):
    company = _company(sb, req)
    batch = _uploads(req, _compressed(req), req.INVOICE)
    for facts, _xml in batch:
        _check_sender(company, facts, "Invoice")
    with sb.store.lock:
        _refuse_duplicates(sb, company, "INVOICE", batch)
        sender_alias = (req.SENDER.alias if req.SENDER else None) or company.gb_alias
        receiver = req.RECEIVER
        first_id = _deliver(
            sb,
            company,
            "INVOICE",
            batch,
            sender_alias=sender_alias,
            receiver_vkn=receiver.vkn if receiver else None,
            receiver_alias=receiver.alias if receiver else None,
            document_type="INVOICE",
        )
    return {**_ok(sb), "INVOICE_ID": first_id}


def _load_drafts(sb, company, kind, root, batch):
    with sb.store.lock:
        for facts, xml in batch:
            _check_sender(company, facts, root)
            existing = sb.store.get(company.vkn, "OUT", facts.uuid)
            if existing and not existing.draft:
                raise _duplicate(facts)
            if existing:
                sb.store.update(existing, facts=facts, content=xml, cdate=sb.clock.now())
                continue
            sb.store.put(
                Document(
                    kind=kind,
                    owner_vkn=company.vkn,
                    direction="OUT",
                    facts=facts,
                    content=xml,
                    cdate=sb.clock.now(),
                    list_id=sb.store.new_list_id(),
                    envelope_id="",
                    draft=True,
                )
            )
    return _ok(sb)


@operation("LoadInvoice")
def load_invoice(sb, req):
    company = _company(sb, req)
    return _load_drafts(sb, company, "INVOICE", "Invoice", _uploads(req, _compressed(req), req.INVOICE))


def _throttle_listing(sb, vkn, kind, key, *, found, limit):
    """A listing run starts when the previous one has ended; it ends with a page below LIMIT."""
    store = sb.store
    if key.ID or key.UUID:
        return
    now = sb.clock.now()
    run = (vkn, kind, (key.DIRECTION or "IN").upper())
    with store.lock:
        ended = store.listing_ended.get(run)
        if store.fetch_gap is not None and ended is not None and now < ended + store.fetch_gap:
            minutes = int(store.fetch_gap.total_seconds() // 60)
            raise too_frequent(f"gelen belgeler en az {minutes} dakika arayla çekilmelidir")
        if found < limit:
            store.listing_ended[run] = now
        else:
            store.listing_ended.pop(run, None)


def _throttle_status(sb, vkn, uuids):
    store = sb.store
    now = sb.clock.now()
    with store.lock:
        if store.status_gap is not None:
            for value in uuids:
                asked = store.polled_at.get((vkn, (value or "").upper()))
                if asked is not None and now < asked + store.status_gap:
                    minutes = int(store.status_gap.total_seconds() // 60)
                    raise too_frequent(f"{value} için durum en az {minutes} dakika arayla sorgulanmalıdır")
        for value in uuids:
            store.polled_at[vkn, (value or "").upper()] = now


def _search(sb, vkn, kind, key, header_only):
    docs = _matching(sb, vkn, kind, key, header_only)
    _throttle_listing(sb, vkn, kind, key, found=len(docs), limit=_limit(key, header_only))
    return docs


def _limit(key, header_only):
    return min(key.LIMIT or 10, 25000 if header_only else MAX_DOCUMENTS)


def _matching(sb, vkn, kind, key, header_only):
    direction = (key.DIRECTION or "IN").upper()
    limit = _limit(key, header_only)
    docs = sb.store.find(vkn, kind=kind, direction=direction, doc_id=key.ID, doc_uuid=key.UUID)
    by_create = (getattr(key, "DATE_TYPE", None) or "ISSUE") == "CREATE"

    def keep(doc):
        day = doc.cdate.date().isoformat() if by_create else doc.facts.issue_date
        return (
            (key.READ_INCLUDED or not doc.read)
            and (getattr(key, "DRAFT_FLAG", None) == "Y" or not doc.draft)
            and (not key.FROM or doc.sender_alias == key.FROM)
            and (not key.TO or doc.receiver_alias == key.TO)
            and (not key.SENDER or doc.facts.sender_vkn == key.SENDER)
            and (not key.RECEIVER or doc.facts.receiver_vkn == key.RECEIVER)
            and (not key.START_DATE or day >= key.START_DATE.isoformat())
            and (not key.END_DATE or day <= key.END_DATE.isoformat())
        )

    return [doc for doc in docs if keep(doc)][:limit]


def _invoice_header(sb, doc):
    status = sb.store.status(doc)
    facts = doc.facts
    return {
        "SENDER": facts.sender_vkn,
        "RECEIVER": facts.receiver_vkn,
        "SUPPLIER": facts.sender_title,
        "CUSTOMER": facts.receiver_title,
        "ISSUE_DATE": _date(facts.issue_date),
        "PAYABLE_AMOUNT": {"_value_1": facts.amount, "currencyID": facts.currency or None}
        if facts.amount is not None
        else None,
        "FROM": doc.sender_alias,
        "TO": doc.receiver_alias,
        "PROFILEID": facts.profile,
        "INVOICE_TYPE_CODE": facts.type_code,
        "STATUS": status.status,
        "STATUS_DESCRIPTION": status.description,
        "GIB_STATUS_CODE": status.gib_code,
        "GIB_STATUS_DESCRIPTION": status.gib_description,
        "DIRECTION": doc.direction,
        "RESPONSE_CODE": doc.answer.code if doc.answer else None,
        "RESPONSE_DESCRIPTION": doc.answer.description if doc.answer else None,
        "CDATE": doc.cdate,
        "ENVELOPE_IDENTIFIER": doc.envelope_id or None,
        "STATUS_CODE": str(status.code),
    }


@operation("GetInvoice")
def get_invoice(sb, req):
    session = _session(sb, req)
    header_only = (req.HEADER_ONLY or "N") == "Y"
    docs = _search(sb, session.vkn, "INVOICE", req.INVOICE_SEARCH_KEY, header_only)
    compressed = _compressed(req)
    return {
        "INVOICE": [
            {
                "ID": doc.id,
                "UUID": doc.uuid,
                "LIST_ID": doc.list_id,
                "HEADER": _invoice_header(sb, doc),
                "CONTENT": None
                if header_only
                else {"_value_1": pack(f"{doc.uuid}.xml", doc.content, compressed)},
            }
            for doc in docs
        ]
    }


@operation("GetInvoiceWithType")
def get_invoice_with_type(sb, req):
    session = _session(sb, req)
    key = req.INVOICE_SEARCH_KEY
    if not key.ID and not key.UUID:
        raise invalid_request("ID veya UUID zorunludur")
    direction = (key.DIRECTION or "IN").upper()
    docs = sb.store.find(session.vkn, kind="INVOICE", direction=direction, doc_id=key.ID, doc_uuid=key.UUID)
    if not docs:
        raise not_found(f"UUID: {key.UUID or ''} ID: {key.ID or ''}")
    doc = docs[0]
    view = (key.TYPE or "PDF").upper()
    renderers = {"PDF": pdf_view, "HTML": html_view, "XML": lambda d: d.content}
    if view not in renderers:
        raise invalid_request("TYPE PDF, HTML veya XML olmalıdır")
    data = zip_one(f"{doc.uuid}.{view.lower()}", renderers[view](doc))
    return {
        "INVOICE": [
            {
                "ID": doc.id,
                "UUID": doc.uuid,
                "HEADER": _invoice_header(sb, doc),
                "CONTENT": {"_value_1": data},
            }
        ]
    }


def _mark(sb, vkn, kind, items, value):
    if value not in ("READ", "UNREAD"):
        raise invalid_request("MARK value READ veya UNREAD olmalıdır")
    marked = 0
    with sb.store.lock:
        for item in items:
            for doc in sb.store.find(vkn, kind=kind, doc_id=item.ID, doc_uuid=item.UUID):
                if item.ID or item.UUID:
                    sb.store.update(doc, read=value == "READ")
                    marked += 1
    if not marked:
        raise not_found("MARK")
    return _ok(sb)


@operation("MarkInvoice")
def mark_invoice(sb, req):
    return _mark(sb, _session(sb, req).vkn, "INVOICE", req.MARK.INVOICE, req.MARK.value)


def _invoice_status(sb, doc):
    header = _invoice_header(sb, doc)
    keep = (
        "STATUS",
        "STATUS_DESCRIPTION",
        "GIB_STATUS_CODE",
        "GIB_STATUS_DESCRIPTION",
        "RESPONSE_CODE",
        "RESPONSE_DESCRIPTION",
        "CDATE",
        "ENVELOPE_IDENTIFIER",
        "STATUS_CODE",
        "DIRECTION",
    )
    return {"ID": doc.id, "UUID": doc.uuid, **{k: header[k] for k in keep}, **_gtb_numbers(sb, doc)}


def _gtb_numbers(sb, doc):
    """Customs numbers of an export invoice: the GTB reference once GİB delivered it to customs, the
    GÇB registration and the actual export date a day later, once the goods left."""
    if doc.direction != "OUT" or doc.facts.profile != "IHRACAT" or sb.store.status(doc).gib_code != 1300:
        return {}
    digits = f"{int(uuidlib.UUID(doc.uuid)):023d}"[-23:]
    numbers = {"GTB_REFNO": digits}
    exported = doc.cdate + timedelta(days=1)
    if sb.clock.now() >= exported:
        numbers["GTB_GCB_TESCILNO"] = f"26341300EX{digits[-6:]}"
        numbers["GTB_FIILI_IHRACAT_TARIHI"] = exported.date().isoformat()
    return numbers


def _find_invoice(sb, vkn, doc_id, doc_uuid):
    docs = sb.store.find(vkn, kind="INVOICE", doc_id=doc_id, doc_uuid=doc_uuid)
    docs.sort(key=lambda d: d.direction != "OUT")
    return docs[0] if docs else None


@operation("GetInvoiceStatus")
def get_invoice_status(sb, req):
    session = _session(sb, req)
    if not req.INVOICE.ID and not req.INVOICE.UUID:
        raise invalid_request("INVOICE ID veya UUID zorunludur")
    doc = _find_invoice(sb, session.vkn, req.INVOICE.ID, req.INVOICE.UUID)
    if doc is None:
        raise not_found(f"UUID: {req.INVOICE.UUID or ''} ID: {req.INVOICE.ID or ''}")
    _throttle_status(sb, session.vkn, [doc.uuid])
    return {"INVOICE_STATUS": _invoice_status(sb, doc)}


@operation("GetInvoiceStatusAll")
def get_invoice_status_all(sb, req):
    session = _session(sb, req)
    _throttle_status(sb, session.vkn, req.UUID)
    docs = [_find_invoice(sb, session.vkn, None, value) for value in req.UUID]
    return {"INVOICE_STATUS": [_invoice_status(sb, doc) for doc in docs if doc]}


def _answerable(sb, owner_vkn, doc_id, doc_uuid, now):
    """The incoming TICARIFATURA an answer targets, refused as İzibiz refuses it (one answer, 8 days)."""
    docs = sb.store.find(owner_vkn, kind="INVOICE", direction="IN", doc_id=doc_id, doc_uuid=doc_uuid)
    if not docs or not (doc_id or doc_uuid):
        raise not_found(f"Fatura ID : {doc_id or doc_uuid} sistemde bulunamadı!")
    doc = docs[0]
    if doc.facts.profile != "TICARIFATURA":
        raise invalid_request(
            f"{doc.facts.profile} faturaya uygulama yanıtı gönderilemez. Fatura UUID:{doc.uuid}"
        )
    if doc.answer is not None and not (doc.answer.failed and now - doc.answer.at >= sb.store.gib_processing):
        raise IzibizError(
            10011,
            f"Daha önce yanıtlanmış bir fatura için tekrar yanıt gönderilemez! Fatura UUID:{doc.uuid}",
        )
    if now > doc.cdate + ANSWER_WINDOW:
        raise IzibizError(10013, "Uygulama yanıtı 8 gün geciktiği için cevap gönderilemez")
    return doc


def _record_answer(sb, doc, answer):
    """Keep the answer on the receiver's copy and route it to the sender's outgoing invoice; one the
    test armed to fail (``Sandbox.fail_next_answer``) ends FAILED and may be given again."""
    if doc.uuid in sb.store.answer_failures:
        sb.store.answer_failures.discard(doc.uuid)
        answer = replace(answer, failed=True)
    sb.store.update(doc, answer=answer)
    origin = sb.store.get(doc.facts.sender_vkn, "OUT", doc.uuid)
    if origin is not None:
        sb.store.update(origin, answer=answer)


@operation("SendInvoiceResponseWithServerSign")
def send_invoice_response(sb, req):
    session = _session(sb, req)
    code = (req.STATUS or "").upper()
    if code not in ("KABUL", "RED"):
        raise invalid_request("STATUS KABUL veya RED olmalıdır")
    description = (req.DESCRIPTION or [None])[0] or (
        "Fatura kabul edildi" if code == "KABUL" else "Reddedildi"
    )
    now = sb.clock.now()
    with sb.store.lock:
        targets = [_answerable(sb, session.vkn, item.ID, item.UUID, now) for item in req.INVOICE]
        for doc in targets:
            _record_answer(sb, doc, Answer(code, description, now))
    return _ok(sb)


def _signed_response(xml, session_vkn, now):
    """Read one client-signed ApplicationResponse and refuse it unless its signature holds."""
    try:
        response = parse_application_response(xml)
    except EdocError as exc:
        raise IzibizError(10003, f"Belge Şematron Kontrolünden Geçemedi: {exc.message}") from exc
    code = (response.response_code or "").upper()
    if code not in ("KABUL", "RED"):
        raise invalid_request("ResponseCode KABUL veya RED olmalıdır")
    sender_vkns = {identifier.value for identifier in response.sender.identifications}
    if session_vkn not in sender_vkns:
        raise invalid_request(f"Uygulama yanıtının göndericisi {session_vkn} olmalıdır")
    verification = verify_document(xml, now=now)
    if not verification.valid:
        reasons = "; ".join(issue.message for issue in verification.issues) or "imza yok"
        raise IzibizError(10014, f"Geçersiz imza. {reasons}")
    if verification.signer_vat != session_vkn:
        raise IzibizError(
            10014, f"Geçersiz imza. İmzalayan {verification.signer_vat}, gönderici {session_vkn}"
        )
    return response, code


@operation("SendInvoiceResponse")
def send_signed_invoice_response(sb, req):
    """ApplicationResponses signed by the customer: checked like the server-signed path, then routed."""
    session = _session(sb, req)
    compressed = _compressed(req)
    now = sb.clock.now()
    xmls = [xml for item in req.APPRESPONSE for xml in unpack(raw_bytes(item), compressed)]
    if len(xmls) > MAX_DOCUMENTS:
        raise IzibizError(10010, "Bir istek boyutu maksimum 5MB veya 100 adet belge içerebilir")
    answers = [(xml, *_signed_response(xml, session.vkn, now)) for xml in xmls]
    with sb.store.lock:
        targets = []
        for xml, response, code in answers:
            doc = _answerable(sb, session.vkn, None, response.document_reference.id, now)
            description = " ".join(response.description) or (
                "Fatura kabul edildi" if code == "KABUL" else "Reddedildi"
            )
            answer = Answer(
                code, description, now, reference_id=response.id, reference_uuid=response.uuid, content=xml
            )
            targets.append((doc, answer))
        if len({doc.uuid for doc, _answer in targets}) < len(targets):
            raise invalid_request("Bir faturaya aynı istekte birden fazla yanıt gönderilemez")
        for doc, answer in targets:
            _record_answer(sb, doc, answer)
    return _ok(sb)


# e-Arşiv -------------------------------------------------------------------------------


@operation("WriteToArchiveExtended")
def write_to_archive(sb, req):
    company = _company(sb, req)
    compressed = _compressed(req)
    batch = []
    for props in req.ArchiveInvoiceExtendedContent.INVOICE_PROPERTIES:
        if props.EARSIV_FLAG != "Y":
            raise invalid_request("EARSIV_FLAG Y olmalıdır")
        for xml in unpack(raw_bytes(props.INVOICE_CONTENT), compressed):
            facts = read_facts(xml)
            _check_sender(company, facts, "Invoice")
            batch.append((facts, xml, props.EARSIV_PROPERTIES))
    if len(batch) > MAX_DOCUMENTS:
        raise IzibizError(10010, "Bir istek boyutu maksimum 5MB veya 100 adet belge içerebilir")
    if company.vkn in sb.store.no_email_service and any(p.EARSIV_EMAIL_FLAG == "Y" for _f, _x, p in batch):
        raise _no_email_service()
    with sb.store.lock:
        for facts, _xml, _props in batch:
            existing = sb.store.get(company.vkn, "OUT", facts.uuid)
            if existing and not existing.draft:
                raise IzibizError(
                    10009,
                    "Gönderilen belge daha önce gönderilmiş bir belge ile eşleşmektedir. "
                    f"Belge Tipi: FATURA Belge No: {facts.id} ve ETTN: {facts.uuid}",
                )
        for facts, xml, props in batch:
            sb.store.put(
                Document(
                    kind="EARCHIVE",
                    owner_vkn=company.vkn,
                    direction="OUT",
                    facts=facts,
                    content=xml,
                    cdate=sb.clock.now(),
                    list_id=sb.store.new_list_id(),
                    envelope_id="",
                    draft=(props.SUB_STATUS or "NEW") == "DRAFT",
                    earchive={
                        "type": props.EARSIV_TYPE,
                        "email": props.EARSIV_EMAIL_FLAG == "Y",
                        "emails": list(getattr(props, "EARSIV_EMAIL", None) or [])
                        if props.EARSIV_EMAIL_FLAG == "Y"
                        else [],
                    },
                )
            )
            sb.store.charge(company.vkn)
    return {**_ok(sb), "INVOICE_ID": batch[0][0].id if batch else None}


@operation("GetEArchiveInvoiceStatus")
def get_earchive_status(sb, req):
    session = _session(sb, req)
    found = []
    for value in req.UUID:
        doc = sb.store.get(session.vkn, "OUT", value)
        if doc is None or doc.kind != "EARCHIVE":
            found.append({"HEADER": {"UUID": value, "STATUS": "200", "STATUS_DESC": "FATURA ID BULUNAMADI"}})
            continue
        status = sb.store.status(doc)
        reported = status.code == 130
        found.append(
            {
                "HEADER": {
                    "INVOICE_ID": doc.id,
                    "PROFILE": doc.facts.profile,
                    "UUID": doc.uuid,
                    "INVOICE_DATE": doc.facts.issue_date,
                    "STATUS": str(status.code),
                    "STATUS_DESC": status.description,
                    "EMAIL_STATUS": "130" if doc.earchive.get("email") else None,
                    "EMAIL_STATUS_DESC": "E-MAIL GÖNDERİM SONLANDI" if doc.earchive.get("email") else None,
                    "REPORT_ID": sb.store.report_id(doc.owner_vkn, doc.cdate.date()) if reported else None,
                }
            }
        )
    return {**_ok(sb), "INVOICE": found}


@operation("CancelEArchiveInvoice")
def cancel_earchive(sb, req):
    session = _session(sb, req)
    now = sb.clock.now()
    with sb.store.lock:
        for item in req.CancelEArsivInvoiceContent:
            doc = sb.store.get(session.vkn, "OUT", item.FATURA_UUID)
            if doc is None or doc.kind != "EARCHIVE":
                raise not_found(f"ETTN: {item.FATURA_UUID}")
            if doc.cancelled_at:
                raise IzibizError(10011, "Tekrarlanan işlem: kayıt sistemde mevcuttur")
            if item.DELETE_FLAG == "Y":
                if sb.store.is_reported(doc, now):
                    raise invalid_request(
                        f"Raporlanmış fatura silinemez, iptal ediniz. ETTN: {item.FATURA_UUID}"
                    )
                del sb.store.docs[(doc.owner_vkn, doc.direction, doc.uuid)]
                sb.store.deleted.append((doc.owner_vkn, doc.id, doc.uuid))
                continue
            sb.store.update(doc, cancelled_at=now)
    return _ok(sb)


@operation("ReadFromArchive")
def read_from_archive(sb, req):
    session = _session(sb, req)
    doc = sb.store.get(session.vkn, "OUT", req.INVOICEID)
    if doc is None or doc.kind != "EARCHIVE":
        raise not_found(
            f"Fatura okunurken hata oluştu..Okumaya çalıştığınız UUID: {req.INVOICEID} ile fatura bulunmadı"
        )
    view = (req.PROFILE or "XML").upper()
    renderers = {"PDF": pdf_view, "HTML": html_view, "XML": signed_original}
    if view not in renderers:
        raise invalid_request("PROFILE PDF, HTML veya XML olmalıdır")
    data = pack(f"{doc.uuid}.{view.lower()}", renderers[view](doc), _compressed(req))
    return {**_ok(sb), "INVOICE": [{"_value_1": data}]}


def _no_email_service():
    return invalid_request(
        "E-posta gönderim hizmetiniz bulunmamaktadır. Entegratörünüz ile iletişime geçiniz"
    )


@operation("GetEmailEarchiveInvoice")
def get_email_earchive_invoice(sb, req):
    """Mail an uploaded e-Arşiv invoice again; needs the e-mail service and an address."""
    session = _session(sb, req)
    doc = sb.store.get(session.vkn, "OUT", req.FATURA_UUID)
    if doc is None or doc.kind != "EARCHIVE" or doc.draft:
        raise not_found(f"ETTN: {req.FATURA_UUID}")
    if session.vkn in sb.store.no_email_service:
        raise _no_email_service()
    emails = [email.strip() for email in (req.EMAIL or "").split(",") if email.strip()]
    if not emails or any("@" not in email for email in emails):
        raise invalid_request("EMAIL geçerli bir e-posta adresi olmalıdır")
    with sb.store.lock:
        earchive = dict(doc.earchive)
        earchive["emails"] = [*earchive.get("emails", []), *emails]
        sb.store.update(doc, earchive=earchive)
    # the WSDL requires GEN_ARCHIVE_DOC; the guide does not say what it holds: the mailed image here
    return {**_ok(sb), "GEN_ARCHIVE_DOC": pdf_view(doc)}


def _reported_days(sb, vkn):
    now = sb.clock.now()
    days = {}
    for doc in sb.store.find(vkn, kind="EARCHIVE", direction="OUT"):
        if not doc.draft and sb.store.is_reported(doc, now):
            days.setdefault(doc.cdate.date(), []).append(doc)
    return days


@operation("GetEArchiveReport")
def get_earchive_report(sb, req):
    session = _session(sb, req)
    period = req.REPORT_PERIOD or ""
    reports = [
        {
            "REPORT_NO": str(sb.store.report_id(session.vkn, day)),
            "REPORT_PERIOD": day.strftime("%Y%m"),
            "REPORT_STATUS": "SUCCEED",
            "REPORT_SUB_STATUS": "SUCCEED",
        }
        for day in sorted(_reported_days(sb, session.vkn))
        if day.strftime("%Y%m") == period
    ]
    return {**_ok(sb), "REPORT": reports}


@operation("ReadEArchiveReport")
def read_earchive_report(sb, req):
    """A simplified, unsigned eArsivRaporu listing the day's invoices; not GİB-schema complete."""
    session = _session(sb, req)
    days = _reported_days(sb, session.vkn)
    day = next((d for d in days if str(sb.store.report_id(session.vkn, d)) == req.RAPOR_NO), None)
    if day is None:
        raise not_found(f"RAPOR_NO: {req.RAPOR_NO}")
    rows = "".join(
        f"<fatura><faturaNo>{d.id}</faturaNo><ettn>{d.uuid}</ettn>"
        f"<iptal>{'Y' if d.cancelled_at else 'N'}</iptal></fatura>"
        for d in days[day]
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<eArsivRaporu xmlns="http://earsiv.efatura.gov.tr"><baslik><vkn>{session.vkn}</vkn>'
        f"<donem>{day.isoformat()}</donem><sandbox>Y</sandbox></baslik>{rows}</eArsivRaporu>"
    ).encode()
    return {**_ok(sb), "EARCHIVEREPORT": [{"_value_1": zip_one(f"{req.RAPOR_NO}.xml", xml)}]}


# e-İrsaliye ----------------------------------------------------------------------------


def _despatch_company(sb, req):
    company = _company(sb, req)
    if not company.despatch_gb_alias:
        raise IzibizError(10005, "Hesabınızın EIRSALIYE ürün aktif degildir")
    return company


def _send_despatch_like(sb, req, kind, root, items):
    company = _despatch_company(sb, req)
    receiver = req.RECEIVER
    if receiver is None or not receiver.vkn or not receiver.alias:
        raise invalid_request("RECEIVER vkn ve alias zorunludur")
    batch = _uploads(req, _compressed(req), items)
    for facts, _xml in batch:
        _check_sender(company, facts, root)
    with sb.store.lock:
        _refuse_duplicates(sb, company, kind, batch)
        sender_alias = (req.SENDER.alias if req.SENDER else None) or company.despatch_gb_alias
        first_id = _deliver(
            sb,
            company,
            kind,
            batch,
            sender_alias=sender_alias,
            receiver_vkn=receiver.vkn,
            receiver_alias=receiver.alias,
            document_type="DESPATCHADVICE",
        )
        if kind == "RECEIPT":
            for facts, _xml in batch:
                _link_receipt(sb, company.vkn, facts)
    return first_id


def _link_receipt(sb, vkn, facts):
    """A ReceiptAdvice answers the despatch it names; both copies of that despatch learn it."""
    answer = Answer("RECEIPT", "İRSALİYE YANITI ALINDI", sb.clock.now(), facts.id, facts.uuid)
    for doc in sb.store.find(vkn, kind="DESPATCH", direction="IN", doc_id=facts.reference_id):
        sb.store.update(doc, answer=answer)
        origin = sb.store.get(doc.facts.sender_vkn, "OUT", doc.uuid)
        if origin is not None:
            sb.store.update(origin, answer=answer)


@operation("SendDespatchAdvice")
def send_despatch(sb, req):
    first_id = _send_despatch_like(sb, req, "DESPATCH", "DespatchAdvice", req.DESPATCHADVICE)
    return {**_ok(sb), "DESPATCH_ID": first_id}


@operation("SendReceiptAdvice")
def send_receipt(sb, req):
    first_id = _send_despatch_like(sb, req, "RECEIPT", "ReceiptAdvice", req.RECEIPTADVICE)
    return {**_ok(sb), "RECEIPT_ID": first_id}


@operation("LoadDespatchAdvice")
def load_despatch(sb, req):
    company = _despatch_company(sb, req)
    batch = _uploads(req, _compressed(req), req.DESPATCHADVICE)
    return _load_drafts(sb, company, "DESPATCH", "DespatchAdvice", batch)


def _despatch_header(sb, doc):
    status = sb.store.status(doc)
    facts = doc.facts
    header = {
        "ID": facts.id,
        "UUID": facts.uuid,
        "PROFILEID": facts.profile,
        "ISSUE_DATE": _date(facts.issue_date),
        "ISSUE_TIME": facts.issue_time or None,
        "TYPE_CODE": facts.type_code,
        "SENDER": {"VKN": facts.sender_vkn, "IDENTIFIER": facts.sender_title},
        "RECEIVER": {"VKN": facts.receiver_vkn, "IDENTIFIER": facts.receiver_title},
        "DIRECTION": doc.direction,
        "STATUS": status.status,
        "STATUS_CODE": str(status.code),
        "STATUS_DESCRIPTION": status.description,
        "GIB_STATUS_CODE": status.gib_code,
        "GIB_STATUS_DESCRIPTION": status.gib_description,
        "RESPONSE_CODE": doc.answer.code if doc.answer else None,
        "RESPONSE_DESCRIPTION": doc.answer.description if doc.answer else None,
        "CDATE": doc.cdate,
        "ENVELOPE_IDENTIFIER": doc.envelope_id or None,
    }
    if doc.kind == "DESPATCH":
        header["DESPATCH_RESPONSE_ID"] = doc.answer.reference_id if doc.answer else None
        header["DESPATCH_RESPONSE_UUID"] = doc.answer.reference_uuid if doc.answer else None
    else:
        header["DESPATCH_ADVICE_ID"] = facts.reference_id or None
    return header


def _get_despatch_like(sb, req, kind, header_name):
    session = _session(sb, req)
    header_only = (req.HEADER_ONLY or "N") == "Y"
    compressed = _compressed(req)
    return [
        {
            "ID": doc.id,
            "UUID": doc.uuid,
            "DIRECTION": doc.direction,
            header_name: _despatch_header(sb, doc),
            "CONTENT": None
            if header_only
            else {"_value_1": pack(f"{doc.uuid}.xml", doc.content, compressed)},
        }
        for doc in _search(sb, session.vkn, kind, req.SEARCH_KEY, header_only)
    ]


@operation("GetDespatchAdvice")
def get_despatch(sb, req):
    return {"DESPATCHADVICE": _get_despatch_like(sb, req, "DESPATCH", "DESPATCHADVICEHEADER")}


@operation("GetReceiptAdvice")
def get_receipt(sb, req):
    return {"RECEIPTADVICE": _get_despatch_like(sb, req, "RECEIPT", "RECEIPTADVICEHEADER")}


def _statuses(sb, req, kind):
    session = _session(sb, req)
    found = []
    for value in req.UUID:
        docs = sb.store.find(session.vkn, kind=kind, doc_uuid=value)
        docs.sort(key=lambda d: d.direction != "OUT")
        if docs:
            found.append(_despatch_header(sb, docs[0]))
    return found


@operation("GetDespatchAdviceStatus")
def get_despatch_status(sb, req):
    return {"DESPATCHADVICE_STATUS": _statuses(sb, req, "DESPATCH")}


@operation("GetReceiptAdviceStatus")
def get_receipt_status(sb, req):
    return {"RECEIPTADVICE_STATUS": _statuses(sb, req, "RECEIPT")}


@operation("MarkDespatchAdvice")
def mark_despatch(sb, req):
    return _mark(sb, _session(sb, req).vkn, "DESPATCH", req.MARK.DESPATCHADVICEINFO, req.MARK.value)


@operation("MarkReceiptAdvice")
def mark_receipt(sb, req):
    return _mark(sb, _session(sb, req).vkn, "RECEIPT", req.MARK.RECEIPTADVICEINFO, req.MARK.value)


def day_start(moment):
    return datetime.combine(moment.date(), time(), TR_TZ)


def credit(sb, vkn):
    """GetCredit of the documented BillingWS contract: one kontör per document sent."""
    company = sb.store.companies[vkn]
    used = sb.store.credit_used.get(vkn, 0)
    last = sb.store.last_use.get(vkn) or day_start(sb.clock.now()) - timedelta(days=1)
    return {
        "CREDIT_LOADED": company.credit_loaded,
        "CREDIT_BALANCE": company.credit_loaded - used,
        "LAST_PROCESS_TIME": last.strftime("%Y-%m-%dT%H:%M:%S"),
        "MESSAGE": "SANDBOX kontör bakiyesi (gerçek değil)",
    }
