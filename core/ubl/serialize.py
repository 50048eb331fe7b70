"""Byte form of a built document, as integrators and the GİB archive expect it."""

from lxml import etree


def serialize(root, *, pretty=False):
    """UTF-8 with an XML declaration; GİB hashes these exact bytes, so no re-indentation after signing."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)
