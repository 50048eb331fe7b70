import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..core.tests.package_zips import folder_zip, serve_files
from ..core.validation.package import is_package
from ..models.res_config_settings import PARAM_DIR, PARAM_RECORDS, PARAM_URLS
from .common import reference_dir
from .common_outgoing import L10nTrEdocOutgoingCase
from .test_despatch_common import L10nTrEdocDespatchCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocGibPackage(L10nTrEdocOutgoingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gib = reference_dir() / "gib-ubl-tr"
        cls.zips = {key: folder_zip(gib, key) for key in ("ubl", "efatura")}
        cls.evil = folder_zip(gib, "ubl", extra=[("../evil.xsd", b"<evil/>")])
        cls.urls = cls.enterClassContext(
            serve_files(
                {"ubl.zip": cls.zips["ubl"], "efatura.zip": cls.zips["efatura"], "evil.zip": cls.evil}
            )
        )

    def setUp(self):
        super().setUp()
        self.root = Path(tempfile.mkdtemp(prefix="l10n_tr_edoc-gib-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        root = self.root
        self.patch(
            self.registry["res.config.settings"], "_l10n_tr_edoc_gib_package_root", lambda self: root / "pkg"
        )
        self.params = self.env["ir.config_parameter"].sudo()

    def _download(self, ubl="ubl.zip"):
        self.params.set_param(PARAM_URLS["ubl"], self.urls[ubl])
        self.params.set_param(PARAM_URLS["efatura"], self.urls["efatura.zip"])
        return self.env["res.config.settings"].create({}).action_l10n_tr_edoc_download_gib_package()

    def test_download_then_send_valid_and_refuse_schematron_invalid(self):
        move = self._post(self.registered)
        alerts = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
            .alerts
        )
        self.assertEqual(alerts["l10n_tr_edoc_gib_package_off"]["level"], "info")
        self.assertIn("off", self.env["res.config.settings"].create({}).l10n_tr_edoc_gib_package_status)

        self._download()
        folder = Path(self.params.get_param(PARAM_DIR))
        self.assertEqual(folder.parent, self.root / "pkg")
        self.assertTrue(is_package(folder))
        self.assertTrue((folder / "e-FaturaPaketi" / "schematron" / "UBL-TR_Main_Schematron.xml").is_file())
        records = json.loads(self.params.get_param(PARAM_RECORDS))
        self.assertEqual(
            [(r["url"], r["size"], r["sha256"]) for r in records],
            [
                (self.urls[f"{key}.zip"], len(data), hashlib.sha256(data).hexdigest())
                for key, data in self.zips.items()
            ],
        )
        settings = self.env["res.config.settings"].create({})
        self.assertIn("on (package dated", settings.l10n_tr_edoc_gib_package_status)
        self.assertIn(records[0]["sha256"], settings.l10n_tr_edoc_gib_package_downloads)

        self._send(move)
        self.assertIn(move.l10n_tr_edoc_state, ("sent", "delivered"))

        # GİB's currency list lacks ZiG, which Odoo knows: only the schematron refuses it
        zig = self.setup_other_currency("ZIG")
        bad = self._post(self.registered, currency_id=zig.id)
        self.assertFalse([issue for issue in bad._l10n_tr_edoc_check() if issue.is_error])
        sends = self.sandbox.request_count("SendInvoice")
        errors = bad._l10n_tr_edoc_send()
        self.assertIn("CurrencyCode", errors[bad])
        self.assertIn("ZIG", errors[bad])
        self.assertEqual(self.sandbox.request_count("SendInvoice"), sends, "nothing reached the integrator")
        self.assertFalse(
            [d for d in self.sandbox.documents(vkn=self.demo.vkn) if d.uuid == bad.l10n_tr_edoc_uuid]
        )
        document = bad.l10n_tr_edoc_document_id
        self.assertEqual((document.state, document.error_code), ("ready", "tr_edoc.package.invalid"))
        self.assertTrue(document.xml_attachment_id.raw, "the generated XML is kept for the retry")
        with self.assertRaisesRegex(UserError, "CurrencyCode"):
            bad.action_l10n_tr_edoc_send()

    def test_new_package_reports_the_documents_it_would_refuse(self):
        good = self._post(self.registered)
        self._send(good)
        self.assertTrue(good.l10n_tr_edoc_document_id.xml_attachment_id)
        action = self._download()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.client", "tag": "reload"})

        # GİB's currency list lacks ZiG: the package keeps this one unsent, with its XML
        bad = self._post(self.registered, currency_id=self.setup_other_currency("ZIG").id)
        bad._l10n_tr_edoc_send()
        document = bad.l10n_tr_edoc_document_id
        self.assertEqual(document.state, "ready")
        settings = self.env["res.config.settings"].create({})
        impact = settings._l10n_tr_edoc_gib_package_impact(settings.l10n_tr_edoc_gib_package_dir)
        self.assertEqual([found for found, _messages in impact], [document])
        self.assertIn("ZIG", "\n".join(impact[0][1]))
        action = settings.action_l10n_tr_edoc_gib_package_impact()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertTrue(action["params"]["sticky"])
        self.assertIn(document.display_name, action["params"]["message"])
        self.assertNotIn(good.l10n_tr_edoc_document_id.display_name, action["params"]["message"])

        settings.l10n_tr_edoc_gib_package_dir = str(self.root)
        with self.assertRaisesRegex(UserError, "is not a GİB package folder"):
            settings.action_l10n_tr_edoc_gib_package_impact()

    def test_the_cron_checks_each_invoice_while_building_the_next(self):
        """The cron hands each XML to checking children started once for its run: the invoice GİB's
        schematron refuses stays ready with its reasons and its XML, the others are sent."""
        action = self._download()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        zig = self.setup_other_currency("ZIG")
        lira = self.company.currency_id
        moves = [self._post(self.registered, currency_id=(zig if n == 1 else lira).id) for n in range(3)]
        documents = [move._l10n_tr_edoc_ensure_document(self.edoc_account) for move in moves]
        for move, document in zip(moves, documents, strict=True):
            self.assertIsNone(move._l10n_tr_edoc_generate(document))
        started = []
        stream_class = type(self.env["l10n_tr_edoc.document"])
        original = stream_class._l10n_tr_edoc_validation_stream

        def counted(records, expected):
            started.append(expected)
            return original(records, expected)

        sends = self.sandbox.request_count("SendInvoice")
        with patch.object(stream_class, "_l10n_tr_edoc_validation_stream", counted):
            self._run_cron()
        self.assertEqual(started, [3], "one stream for the run, sized for its documents")
        good, bad, other = documents
        self.assertEqual((bad.state, bad.error_code), ("ready", "tr_edoc.package.invalid"))
        self.assertIn("ZIG", bad.error_message)
        self.assertTrue(bad.xml_attachment_id.raw, "the generated XML is kept for the retry")
        self.assertEqual({good.state, other.state} - {"sent", "delivered"}, set())
        self.assertEqual(
            self.sandbox.request_count("SendInvoice"), sends + 1, "both good ones in one request"
        )

    def test_zip_slip_is_refused_and_nothing_changes(self):
        self._download()
        before = (self.params.get_param(PARAM_DIR), self.params.get_param(PARAM_RECORDS))
        listing = sorted(p.name for p in (self.root / "pkg").iterdir())
        with self.assertRaisesRegex(UserError, "outside the package"):
            self._download(ubl="evil.zip")
        self.assertEqual((self.params.get_param(PARAM_DIR), self.params.get_param(PARAM_RECORDS)), before)
        self.assertEqual(sorted(p.name for p in (self.root / "pkg").iterdir()), listing)
        self.assertFalse((self.root / "evil.xsd").exists())

    def test_only_system_administrators_download(self):
        manager = self._l10n_tr_edoc_user("gib_pkg_manager", "manager")
        settings = self.env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            settings.with_user(manager).action_l10n_tr_edoc_download_gib_package()
        self.assertFalse(self.params.get_param(PARAM_DIR))


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocGibPackageDespatch(L10nTrEdocDespatchCase):
    def test_folder_on_disk_turns_the_check_on_and_a_valid_despatch_goes_out(self):
        params = self.env["ir.config_parameter"].sudo()
        Move = self.env["account.move"]
        params.set_param(PARAM_DIR, str(reference_dir() / "gib-ubl-tr" / "UBLTR_1.2.1_Paketi"))
        self.assertIn("is not a GİB package folder", Move._l10n_tr_edoc_gib_package_status())
        self.assertIsNone(Move._l10n_tr_edoc_gib_package_dir())
        params.set_param(PARAM_DIR, str(reference_dir() / "gib-ubl-tr"))
        self.assertIn("on (package dated", Move._l10n_tr_edoc_gib_package_status())
        self.assertIn("release 20260312 for every date", Move._l10n_tr_edoc_gib_package_status())
        document = self._delivery()._l10n_tr_edoc_send_despatch()
        self.assertEqual(document.state, "sent", document.error_message)
        self.assertEqual(
            self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_gib_messages([document.xml_attachment_id.raw]),
            [[]],
        )
        # an element the XSD does not know, right after the version: only the XSD can refuse it
        broken = re.sub(
            rb"(UBLVersionID>2\.1</cbc:UBLVersionID>)",
            rb"\1<cbc:Bogus>x</cbc:Bogus>",
            document.xml_attachment_id.raw,
        )
        self.assertNotEqual(broken, document.xml_attachment_id.raw)
        with self.assertRaisesRegex(UserError, "Bogus.*not expected"):
            document._l10n_tr_edoc_gib_check_before_send(broken, document.name)
