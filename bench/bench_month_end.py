"""Month end: N posted invoices sent to GİB by the send cron, through the sandbox, GİB's package on.

Runs inside ``odoo-bin shell`` on a database where l10n_tr_edoc is installed; it creates its own company,
customers and N posted invoices (not timed: 1–50 lines, TEMELFATURA / TICARIFATURA / EARSIVFATURA, KDV 20 / 10
/ 1 %, TRY / USD / EUR), queues them as ready to send, then times one run of
``_cron_l10n_tr_edoc_send_and_poll`` (send, then the status poll) against the sandbox, run in its own process
(what it keeps is not the worker's memory). It commits (the cron does): use a throwaway database. Options come
from the environment: ``BENCH_N`` (default 5000), ``BENCH_SAVE`` (write the figures as JSON),
``BENCH_BASELINE`` (a JSON saved by a run on main: each figure is printed beside its ratio to it),
``BENCH_PROFILE`` (a file for the cron's cProfile; the top is printed), ``BENCH_SQL=1`` (queries counted by
the addon's line that caused them). From the repository root, after scripts/setup.sh:

    source scripts/common.sh; addons=$(addons_dir); clone_db bench_me
    odoo_bin "$addons" -d bench_me -i l10n_tr_edoc --stop-after-init
    BENCH_N=1000 odoo_bin "$addons" shell -d bench_me --no-http < bench/bench_month_end.py

The fixture: creating and posting invoices through the ORM costs ~0.8 s each here (over an hour for
5,000), so only the first ``ORM_INVOICES`` (150) are made that way, from the same seeded random mix; every
stored value on them is Odoo's own. The other N - 150 are copies of those, round robin (partners go by
three, so the mix of customers is kept; currencies and line counts follow the 150), made in SQL: each
move row with a new id, the next name and sequence number of its journal and prefix, the name replaced
wherever it was repeated (payment reference, the lines' move name, the payment term's label), new
ETTN and other UUIDs (the document's ETTN must be unique per company), its lines, their taxes and tags and
its "Invoice Created" message. The column lists come from the catalog, so a column added by a module is
copied too. Anything else that points at the originals (payments, reconciliations, attachments,
followers, a hash chain) stops the fixture rather than be left out; no stored field of another model
depends on moves or their lines in this database. Checked: at N=300 the copies and 300 ORM invoices end
the same way (states, GİB status codes, the same integrator requests, no errors), and
``_l10n_tr_edoc_to_invoice`` gives a copy the same invoice as its original apart from the ETTN. The fixture
of 5,000 (128,885 lines) took 179 s, 70 s of it queueing, with a load average of 3.

Stages are measured by wrapping the methods that do them (exclusive time: a nested stage's time is not
counted twice). The XSD and schematron checks run in streaming children while the worker builds the next
invoices, so what shows is the worker's wait for their results; XSD and schematron are also timed apart
in this process (one core) on a sample of 300 of the XMLs. Memory is sampled from /proc: the worker's
and each checking child's own resident size.

Where the time went (cProfile and ``BENCH_SQL=1`` of the cron on main, 100–500 invoices, 2 shared cores):
- build, ~60 ms per invoice: almost all of it the Karekod PNG baked into the embedded stylesheet; qrcode
  maps the data eight times and scores each mask module by module in Python (~35 ms), then PIL draws the
  image one box at a time. Now one mapping, the eight masks scored on bit rows (same mask, same PNG,
  byte for byte: core/tests/test_qr.py) and the image scaled from packed rows: 28 -> 14 ms.
- ORM gathering, ~80 ms: every move was turned into a core invoice twice (once for the pre-flight check,
  once numbered); now once, checked, then numbered. The lines' taxes and tags were read per invoice.
- queries, 38 per invoice: a document write (~3 per invoice) makes the ORM look up the moves and
  pickings of the document (2 queries each time), the "submit" and "accepted" events were written one
  document at a time, the move's ``is_move_sent`` write re-read its lines' taxes, the series was searched
  twice per invoice with up to two searches each, ``base.TRY`` was looked up per invoice. What remains is
  mostly the chatter's state tracking (two messages with their tracking values per invoice, posted by
  mail one record at a time), the counter's three statements per number and the attachment.
- GİB's schematron in the validation child, ~5 ms per 20-line invoice in Saxon (~1 ms of it parsing the
  document into Saxon, ~2 ms a fixed cost per transform; the most expensive rule is the
  ``//@currencyID`` code-list check): one child for the whole batch used one core; now the batch is split
  over the cores, each child compiling the schematron once for its share.
- memory: the cron sent every queued document in one transaction, so all XMLs stayed in the ORM cache;
  now batches of 500 per kind are committed (``_commit_progress``) and the cache dropped in between.
- lxml: ``SubElement`` ~1 µs per element, an attribute dict ~1 µs more, the ``{ns}tag`` string made anew
  each time, ``value == ""`` on a Decimal going through the ``numbers`` ABCs. Since then the builders
  write escaped text instead of elements (core/ubl/namespaces.py; bench_build_validate.py).

- second pass (N = 5,000, cProfile of 150–500): GİB's checks were the largest stage (each batch of 500
  started its children anew, ~1 s each to compile the schematron, and the worker waited for them): now
  children for the whole run, fed as each XML is built (``validate --stream``), replaced after 400
  documents because Saxon's memory only grows (441 MB after 2,500). The Karekod: qrcode's Reed-Solomon
  division with polynomial objects and bit-by-bit writing, and the regex mask scoring, were most of the
  14 ms; now integers and log tables, the mask scored on all lines at once (same PNG): ~2 ms. The lines'
  taxes: Odoo's ``_get_rounded_base_and_tax_lines`` per invoice, now the stored line amounts when they
  provably are its answer. The stylesheet was parsed and serialised per invoice; now filled in.
  What remains in ``other`` is mostly the chatter: each state change is logged on the document and on
  its invoice, one message at a time (~4.7 messages per invoice in a send-and-poll run).
- third pass (py-spy of the worker and of the sandbox, N = 500–1,000, ``BENCH_SQL=1``): the chatter was
  a third of the worker's time: mail.thread logs each record's tracked change with a create of its own,
  and the invoice logs its e-document state (a related field, which inherits ``tracking``) beside the
  document; now the messages of one commit are written with one create per model, the same messages
  (``gathered_tracking_logs``; ~1 ms a message remains, mostly the ORM matching each message to its
  record's ``message_ids``). Numbering was three statements, a series search and a read of the counter
  per invoice; now one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``, the series looked up once per
  batch and the checks run under a number of the right form and year. A write that repeated a
  document's unchanged state made the ORM search the moves and pickings that show it; now the state is
  written only where it changes, and a poll's e-Arşiv statuses with one write per outcome. A batch's
  attachments are made with one create. The sandbox, on the same two cores, scanned every stored
  document for each ETTN of a status query and each document of an upload (quadratic: 48 s of a 178 s
  run); now by key and in one pass. The Reed-Solomon remainder is one int (Karekod 3.6 -> 2.9 ms) and
  İzibiz uploads are zipped at deflate's level 1 (1.6 -> 0.7 ms an invoice). What the worker spends
  now, per invoice: the ORM gathering (~8 ms), the build (~7 ms, 3 of them the Karekod), the chatter
  (~4 ms), the integrator calls (~4 ms, the sandbox's work included).

Measured on 2 cores with other work running (load average in brackets), 19.7–20.1 queries per invoice
until the third pass, integrator requests ⌈N/100⌉ sends + ⌈N/100⌉ status queries + Login/Logout
(105 at N = 5,000):
- before issue 25: 3.4 invoices/s at N = 500 (4–5), worker 374 MB;
- first pass: 7.6/s at N = 500 (4–5); at N = 5,000, 7.5/s, 668.6 s (3.5), worker 965 MB (the sandbox
  then ran in the worker and kept every document), children 933 MB (a rusage maximum: the fork of a big
  worker);
- second pass: N = 5,000 in 268.0 s, 18.7 invoices/s (2.3–2.6, the test suite running beside it); alone,
  226.6 s, 22.1 invoices/s (2.2–3.0), worker 320.5 MB; on the final code alone 337.1 s, 14.8 invoices/s
  (0.9–1.4, but the host was slower then: the checks apart fell from 215 to 168 schematron/s in this
  same process), worker 319.8 MB, checking children 288.3 MB, 19.7 queries per invoice, 105 requests.
- third pass, N = 5,000 alone: 177.9 s after the chatter and the numbering (0.9–1.1), 168.1 s after the
  sandbox's scans (1.0–1.4), 149.4 s after the attachments, the Karekod and the ZIP (1.1–1.3), 139.5 s
  on the final code (0.9–1.5): 35.8 invoices/s, 1.6 queries per invoice, 105 requests, worker
  351.6 MB, checking children 247.5 MB (the children's figures before counted a child between fork and
  exec, still the worker's copy).
"""

