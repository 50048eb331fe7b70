"""SOAP plumbing of the sandbox: İzibiz's own WSDLs parse every request and render every answer.

The WSDL/XSD files are read from a configured folder (the shared reference copies in tests),
never shipped. Requests are validated with lxml against the same XSDs before zeep reads them,
so a request İzibiz would refuse for its shape is refused here too.
"""

import re
from pathlib import Path

import zeep
from lxml import etree
from zeep.transports import Transport

from ..errors import ConfigurationError

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

SERVICE_FILES = {
    "/AuthenticationWS": ("AuthenticationWS", "AuthenticationService.wsdl"),
    "/EFaturaOIB": ("EFaturaOIB", "EFaturaOIB1.wsdl"),
    "/EIArchiveWS/EFaturaArchive": ("EIArchiveWS", "EFaturaArchive.wsdl"),
    "/EIrsaliyeWS/EIrsaliye": ("EIrsaliyeWS", "EIrsaliyeService.wsdl"),
    "/ReconciliationWS": ("ReconciliationWS", "Reconciliation1.wsdl"),
    "/SmmWS": ("SmmWS", "SmmService.wsdl"),
    "/CreditNoteWS/CreditNote": ("CreditNoteWS", "CreditNoteWS.wsdl"),
}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_LOCATION = re.compile(r'schemaLocation="([^"]+)"')
_ADDRESS = re.compile(r'(<\w+:address\s+location=")[^"]*(")')


class _OfflineTransport(Transport):
    """The sandbox loads its contracts from disk only; a remote import is a configuration error."""

    def _load_remote_data(self, url):
        raise ConfigurationError(
            f"WSDL import {url} is not local", code="tr_edoc.sandbox.wsdl_remote", params={"url": url}
        )


class MalformedRequest(Exception):
    """The request is not a SOAP 1.1 envelope of a known operation, or breaks the XSD."""


def parse_envelope(raw):
    try:
        envelope = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedRequest(f"not XML: {exc}") from exc
    if envelope.tag != f"{{{SOAP_ENV}}}Envelope":
        raise MalformedRequest(f"root is {envelope.tag}, not a SOAP 1.1 Envelope")
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    if body is None or len(body) != 1:
        raise MalformedRequest("SOAP Body must hold exactly one element")
    return envelope, body[0]


class SoapService:
    def __init__(self, path, folder, wsdl_name):
        self.path = path
        self.folder = Path(folder)
        self.wsdl_path = self.folder / wsdl_name
        if not self.wsdl_path.is_file():
            raise ConfigurationError(
                f"{self.wsdl_path} is missing: point the sandbox at İzibiz's WSDL folder",
                code="tr_edoc.sandbox.wsdl_missing",
                params={"path": str(self.wsdl_path)},
            )
        self.client = zeep.Client(str(self.wsdl_path), transport=_OfflineTransport())
        (self.binding,) = self.client.wsdl.bindings.values()
        self.operations = {
            op.input.body.qname: op for op in self.binding._operations.values() if op.input.body
        }
        self.schema = self._compile_schema()
        self.fault_element = self._fault_element()

    def _compile_schema(self):
        wsdl = etree.parse(str(self.wsdl_path), _PARSER)
        wrapper = etree.Element(f"{{{XSD_NS}}}schema", nsmap={"xs": XSD_NS})
        for imp in wsdl.iter(f"{{{XSD_NS}}}import"):
            location = imp.get("schemaLocation")
            if location:
                etree.SubElement(
                    wrapper,
                    f"{{{XSD_NS}}}import",
                    namespace=imp.get("namespace"),
                    schemaLocation=(self.folder / location).resolve().as_uri(),
                )
        return etree.XMLSchema(wrapper)

    def _fault_element(self):
        tns = self.binding.name.namespace
        return self.client.get_element(f"{{{tns}}}RequestFault")

    def operation(self, payload):
        op = self.operations.get(payload.tag)
        if op is None:
            raise MalformedRequest(f"no operation takes {payload.tag}")
        return op

    def validate(self, payload):
        if not self.schema.validate(etree.ElementTree(payload)):
            raise MalformedRequest(str(self.schema.error_log.last_error.message))

    def render(self, op, result):
        return etree.tostring(op.output.serialize(**result).content, xml_declaration=True, encoding="utf-8")

    def render_fault(self, code, text, txn_id, client_fault=False):
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
        fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
        etree.SubElement(fault, "faultcode").text = "soap-env:Client" if client_fault else "soap-env:Server"
        etree.SubElement(fault, "faultstring").text = text
        detail = etree.SubElement(fault, "detail")
        error = {"INTL_TXN_ID": txn_id, "ERROR_CODE": code, "ERROR_SHORT_DES": text}
        names = [name for name, _ in self.fault_element.type.elements]
        value = error if "ERROR_CODE" in names else {names[0]: error}
        self.fault_element.render(detail, value)
        return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

    def wsdl_text(self, base_url):
        text = self.wsdl_path.read_text(encoding="utf-8")
        text = _ADDRESS.sub(lambda m: f"{m.group(1)}{base_url}{self.path}{m.group(2)}", text)
        return self._relink(text, base_url)

    def xsd_text(self, name, base_url):
        """One schema file of this service; only plain names of files in the folder are served."""
        if "/" in name or "\\" in name or not name.endswith(".xsd") or not (self.folder / name).is_file():
            return None
        return self._relink((self.folder / name).read_text(encoding="utf-8"), base_url)

    def _relink(self, text, base_url):
        return _LOCATION.sub(lambda m: f'schemaLocation="{base_url}{self.path}?xsd={m.group(1)}"', text)


def load_services(wsdl_dir):
    root = Path(wsdl_dir)
    return {
        path: SoapService(path, root / folder / "local", wsdl_name)
        for path, (folder, wsdl_name) in SERVICE_FILES.items()
    }
