"""UBL 2.1 namespaces and the small element helpers every builder shares."""

from lxml import etree

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
DESPATCH_ADVICE = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
RECEIPT_ADVICE = "urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2"
APPLICATION_RESPONSE = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
# Our own namespace: only for the placeholder the signer replaces with ds:Signature.
EDOC = "urn:l10n-tr-edoc:unsigned"
SIGNATURE_PLACEHOLDER = f"{{{EDOC}}}SignaturePlaceholder"


def nsmap(document_ns):
    return {None: document_ns, "cac": CAC, "cbc": CBC, "ext": EXT, "ds": DS, "xades": XADES}


def text(value):
    """UBL lexical form: plain decimals without exponent, ISO dates, HH:MM:SS times."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "as_tuple"):
        return format(value, "f")
    if hasattr(value, "hour"):
        return value.strftime("%H:%M:%S")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def cbc(parent, name, value, **attrs):
    """Append ``cbc:name`` unless the value is missing; attributes with ``None`` are dropped."""
    if value is None or value == "":
        return None
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", {k: v for k, v in attrs.items() if v is not None})
    element.text = text(value)
    return element


def cac(parent, name):
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def amount(parent, name, value, currency):
    return cbc(parent, name, value, currencyID=currency)