import collections
import cProfile
import datetime
import itertools
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from odoo import Command

import odoo.addons.l10n_tr_edoc as addon
from odoo.addons.l10n_tr_edoc.core.providers import izibiz as izibiz_module
from odoo.addons.l10n_tr_edoc.core.sandbox.demo import DEMO_COMPANIES
from odoo.addons.l10n_tr_edoc.core.validation import package as package_module
from odoo.addons.l10n_tr_edoc.core.validation.schematron import SchematronValidator
from odoo.addons.l10n_tr_edoc.core.validation.xsd import XsdValidator
from odoo.addons.l10n_tr_edoc.models import account_move as account_move_module

N = int(os.environ.get("BENCH_N", "5000"))
# invoices created and posted by the ORM; the rest of the N are SQL copies of them (see the docstring)
ORM_INVOICES = 150
# the shared reference folder beside the clone, as the tests find it (scripts/common.sh exports it)
REPO = Path(addon.__file__).resolve().parent
REFERENCE = Path(os.environ.get("L10N_TR_EDOC_REFERENCE") or REPO.parent / "shared" / "reference")
PACKAGE = REFERENCE / "gib-ubl-tr"
UNREGISTERED_VKN = "9000068418"
APART_SAMPLE = 300
STAGES = (
    "orm",
    "numbering",
    "build",
    "attachments",
    "waiting for checks",
    "integrator",
    "state writes",
    "chatter",
    "other",
)


