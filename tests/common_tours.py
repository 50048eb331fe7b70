import logging
from urllib.parse import urlencode

LANGUAGES = ("en_US", "tr_TR")
"""Every journey tour runs for an English and for a Turkish user: same steps, language-free selectors."""


class _LogErrors(logging.Handler):
    """What the server logged as an error, or with a traceback, while a tour ran."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


class L10nTrEdocBrowserMixin:
    """HttpCase on top of L10nTrEdocCase: the company's accounting administrator drives Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # without a layout, Send first opens the document layout configurator for administrators
        cls.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")
        cls.login = cls.env.user.login

    def _use_language(self, lang):
        """The tour's user reads the addon (and the screens around it) in ``lang``."""
        if lang != "en_US":
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(
                ["base", "web", "mail", "product", "account", "stock", "l10n_tr_edoc"], [lang], overwrite=True
            )
        self.env.user.lang = lang

    def _start(self, tour, **params):
        """Run a tour; it reads what only the test knows (sandbox port, names) from the start URL.

        The tour fails when the server logged an error or a traceback meanwhile: a user who saw
        nothing wrong may still have hit a crash behind the screen.
        """
        errors = _LogErrors()
        root = logging.getLogger()
        root.addHandler(errors)
        try:
            self.start_tour(f"/odoo?{urlencode(params)}", tour, login=self.login, timeout=180)
        finally:
            root.removeHandler(errors)
        self.assertFalse(
            [errors.format(record) for record in errors.records], f"errors in the server log during {tour}"
        )

    def _receive_commercial_invoice(self):
        """A supplier (another sandbox company) sends us a TICARIFATURA; once fetched, a bill to answer."""
        document = self._l10n_tr_edoc_receive_invoice()
        self.assertEqual(document.state, "awaiting_response")
        return document
