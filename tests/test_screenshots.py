import base64
import contextlib
import io
import json
import os
from pathlib import Path
from typing import NamedTuple

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import REPO
from .common_outgoing import L10nTrEdocOutgoingCase
from .common_tours import L10nTrEdocBrowserMixin
from .test_despatch_common import L10nTrEdocDespatchCase


class Screen(NamedTuple):
    """One documentation screenshot.

    ``target`` is a URL path or an action xmlid, optionally followed by ``/{record}`` where record is a
    key of the records the test prepares; ``click`` is clicked once the view has loaded (a tab, a
    button opening a dialog) and ``wait`` is what must then be on the page.
    """

    file: str
    target: str
    click: str | None = None
    wait: str = ".o_action_manager .o_view_controller"


SCREENS = [
    Screen("dashboard.png", "l10n_tr_edoc.action_l10n_tr_edoc_dashboard", wait=".o_kanban_record"),
    Screen(
        "accounting_dashboard.png", "account.open_account_journal_dashboard_kanban", wait=".o_kanban_record"
    ),
    Screen("integrator_account.png", "l10n_tr_edoc.action_l10n_tr_edoc_account/{account}"),
    Screen(
        "invoice_edocuments.png",
        "account.action_move_out_invoice/{sent_invoice}",
        click=".o_notebook a.nav-link[name=l10n_tr_edoc]",
        wait=".o_notebook .o_field_widget[name=l10n_tr_edoc_document_ids] .o_data_row",
    ),
    Screen(
        "send_wizard.png",
        "account.action_move_out_invoice/{draft_invoice}",
        click=".o_statusbar_buttons button[name=action_invoice_sent]",
        wait=".modal .o_account_move_send_wizard input#tr_edoc",
    ),
    Screen(
        "answer_wizard.png",
        "account.action_move_in_invoice/{bill}",
        click=".o_statusbar_buttons button[name=action_l10n_tr_edoc_accept]",
        wait=".modal .o_field_widget[name=answer]",
    ),
    Screen("edocuments_list.png", "l10n_tr_edoc.action_l10n_tr_edoc_document"),
    Screen("call_log.png", "l10n_tr_edoc.action_l10n_tr_edoc_event"),
    Screen(
        "delivery_eirsaliye.png",
        "/odoo/action-stock.action_picking_tree_outgoing/{delivery}?menu_id={inventory}",
        click=".o_notebook a.nav-link[name=l10n_tr_edoc_despatch]",
        wait=".o_notebook .o_field_widget[name=l10n_tr_edoc_uuid]",
    ),
]

# Resolves once `selector` is on the page and the DOM has been still for half a second (no RPC pending).
SETTLED_JS = """(async (selector) => {
    if (!document.querySelector(selector) || document.querySelector('.o_loading_indicator, .o_blockUI')) {
        return false;
    }
    await new Promise((resolve) => {
        let timer = setTimeout(resolve, 500);
        new MutationObserver((mutations, observer) => {
            clearTimeout(timer);
            timer = setTimeout(() => { observer.disconnect(); resolve(); }, 500);
        }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    });
    return !document.querySelector('.o_loading_indicator, .o_blockUI');
})(%s)"""
MAX_BYTES = 300 * 1024


@tagged("-standard", "l10n_tr_edoc_screenshots", "post_install", "-at_install")
class TestL10nTrEdocScreenshots(
    L10nTrEdocBrowserMixin, L10nTrEdocOutgoingCase, L10nTrEdocDespatchCase, HttpCase
):
    """Documentation screenshots of the main screens, on realistic data; never part of the normal suite."""

    def _prepare_records(self):
        self.company.name = self.demo.title
        self.env.user.write({"name": "Ayşe Yılmaz", "signature": "Ayşe Yılmaz, Muhasebe"})
        self.warehouse.name = "Kadıköy Depo"
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.registered.email = "muhasebe@ege.example"
        sent = self._post(self.registered)
        earsiv = self._post(self.unregistered)
        self.assertFalse(sent._l10n_tr_edoc_send() or earsiv._l10n_tr_edoc_send())
        self._run_cron()
        draft_invoice = self._post(self.registered, [(3, 2750.0, self.kdv20)])
        bill = self._receive_commercial_invoice().move_id
        delivery = self._delivery()
        self.assertEqual(delivery._l10n_tr_edoc_send_despatch().state, "sent")
        return {
            "account": self.edoc_account.id,
            "sent_invoice": sent.id,
            "draft_invoice": draft_invoice.id,
            "bill": bill.id,
            "delivery": delivery.id,
            "inventory": self.env.ref("stock.menu_stock_root").id,
        }

    def _url(self, target, records):
        target = target.format(**records)
        return target if target.startswith("/") else f"/odoo/action-{target}"

    def _settle(self, browser, selector):
        self.assertTrue(browser._wait_ready(SETTLED_JS % json.dumps(selector), timeout=60), selector)

    def test_screenshots(self):
        folder = Path(
            os.environ.get("L10N_TR_EDOC_SCREENSHOT_DIR") or REPO / "static" / "description" / "screenshots"
        )
        folder.mkdir(parents=True, exist_ok=True)
        if lang := os.environ.get("L10N_TR_EDOC_SCREENSHOT_LANG"):
            self._use_language(lang)
        records = self._prepare_records()
        browser = ChromeBrowser(self)
        with self.allow_requests(browser=browser), contextlib.ExitStack() as stack:
            stack.callback(self._wait_remaining_requests)
            stack.enter_context(browser.cleanup)
            self.authenticate(self.login, self.login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            for screen in SCREENS:
                browser.navigate_to(self.base_url() + self._url(screen.target, records), wait_stop=True)
                self._settle(browser, ".o_action_manager .o_view_controller")
                if screen.click:
                    browser._websocket_request(
                        "Runtime.evaluate",
                        params={"expression": f"document.querySelector({json.dumps(screen.click)}).click()"},
                    )
                self._settle(browser, screen.wait)
                shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
                path = folder / screen.file
                self._save_png(base64.b64decode(shot["data"]), path)
                self.assertLess(path.stat().st_size, MAX_BYTES, path)

    def _use_language(self, lang):
        """Screens in another language (e.g. tr_TR): Odoo's and the addon's own translations."""
        self.env["res.lang"]._activate_lang(lang)
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        self.env["ir.module.module"]._load_module_terms(installed.mapped("name"), [lang])
        self.env.user.lang = lang

    def _save_png(self, data, path):
        """A 256-colour palette keeps UI screenshots sharp at a fraction of the size."""
        image = Image.open(io.BytesIO(data)).convert("RGB")
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