class StageClock:
    """Exclusive time per stage: entering a stage pauses the one it was called from."""

    def __init__(self):
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self.stack = []
        self.mark = None

    def _switch(self, now):
        if self.stack:
            self.seconds[self.stack[-1]] += now - self.mark
        self.mark = now

    def wrap(self, owner, name, stage):
        original = getattr(owner, name)
        clock = self

        def timed(*args, **kwargs):
            clock._switch(time.perf_counter())
            clock.stack.append(stage)
            try:
                return original(*args, **kwargs)
            finally:
                clock._switch(time.perf_counter())
                clock.stack.pop()

        setattr(owner, name, timed)


class PeakRss(threading.Thread):
    """Resident memory of the worker and of its checking children, sampled every 50 ms while the cron
    runs (the children's own figure: a rusage maximum would count a child forked from a big worker)."""

    def __init__(self, ignored=()):
        super().__init__(daemon=True)
        self.peak = self.child_peak = 0
        self.ignored = set(ignored)  # the sandbox: the integrator's memory, not ours
        self.running = True

    def run(self):
        page = os.sysconf("SC_PAGE_SIZE")
        while self.running:
            self.peak = max(self.peak, _rss(os.getpid(), page))
            for child in set(_children(os.getpid())) - self.ignored:
                self.child_peak = max(self.child_peak, _rss(child, page))
            time.sleep(0.05)


def _rss(pid, page):
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * page
    except OSError:  # gone meanwhile
        return 0


def _children(pid):
    """The checking children the worker's main thread started. Only once they run the checker: between
    fork and exec a child still shows the worker's own memory (that was counted as the child's before)."""
    try:
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [child for child in children if b"validate" in _cmdline(child)]


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return b""


SANDBOX = """
import json, sys
from pathlib import Path
from core.sandbox import Sandbox
sandbox = Sandbox(wsdl_dir=Path(sys.argv[1]))
sandbox.seed_demo()
with sandbox.serve(host="127.0.0.1", port=0) as server:
    print(server.url, flush=True)
    for _line in sys.stdin:  # each line asks for the requests counted so far
        print(json.dumps(dict(sandbox._counts)), flush=True)
"""


