"""UBL 2.1 namespaces and the small element helpers every builder shares."""

from decimal import Decimal

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
    kind = type(value)
    if kind is str:
        return value
    if kind is Decimal:
        return format(value, "f")
    if kind is bool:
        return "true" if value else "false"
    if hasattr(value, "as_tuple"):
        return format(value, "f")
    if hasattr(value, "hour"):
        return value.strftime("%H:%M:%S")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class _Tags(dict):
    """``{namespace}name`` strings made once per name: the builders ask for the same few hundred tags."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = namespace

    def __missing__(self, name):
        tag = self[name] = f"{{{self.namespace}}}{name}"
        return tag


_CBC_TAGS, _CAC_TAGS = _Tags(CBC), _Tags(CAC)
_SubElement = etree.SubElement


def cbc(parent, name, value, **attrs):
    """Append ``cbc:name`` unless the value is missing; attributes with ``None`` are dropped."""
    if value is None or (value.__class__ is str and not value):
        return None
    element = _SubElement(parent, _CBC_TAGS[name])
    for key, attribute in attrs.items():
        if attribute is not None:
            element.set(key, attribute)  # set() is cheaper in lxml than an attribute dict
    element.text = text(value)
    return element


def cac(parent, name):
    return _SubElement(parent, _CAC_TAGS[name])


def amount(parent, name, value, currency):
    """``cbc:name`` with its currencyID, written out: the builders' most frequent element."""
    if value is None or (value.__class__ is str and not value):
        return None
    element = _SubElement(parent, _CBC_TAGS[name])
    if currency is not None:
        element.set("currencyID", currency)
    element.text = text(value)
    return element
