"""The non-İzibiz front-ends the sandbox serves next to İzibiz's services, all on one store."""

from pathlib import Path

from .kolaysoft import KolaysoftFrontend
from .nilvera import NilveraFrontend


def integrator_frontends(sandbox, kolaysoft_wsdl_dir):
    """Nilvera always; Kolaysoft when its WSDL folder is there (its contracts drive the parsing)."""
    frontends = [NilveraFrontend(sandbox)]
    if kolaysoft_wsdl_dir and Path(kolaysoft_wsdl_dir).is_dir():
        frontends.append(KolaysoftFrontend(sandbox, kolaysoft_wsdl_dir))
    return frontends