class SandboxProcess:
    """The sandbox in its own process: the documents it keeps must not count in the worker's memory."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SANDBOX, str(REFERENCE / "wsdl" / "izibiz")],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = self.process.stdout.readline().strip()
        return self

    def counts(self):
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def __exit__(self, *_exc):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _setup(env, sandbox_url):
    turkey = env.ref("base.tr")
    company = env["res.company"].create(
        {
            "name": "Ay Sonu Ticaret A.Ş.",
            "vat": DEMO_COMPANIES[0].vkn,
            "country_id": turkey.id,
            "currency_id": env.ref("base.TRY").id,
            "street": "Atatürk Caddesi 1",
            "city": "Kadıköy",
            "state_id": env.ref("base.state_tr_34").id,
            "l10n_tr_edoc_tax_office": "Kadıköy",
        }
    )
    env["account.chart.template"].try_loading("tr", company=company, install_demo=False)
    env = env(context={**env.context, "allowed_company_ids": [company.id]})
    env.user.company_ids |= company
    account = env["l10n_tr_edoc.account"].create(
        {
            "company_id": company.id,
            "provider": "sandbox",
            "sandbox_url": sandbox_url,
            "username": DEMO_COMPANIES[0].username,
            "password": DEMO_COMPANIES[0].password,
            "sender_alias": DEMO_COMPANIES[0].gb_alias,
            "receiver_alias": DEMO_COMPANIES[0].pk_alias,
        }
    )
    account._l10n_tr_edoc_sync_gib_users(full=True)
    env["l10n_tr_edoc.series"].create(
        [
            {"company_id": company.id, "prefix": prefix, "kind": kind}
            for prefix, kind in (("ABC", "einvoice"), ("EAR", "earchive"))
        ]
    )
    env["ir.config_parameter"].sudo().set_param("l10n_tr_edoc.gib_package_dir", str(PACKAGE))
    today = datetime.date.today()
    for code, rate in (("USD", 0.0243), ("EUR", 0.0211)):
        currency = env.ref(f"base.{code}")
        currency.active = True
        env["res.currency.rate"].create(
            {"currency_id": currency.id, "company_id": company.id, "name": today, "rate": rate}
        )
    common = {"is_company": True, "country_id": turkey.id, "street": "Cumhuriyet Bulvarı 5"}
    ege = DEMO_COMPANIES[1]
    Partner = env["res.partner"]
    partners = Partner.create(
        [
            {
                **common,
                "name": ege.title,
                "vat": ege.vkn,
                "city": "Konak",
                "state_id": env.ref("base.state_tr_35").id,
                "l10n_tr_edoc_tax_office": "Konak",
                "l10n_tr_edoc_einvoice_profile": profile,
            }
            for profile in ("TEMELFATURA", "TICARIFATURA")
        ]
    )
    partners |= Partner.create(
        {
            **common,
            "name": "Marmara Perakende A.Ş.",
            "vat": UNREGISTERED_VKN,
            "city": "Üsküdar",
            "state_id": env.ref("base.state_tr_34").id,
            "l10n_tr_edoc_tax_office": "Üsküdar",
        }
    )
    account._l10n_tr_edoc_sync_gib_users(full=True)
    products = env["product.product"].create(
        [{"name": f"Ürün {n}", "default_code": f"P-{n:03d}"} for n in range(1, 21)]
    )
    chart = env["account.chart.template"].with_company(company)
    taxes = [chart.ref(xmlid) for xmlid in ("tr_s_20", "tr_s_10", "tr_s_1")]
    return env, company, account, partners, products, taxes


def _create_invoices(env, company, partners, products, taxes):
    """N posted invoices: the first ORM_INVOICES created and posted by the ORM, the rest cloned from them."""
    rng = random.Random(25)
    currencies = [env.ref("base.TRY")] * 8 + [env.ref("base.USD"), env.ref("base.EUR")]
    moves = env["account.move"]
    batch = []
    distinct = min(N, ORM_INVOICES)
    for n in range(distinct):
        batch.append(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": partners[n % len(partners)].id,
                "currency_id": rng.choice(currencies).id,
                "invoice_date": datetime.date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": rng.choice(products).id,
                            "quantity": rng.randint(1, 9),
                            "price_unit": rng.randint(100, 99999) / 100,
                            "tax_ids": rng.choice(taxes).ids,
                        }
                    )
                    for _line in range(rng.randint(1, 50))
                ],
            }
        )
        if len(batch) == 50 or n == distinct - 1:
            created = env["account.move"].create(batch)
            created.action_post()
            moves |= created
            batch = []
            env.cr.commit()  # pylint: disable=invalid-commit
            env.invalidate_all()
    if distinct < N:
        moves |= _clone_posted(env, moves, N - distinct)
        env.cr.commit()  # pylint: disable=invalid-commit
    return moves


def _columns(cr, table):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s AND column_name != 'id'"
        " ORDER BY ordinal_position",
        [table],
    )
    return cr.fetchall()


def _copied(columns, overrides, source="o"):
    """The column list and the SELECT expressions copying a row, text equal to the move's name renamed."""
    names, expressions = [], []
    for column, data_type in columns:
        names.append(f'"{column}"')
        if column in overrides:
            expressions.append(overrides[column])
        elif data_type in ("character varying", "text"):
            # the name is repeated in payment_reference, the lines' move_name and the payment term's label
            copied = f'{source}."{column}"'
            expressions.append(f"CASE WHEN {copied} = src.name THEN map.name ELSE {copied} END")
        else:
            expressions.append(f'{source}."{column}"')
    return ", ".join(names), ", ".join(expressions)


