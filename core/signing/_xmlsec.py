"""The lazy door to python-xmlsec, with an answer the administrator can act on when it is missing."""

from ..errors import ConfigurationError

_SETUP_HINT = (
    "run scripts/setup.sh, which installs libxmlsec1 and builds lxml and xmlsec against the same libxml2"
)


def xmlsec():
    """Import xmlsec on first use; a missing package or system library becomes a ConfigurationError."""
    try:
        import xmlsec as module
    except ImportError as exc:
        raise ConfigurationError(
            f"XML signatures need the python package 'xmlsec' and the system library libxmlsec1: {exc}; "
            f"{_SETUP_HINT}.",
            code="tr_edoc.signing.xmlsec_missing",
            params={"detail": str(exc)},
        ) from exc
    from lxml import etree

    if module.get_libxml_version() != etree.LIBXML_VERSION:
        # Two libxml2 copies in one process corrupt memory when a tree crosses between them.
        raise ConfigurationError(
            f"lxml uses libxml2 {etree.LIBXML_VERSION} but xmlsec uses {module.get_libxml_version()}; "
            f"{_SETUP_HINT}.",
            code="tr_edoc.signing.libxml2_mismatch",
            params={"lxml": etree.LIBXML_VERSION, "xmlsec": module.get_libxml_version()},
        )
    return module
