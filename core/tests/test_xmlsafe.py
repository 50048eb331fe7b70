"""Hostile-input tests for core.xmlsafe: every attack must end in a typed error and touch nothing outside."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from core import xmlsafe
from core.errors import ParseError, XmlSecurityError

INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
DESPATCH = "{urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2}DespatchAdvice"


@pytest.fixture
def canary():
    """A loopback HTTP server that counts every request, to prove the parser never reaches out."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b'<!ENTITY leaked "LEAKED">' if self.path.endswith(".dtd") else b"LEAKED"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _fetch(url):
    """Confirms the canary works, so a zero count below means something."""
    from urllib.request import urlopen

    with urlopen(url, timeout=5) as response:
        return response.read()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    return path


def _assert_doctype_refused(data):
    with pytest.raises(XmlSecurityError) as info:
        xmlsafe.load_xml(data)
    assert info.value.code == "tr_edoc.xml.doctype"


def test_plain_document_loads():
    root = xmlsafe.load_xml(b'<?xml version="1.0" encoding="UTF-8"?><!-- hi --><a><b>x</b></a>')
    assert root.tag == "a"
    assert root.findtext("b") == "x"


def test_canary_counts_requests(canary):
    base, hits = canary
    assert _fetch(base + "/probe") == b"LEAKED"
    assert hits == ["/probe"]


def test_xxe_file_is_refused(secret_file):
    data = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{secret_file.as_uri()}">]><r>&e;</r>'
    ).encode()
    _assert_doctype_refused(data)


def test_xxe_http_is_refused_without_network(canary):
    base, hits = canary
    data = f'<!DOCTYPE r [<!ENTITY e SYSTEM "{base}/xxe">]><r>&e;</r>'.encode()
    _assert_doctype_refused(data)
    assert hits == []


def test_external_dtd_is_refused_without_network(canary):
    base, hits = canary
    data = f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{base}/evil.dtd"><r>&leaked;</r>'.encode()
    _assert_doctype_refused(data)
    assert hits == []


def test_parameter_entity_dtd_is_refused_without_network(canary):
    base, hits = canary
    data = f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{base}/evil.dtd"> %p;]><r>&leaked;</r>'.encode()
    _assert_doctype_refused(data)
    assert hits == []


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)


def test_billion_laughs_is_refused():
    _assert_doctype_refused(BILLION_LAUGHS)


def test_doctype_after_comments_and_pi_is_refused():
    _assert_doctype_refused(b'\xef\xbb\xbf<?xml version="1.0"?>\n<?pi x?><!-- a -- b --><!doctype r><r/>')


def test_utf16_doctype_is_refused():
    _assert_doctype_refused(
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'.encode("utf-16")
    )


def test_utf16_document_without_doctype_loads():
    root = xmlsafe.load_xml('<?xml version="1.0" encoding="UTF-16"?><r>Çğış</r>'.encode("utf-16"))
    assert root.text == "Çğış"


def test_doctype_hidden_behind_long_prolog_is_caught_after_parsing(canary):
    base, hits = canary
    padding = b"<!--" + b"x" * (xmlsafe._PROLOG_SCAN + 10) + b"-->"
    data = padding + f'<!DOCTYPE r [<!ENTITY e SYSTEM "{base}/late">]><r>&e;</r>'.encode()
    _assert_doctype_refused(data)
    assert hits == []


def test_hardened_parser_does_not_expand_entities(secret_file, canary):
    """The second line of defence, on its own: even with a DOCTYPE, nothing is resolved or fetched."""
    base, hits = canary
    data = (
        f'<!DOCTYPE r [<!ENTITY f SYSTEM "{secret_file.as_uri()}"><!ENTITY h SYSTEM "{base}/xxe">'
        f'<!ENTITY % p SYSTEM "{base}/evil.dtd"> %p;]><r><a>&f;</a><b>&h;</b></r>'
    ).encode()
    root = etree.fromstring(data, parser=xmlsafe._hardened_parser())
    text = etree.tostring(root, method="text")
    assert b"TOP-SECRET" not in text
    assert b"LEAKED" not in text
    assert hits == []


def test_hardened_parser_does_not_expand_billion_laughs():
    """libxml2 either stops the expansion itself (amplification or loop guard, depending on its
    error state) or leaves the references unexpanded; it never builds the billion laughs."""
    try:
        root = etree.fromstring(BILLION_LAUGHS, parser=xmlsafe._hardened_parser())
    except etree.XMLSyntaxError as exc:
        assert "entity" in str(exc).lower()
    else:
        assert len(etree.tostring(root)) < 1000


def test_xinclude_is_not_processed(canary):
    base, hits = canary
    data = (
        f'<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{base}/inc" parse="text"/></r>'
    ).encode()
    root = xmlsafe.load_xml(data)
    assert b"LEAKED" not in etree.tostring(root)
    assert hits == []