def _fresh_uuid(column):
    """A new random UUID in the case of the original's (the ETTN is upper case, Nilvera's lower)."""
    return (
        f'CASE WHEN o."{column}" IS NULL THEN NULL WHEN o."{column}" = upper(o."{column}")'
        f" THEN upper(gen_random_uuid()::text) ELSE gen_random_uuid()::text END"
    )


def _clone_posted(env, originals, count):
    """``count`` posted moves copied row by row in SQL from ``originals``, round robin, each with its own
    id, name, sequence number, payment reference, ETTN and other UUIDs; their lines, the lines' taxes and
    tags and the "Invoice Created" message copied with them. Anything else that points at the originals
    (payments, reconciliations, pickings, attachments, followers, hashes) stops the fixture."""
    cr = env.cr
    originals.flush_recordset()
    ids = originals.ids
    cr.execute(
        "SELECT conrelid::regclass::text, a.attname, confrelid::regclass::text FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " WHERE c.contype = 'f' AND confrelid::regclass::text IN ('account_move', 'account_move_line')"
    )
    cloned = {
        ("account_move_line", "move_id"),
        ("account_move_line_account_tax_rel", "account_move_line_id"),
        ("account_account_tag_account_move_line_rel", "account_move_line_id"),
    }
    for table, column, target in cr.fetchall():
        if (table, column) in cloned:
            continue
        pointed = "id" if target == "account_move" else "move_id"
        cr.execute(
            f'SELECT count(*) FROM "{table}" WHERE "{column}" IN'
            f" (SELECT id FROM {target} WHERE {pointed} = ANY(%s))",
            [ids],
        )
        if cr.fetchone()[0]:
            raise RuntimeError(f"{table}.{column} points at the invoices to clone: not cloned")
    for query in (
        "SELECT count(*) FROM account_move WHERE id = ANY(%s)"
        " AND (inalterable_hash IS NOT NULL OR secure_sequence_number IS NOT NULL OR state != 'posted')",
        "SELECT count(*) FROM mail_followers WHERE res_model = 'account.move' AND res_id = ANY(%s)",
        "SELECT count(*) FROM ir_attachment WHERE res_model = 'account.move' AND res_id = ANY(%s)",
        "SELECT count(*) FROM mail_message m WHERE m.model = 'account.move' AND m.res_id = ANY(%s) AND ("
        " EXISTS (SELECT 1 FROM mail_tracking_value v WHERE v.mail_message_id = m.id)"
        " OR EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = m.id)"
        " OR EXISTS (SELECT 1 FROM message_attachment_rel r WHERE r.message_id = m.id))",
    ):
        cr.execute(query, [ids])
        if cr.fetchone()[0]:
            raise RuntimeError(f"not cloned: {query}")
    # names go on per journal and prefix from the highest sequence number there, with the same padding
    cr.execute(
        "SELECT id, journal_id, sequence_prefix, sequence_number, name FROM account_move WHERE id = ANY(%s)",
        [ids],
    )
    source = {row[0]: row for row in cr.fetchall()}
    last = {}
    for _id, journal, prefix, _number, _name in source.values():
        if (journal, prefix) not in last:
            cr.execute(
                "SELECT max(sequence_number) FROM account_move"
                " WHERE journal_id = %s AND sequence_prefix = %s",
                [journal, prefix],
            )
            last[journal, prefix] = cr.fetchone()[0]
    cr.execute("SELECT nextval('account_move_id_seq') FROM generate_series(1, %s)", [count])
    new_ids = [row[0] for row in cr.fetchall()]
    old_ids, numbers, names = [], [], []
    for k in range(count):
        _id, journal, prefix, _number, name = source[ids[k % len(ids)]]
        last[journal, prefix] += 1
        old_ids.append(_id)
        numbers.append(last[journal, prefix])
        names.append(prefix + str(last[journal, prefix]).zfill(len(name) - len(prefix)))
    cr.execute(
        "CREATE TEMP TABLE fixture_move_map ON COMMIT DROP AS"
        " SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[])"
        " AS t(new_id, old_id, number, name)",
        [new_ids, old_ids, numbers, names],
    )
    overrides = {
        "name": "map.name",
        "sequence_number": "map.number",
        "access_token": "CASE WHEN o.access_token IS NOT NULL THEN gen_random_uuid()::text END",
        **{column: _fresh_uuid(column) for column, _type in _columns(cr, "account_move") if "uuid" in column},
    }
    columns, expressions = _copied(_columns(cr, "account_move"), overrides)
    cr.execute(
        f"INSERT INTO account_move (id, {columns}) SELECT map.new_id, {expressions}"
        " FROM fixture_move_map map JOIN account_move o ON o.id = map.old_id"
        " JOIN account_move src ON src.id = map.old_id ORDER BY map.new_id"
    )
    cr.execute(
        "CREATE TEMP TABLE fixture_line_map ON COMMIT DROP AS"
        " SELECT nextval('account_move_line_id_seq') AS new_id, l.id AS old_id, map.new_id AS move_id"
        " FROM fixture_move_map map JOIN account_move_line l ON l.move_id = map.old_id"
        " ORDER BY map.new_id, l.id"
    )
    columns, expressions = _copied(_columns(cr, "account_move_line"), {"move_id": "lines.move_id"})
    cr.execute(
        f"INSERT INTO account_move_line (id, {columns}) SELECT lines.new_id, {expressions}"
        " FROM fixture_line_map lines JOIN account_move_line o ON o.id = lines.old_id"
        " JOIN fixture_move_map map ON map.new_id = lines.move_id"
        " JOIN account_move src ON src.id = map.old_id ORDER BY lines.new_id"
    )
    for table, other in (
        ("account_move_line_account_tax_rel", "account_tax_id"),
        ("account_account_tag_account_move_line_rel", "account_account_tag_id"),
    ):
        cr.execute(
            f"INSERT INTO {table} (account_move_line_id, {other}) SELECT lines.new_id, r.{other}"
            f" FROM fixture_line_map lines JOIN {table} r ON r.account_move_line_id = lines.old_id"
        )
    overrides = {
        "res_id": "map.new_id",
        "message_id": "'<' || gen_random_uuid()::text || '-openerp-' || map.new_id || '-account.move@bench>'",
    }
    columns, expressions = _copied(_columns(cr, "mail_message"), overrides)
    cr.execute(
        f"INSERT INTO mail_message ({columns}) SELECT {expressions}"
        " FROM fixture_move_map map JOIN mail_message o ON o.model = 'account.move' AND o.res_id = map.old_id"
        " JOIN account_move src ON src.id = map.old_id ORDER BY map.new_id, o.id"
    )
    env.invalidate_all()
    return env["account.move"].browse(new_ids)


