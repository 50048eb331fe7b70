from urllib.parse import urlencode


class L10nTrEdocBrowserMixin:
    """HttpCase on top of L10nTrEdocCase: the company's accounting administrator drives Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # without a layout, Send first opens the document layout configurator for administrators
        cls.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")
        cls.login = cls.env.user.login

    def _start(self, tour, **params):
        """Run a tour; it reads what only the test knows (sandbox port, names) from the start URL."""
        self.start_tour(f"/odoo?{urlencode(params)}", tour, login=self.login, timeout=180)

    def _receive_commercial_invoice(self):
        """A supplier (another sandbox company) sends us a TICARIFATURA; once fetched, a bill to answer."""
        document = self._l10n_tr_edoc_receive_invoice()
        self.assertEqual(document.state, "awaiting_response")
        return document