def test_50_mb_bytes_are_refused_before_parsing():
    # Deliberately not well-formed: had lxml seen it, the error would be a ParseError, not a size refusal.
    data = b"<r>" + b"x" * (50 * 1024 * 1024)
    with pytest.raises(XmlSecurityError) as info:
        xmlsafe.load_xml(data)
    assert info.value.code == "tr_edoc.xml.too_large"
    assert info.value.params == {"size": len(data), "max_bytes": xmlsafe.DEFAULT_MAX}


class _EndlessXml(io.RawIOBase):
    """A 50 MB document produced on demand, counting what the reader actually pulled."""

    def __init__(self, total):
        self.remaining = total
        self.consumed = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), self.remaining)
        buffer[:size] = b"<" * size if self.consumed == 0 and size else b"a" * size
        self.remaining -= size
        self.consumed += size
        return size


def test_50_mb_stream_is_refused_after_reading_only_the_limit():
    stream = io.BufferedReader(_EndlessXml(50 * 1024 * 1024), buffer_size=64 * 1024)
    limit = 1024 * 1024
    with pytest.raises(XmlSecurityError) as info:
        xmlsafe.load_xml_stream(stream, max_bytes=limit)
    assert info.value.code == "tr_edoc.xml.too_large"
    assert stream.raw.consumed <= limit + 64 * 1024 + 1
    assert stream.raw.remaining > 40 * 1024 * 1024


def test_file_within_limit_loads(tmp_path):
    path = tmp_path / "ok.xml"
    path.write_bytes(b"<r>" + b"y" * 1000 + b"</r>")
    assert len(xmlsafe.load_xml_file(path, max_bytes=2000).text) == 1000
    with pytest.raises(XmlSecurityError):
        xmlsafe.load_xml_file(path, max_bytes=500)


def test_deep_nesting_is_refused():
    depth = 20000
    data = b"<a>" * depth + b"</a>" * depth
    with pytest.raises(ParseError) as info:
        xmlsafe.load_xml(data)
    assert info.value.code == "tr_edoc.xml.malformed"


def test_malformed_and_empty_are_parse_errors():
    with pytest.raises(ParseError) as info:
        xmlsafe.load_xml(b"<a><b></a>")
    assert info.value.code == "tr_edoc.xml.malformed"
    assert info.value.params["line"] == 1
    with pytest.raises(ParseError) as info:
        xmlsafe.load_xml(b"  \n ")
    assert info.value.code == "tr_edoc.xml.empty"


def test_text_input_is_a_programming_error():
    with pytest.raises(TypeError):
        xmlsafe.load_xml("<a/>")


def test_expect_root_accepts_allowed_names():
    root = xmlsafe.load_xml(b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')
    assert xmlsafe.expect_root(root, DESPATCH, INVOICE) == INVOICE


def test_expect_root_refuses_wrong_namespace():
    root = xmlsafe.load_xml(b'<Invoice xmlns="urn:example:not-ubl"/>')
    with pytest.raises(ParseError) as info:
        xmlsafe.expect_root(root, INVOICE)
    assert info.value.code == "tr_edoc.xml.wrong_namespace"
    assert info.value.params["found"] == "{urn:example:not-ubl}Invoice"


def test_expect_root_refuses_wrong_root():
    root = xmlsafe.load_xml(
        b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>'
    )
    with pytest.raises(ParseError) as info:
        xmlsafe.expect_root(root, INVOICE, DESPATCH)
    assert info.value.code == "tr_edoc.xml.wrong_root"
    assert info.value.params["expected"] == [INVOICE, DESPATCH]


XSL = "http://www.w3.org/1999/XSL/Transform"


def test_untrusted_xslt_renders_but_cannot_read_files(secret_file):
    good = xmlsafe.load_xslt(
        f'<xsl:stylesheet version="1.0" xmlns:xsl="{XSL}"><xsl:template match="/">'
        f'<p><xsl:value-of select="/r"/></p></xsl:template></xsl:stylesheet>'.encode()
    )
    assert str(good(etree.fromstring(b"<r>ok</r>"))).strip().endswith("<p>ok</p>")
    reader = xmlsafe.load_xslt(
        f'<xsl:stylesheet version="1.0" xmlns:xsl="{XSL}"><xsl:template match="/">'
        f"<p><xsl:copy-of select=\"document('{secret_file.as_uri()}')\"/></p></xsl:template>"
        f"</xsl:stylesheet>".encode()
    )
    try:
        output = str(reader(etree.fromstring(b"<r/>")))
    except etree.XSLTApplyError:
        output = ""
    assert "TOP-SECRET" not in output


def test_xslt_that_is_not_a_stylesheet_is_refused():
    with pytest.raises(ParseError) as info:
        xmlsafe.load_xslt(b"<html/>")
    assert info.value.code == "tr_edoc.xml.wrong_root"