def _queue(moves, account):
    """What the cron finds at month end: each move's e-document created and ready to send."""
    Document = moves.env["l10n_tr_edoc.document"]
    for start in range(0, len(moves), 500):
        for move in moves[start : start + 500]:
            Document |= move._l10n_tr_edoc_ensure_document(account)
    Document.write({"state": "ready"})
    moves.env.cr.commit()  # pylint: disable=invalid-commit
    return Document


def _instrument(env, clock, captured):
    Move = type(env["account.move"])
    Series = type(env["l10n_tr_edoc.series"])
    Document = type(env["l10n_tr_edoc.document"])
    for name in (
        "_l10n_tr_edoc_to_invoice",
        "_l10n_tr_edoc_check",
        "_l10n_tr_edoc_move_problems",
        "_l10n_tr_edoc_needs_gib_check",
        "_l10n_tr_edoc_document_values",
    ):
        clock.wrap(Move, name, "orm")
    clock.wrap(Series, "_l10n_tr_edoc_take_number", "numbering")
    for name in ("render_invoice", "xslt_attachment"):
        clock.wrap(account_move_module, name, "build")
    clock.wrap(Move, "_l10n_tr_edoc_attach_built", "attachments")
    for name in ("_l10n_tr_edoc_apply_event", "_l10n_tr_edoc_log_exchanges", "write"):
        clock.wrap(Document, name, "state writes")
    for model in (Move, Document):  # the state changes' tracking messages, written at each commit
        clock.wrap(model, "_message_track", "chatter")
    original = package_module.ValidationStream.submit

    seen = itertools.count()

    def submit(stream, xml):
        # every (N / 300)th XML, for the checks apart: keeping them all would weigh on the worker's peak
        if next(seen) % max(1, N // APART_SAMPLE) == 0:
            captured.append(xml)
        return original(stream, xml)

    package_module.ValidationStream.submit = submit
    clock.wrap(package_module.ValidationStream, "result", "waiting for checks")
    for name in (
        "send_invoices",
        "send_earchive",
        "get_invoice_statuses",
        "earchive_status",
        "login",
        "logout",
    ):
        clock.wrap(izibiz_module.IzibizProvider, name, "integrator")


def _count_query_sources(cr):
    """Count each query under the innermost line of this addon that led to it (``BENCH_SQL=1``)."""
    sources = collections.Counter()
    execute = cr.execute

    def counted(*args, **kwargs):
        frame, callee = sys._getframe(1), None
        while frame and "/l10n_tr_edoc/models/" not in frame.f_code.co_filename:
            frame, callee = frame.f_back, frame
        where = (
            f"{frame.f_code.co_name}:{frame.f_lineno} -> {callee and callee.f_code.co_name}"
            if frame
            else "elsewhere"
        )
        query = args[0] if args else kwargs.get("query")
        sources[f"{where}  {' '.join(str(getattr(query, 'code', query)).split())[:60]}"] += 1
        return execute(*args, **kwargs)

    cr.execute = counted
    return sources


def _check_apart(xmls):
    """XSD and schematron on the same XMLs in this process, one core, compiled before the timing."""
    # Saxon's runtime does not start under the address-space limit Odoo puts on its process
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    xsd, schematron = XsdValidator(PACKAGE), SchematronValidator(PACKAGE)
    sample = xmls[:APART_SAMPLE]
    xsd.validate(sample[0])
    schematron.validate(sample[0])
    started = time.perf_counter()
    for xml in sample:
        xsd.validate(xml)
    xsd_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for xml in sample:
        schematron.validate(xml, "earchive" if b">EARSIVFATURA<" in xml else "efatura")
    return len(sample) / xsd_seconds, len(sample) / (time.perf_counter() - started)


def _line(label, value, unit, key, baseline, *, higher_is_better=True):
    old = baseline.get(key)
    ratio = ""
    if old:
        factor = value / old if higher_is_better else old / value if value else float("inf")
        ratio = f"   x{factor:5.2f} vs main ({old:,.1f})"
    print(f"[month-end] {label:<34} {value:12,.1f} {unit}{ratio}")


def main(env):
    baseline_path = os.environ.get("BENCH_BASELINE")
    baseline = json.loads(Path(baseline_path).read_text()) if baseline_path else {}
    with SandboxProcess() as server:
        started = time.perf_counter()
        env, company, account, partners, products, taxes = _setup(env, server.url)
        moves = _create_invoices(env, company, partners, products, taxes)
        created = time.perf_counter()
        documents = _queue(moves, account)
        lines = sum(len(move.invoice_line_ids) for move in moves)
        print(
            f"[month-end] fixture: {N} posted invoices ({min(N, ORM_INVOICES)} by the ORM), {lines} lines, "
            f"{len(documents.filtered(lambda d: d.kind == 'earchive'))} e-Arşiv, "
            f"in {time.perf_counter() - started:.0f} s, queueing {time.perf_counter() - created:.0f} s of it"
            " (not timed)"
        )
        env.invalidate_all()
        clock, captured = StageClock(), []
        _instrument(env, clock, captured)
        requests_before = server.counts()
        peak = PeakRss(ignored={server.process.pid})
        peak.start()
        queries = env.cr.sql_log_count
        load = os.getloadavg()
        profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        sources = _count_query_sources(env.cr) if os.environ.get("BENCH_SQL") else None
        started = time.perf_counter()
        clock._switch(started)
        clock.stack.append("other")
        if profile:
            profile.enable()
        env["account.move"]._cron_l10n_tr_edoc_send_and_poll(force=True)
        if profile:
            profile.disable()
        total = time.perf_counter() - started
        clock._switch(time.perf_counter())
        peak.running = False
        peak.join()
        queries = env.cr.sql_log_count - queries
        requests_after = server.counts()
    env.invalidate_all()
    states = {}
    for document in env["l10n_tr_edoc.document"].browse(documents.ids):
        states[document.state] = states.get(document.state, 0) + 1
    requests = {
        op: count - requests_before.get(op, 0)
        for op, count in requests_after.items()
        if count - requests_before.get(op, 0)
    }
    xsd_rate, schematron_rate = _check_apart(captured)
    child_peak = peak.child_peak
    figures = {
        "invoices/s": N / total,
        "queries/invoice": queries / N,
        "worker MB": peak.peak / 1e6,
        "child MB": child_peak / 1e6,
        "xsd/s": xsd_rate,
        "schematron/s": schematron_rate,
        "requests": sum(requests.values()),
        **{f"{stage}/s": N / seconds for stage, seconds in clock.seconds.items() if seconds},
    }
    print(
        f"[month-end] load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"cpus {os.cpu_count()}"
    )
    print(f"[month-end] cron: {N} invoices in {total:.1f} s; documents now {states}")
    _line("posted -> sent (whole cron)", figures["invoices/s"], "invoices/s", "invoices/s", baseline)
    for stage in STAGES:
        if clock.seconds[stage]:
            _line(
                f"  {stage} ({clock.seconds[stage]:.1f} s)",
                figures[f"{stage}/s"],
                "invoices/s",
                f"{stage}/s",
                baseline,
            )
    _line("  XSD apart, 1 core", xsd_rate, "invoices/s", "xsd/s", baseline)
    _line("  schematron apart, 1 core", schematron_rate, "invoices/s", "schematron/s", baseline)
    _line(
        "SQL queries per invoice",
        figures["queries/invoice"],
        "",
        "queries/invoice",
        baseline,
        higher_is_better=False,
    )
    _line("integrator requests", figures["requests"], "", "requests", baseline, higher_is_better=False)
    print(f"[month-end]   by operation: {requests}")
    _line("worker peak RSS (cron)", figures["worker MB"], "MB", "worker MB", baseline, higher_is_better=False)
    _line(
        "validation child peak RSS", figures["child MB"], "MB", "child MB", baseline, higher_is_better=False
    )
    print(f"[month-end] load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        profile.dump_stats(os.environ["BENCH_PROFILE"])
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    if sources is not None:
        print("[month-end] SQL queries by the addon's calling line:")
        for where, count in sources.most_common(40):
            print(f"[month-end] {count / N:6.2f}/invoice  {where}")
    if save := os.environ.get("BENCH_SAVE"):
        Path(save).write_text(json.dumps(figures, indent=1))


main(env)  # noqa: F821 (env comes from odoo-bin shell)
