"""Algorithm identifiers UBL-TR signatures use (GİB forbids rsa-sha1 for UBL 2.1)."""

from ..ubl.namespaces import DS, XADES

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_COMMENTS = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"

DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    SHA256: "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
CANONICALIZATIONS = {
    C14N: {"exclusive": False, "with_comments": False},
    C14N_COMMENTS: {"exclusive": False, "with_comments": True},
    EXC_C14N: {"exclusive": True, "with_comments": False},
    EXC_C14N_COMMENTS: {"exclusive": True, "with_comments": True},
}

NS = {"ds": DS, "xades": XADES}


def ds(name):
    return f"{{{DS}}}{name}"


def xades(name):
    return f"{{{XADES}}}{name}"
