import datetime
import threading

from psycopg2 import IntegrityError
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.orm.environments import Transaction
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import L10nTrEdocCase

TODAY = datetime.date(2026, 3, 10)


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocSeries(L10nTrEdocCase):
    def _series(self, prefix="ABC", kind="einvoice"):
        return self.env["l10n_tr_edoc.series"].create(
            {"company_id": self.company.id, "prefix": prefix, "kind": kind}
        )

    def test_numbers_are_gapless_per_series_and_year(self):
        series = self._series()
        numbers = [series._l10n_tr_edoc_take_number(TODAY, today=TODAY) for _i in range(3)]
        self.assertEqual(numbers, ["ABC2026000000001", "ABC2026000000002", "ABC2026000000003"])
        other = self._series("XYZ", "earchive")
        self.assertEqual(other._l10n_tr_edoc_take_number(TODAY, today=TODAY), "XYZ2026000000001")
        new_year = datetime.date(2027, 1, 1)
        self.assertEqual(series._l10n_tr_edoc_take_number(new_year, today=new_year), "ABC2027000000001")

    def test_dates_gib_would_refuse_are_refused_before_a_number_is_spent(self):
        series = self._series()
        series._l10n_tr_edoc_take_number(TODAY, today=TODAY)
        with self.assertRaisesRegex(UserError, f"dated {TODAY}; .* earlier date"):
            series._l10n_tr_edoc_take_number(TODAY - datetime.timedelta(days=1), today=TODAY)
        with self.assertRaisesRegex(UserError, "7 days back"):
            series._l10n_tr_edoc_take_number(TODAY - datetime.timedelta(days=8), today=TODAY)
        with self.assertRaisesRegex(UserError, "future"):
            series._l10n_tr_edoc_take_number(TODAY + datetime.timedelta(days=1), today=TODAY)
        self.assertEqual(series._l10n_tr_edoc_take_number(TODAY, today=TODAY), "ABC2026000000002")

    def test_prefix_must_be_three_characters_and_unique(self):
        self._series()
        for prefix in ("AB", "abc", "AB-"):
            with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
                self._series(prefix)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._series("ABC", "earchive")

    def test_most_specific_series_wins(self):
        general = self._series()
        journal = self.company_data["default_journal_sale"]
        specific = self.env["l10n_tr_edoc.series"].create(
            {"company_id": self.company.id, "prefix": "JRN", "kind": "einvoice", "journal_id": journal.id}
        )
        Series = self.env["l10n_tr_edoc.series"]
        self.assertEqual(Series._l10n_tr_edoc_find(self.company, "einvoice", journal=journal), specific)
        self.assertEqual(Series._l10n_tr_edoc_find(self.company, "einvoice"), general)
        self.assertFalse(Series._l10n_tr_edoc_find(self.company, "despatch"))

    def test_concurrent_workers_never_share_or_skip_a_number(self):
        """Four real database connections draw numbers at once; committed results must be 1..N."""
        dbname = self.env.cr.dbname
        with db_connect(dbname).cursor() as cr:
            # the test company exists only in the test's own transaction: use one the workers can see
            cr.execute(
                "INSERT INTO l10n_tr_edoc_series (company_id, kind, prefix, active) "
                "SELECT min(id), 'einvoice', 'CNC', true FROM res_company RETURNING id"
            )
            series_id = cr.fetchone()[0]
            cr.commit()  # pylint: disable=invalid-commit (workers must see the series)
        registry = self.env.registry
        drawn, errors = [], []

        def draw_one():
            """One sending transaction; on a serialization failure it starts over, as Odoo's request and
            cron runners do, so the losing transaction spends no number."""
            while True:
                with db_connect(dbname).cursor() as cr:
                    # the loading thread holds the registry lock: hand the loaded registry over
                    cr.transaction = Transaction(registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    try:
                        number = (
                            env["l10n_tr_edoc.series"]
                            .browse(series_id)
                            ._l10n_tr_edoc_take_number(TODAY, today=TODAY)
                        )
                        cr.commit()  # pylint: disable=invalid-commit (each draw is its own transaction)
                    except SerializationFailure:
                        cr.rollback()
                        continue
                    return number

        def worker():
            try:
                drawn.extend(draw_one() for _i in range(25))
            except Exception as error:  # reported by the main thread
                errors.append(error)

        try:
            threads = [threading.Thread(target=worker) for _i in range(4)]
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            self.assertFalse(errors)
            self.assertEqual(sorted(drawn), [f"CNC2026{n:09d}" for n in range(1, 101)])
        finally:
            with db_connect(dbname).cursor() as cr:
                cr.execute("DELETE FROM l10n_tr_edoc_series WHERE id = %s", [series_id])
                cr.commit()  # pylint: disable=invalid-commit (undo the committed setup)
