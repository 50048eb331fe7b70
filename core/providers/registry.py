"""Integrator classes by key; the ORM account's provider selection is built from here."""

from ..errors import ConfigurationError
from .izibiz import IzibizProvider, IzibizSandboxProvider
from .kolaysoft import KolaysoftProvider, KolaysoftSandboxProvider
from .nilvera import NilveraProvider, NilveraSandboxProvider

PROVIDERS = {
    cls.key: cls
    for cls in (
        IzibizProvider,
        IzibizSandboxProvider,
        KolaysoftProvider,
        NilveraProvider,
        KolaysoftSandboxProvider,
        NilveraSandboxProvider,
    )
}


def get_provider_class(key):
    try:
        return PROVIDERS[key]
    except KeyError:
        raise ConfigurationError(
            f"Unknown e-document provider {key!r}",
            code="tr_edoc.provider.unknown",
            params={"provider": key, "known": sorted(PROVIDERS)},
        ) from None


def provider_choices():
    """(key, label) pairs in registration order, for a selection field."""
    return [(key, cls.label) for key, cls in PROVIDERS.items()]


def is_sandbox(key):
    """Whether a provider key points at the loopback sandbox (then the account's sandbox URL is used)."""
    return key == "sandbox" or key.startswith("sandbox_")
