import uuid
from urllib.parse import urlencode

from ..core.documents import Identifier
from ..core.providers.base import OutgoingDocument
from ..core.providers.izibiz import IzibizSandboxProvider
from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.tests import factories
from ..core.ubl import build_invoice, serialize

SUPPLIER = DEMO_COMPANIES[1]


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
        supplier = IzibizSandboxProvider(
            username=SUPPLIER.username, password=SUPPLIER.password, base_url=self.sandbox_server.url
        )
        invoice = factories.invoice(
            profile="TICARIFATURA",
            number=uuid.uuid4().int % 10**8,
            uuid=str(uuid.uuid4()).upper(),
            supplier=factories.seller(identifications=(Identifier(value=SUPPLIER.vkn, scheme_id="VKN"),)),
            customer=factories.company_buyer(
                identifications=(Identifier(value=self.demo.vkn, scheme_id="VKN"),)
            ),
        )
        supplier.send_invoices(
            [
                OutgoingDocument(
                    uuid=invoice.uuid,
                    number=invoice.id,
                    xml=serialize(build_invoice(invoice)),
                    receiver_vkn=self.demo.vkn,
                    receiver_alias=self.demo.pk_alias,
                )
            ]
        )
        self.edoc_account._l10n_tr_edoc_fetch_incoming_invoices()
        document = self.env["l10n_tr_edoc.document"].search(
            [("uuid", "=", invoice.uuid), ("direction", "=", "in")]
        )
        self.assertEqual(document.state, "awaiting_response")
        return document
