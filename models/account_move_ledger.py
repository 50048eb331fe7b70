from odoo import fields, models

# What an entry is for the e-Defter (core/ledger.py KINDS); empty = worked out from the entry itself.
LEDGER_KINDS = [
    ("invoice", "Invoice"),
    ("check", "Cheque"),
    ("voucher", "Promissory Note"),
    ("receipt", "Receipt"),
    ("shipment", "Freight"),
    ("order_vendor", "Vendor Order"),
    ("order_customer", "Customer Order"),
    ("retail_receipt", "Retail Sales Receipt"),
    ("bank_slip", "Bank Slip"),
    ("expense_form", "Expense Form"),
    ("z_report", "Z Report"),
    ("check_list", "Cheque List"),
    ("voucher_list", "Promissory Note List"),
    ("payroll", "Payroll Summary"),
    ("smm", "Self-Employment Receipt"),
    ("transfer_in", "Incoming Bank Transfer"),
    ("transfer_out", "Outgoing Bank Transfer"),
    ("collection", "Cash Collection"),
    ("disbursement", "Cash Payment"),
    ("accounting_voucher", "Accounting Voucher"),
    ("opening", "Opening Entry"),
    ("closing", "Closing Entry"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    l10n_tr_edoc_ledger_kind = fields.Selection(
        LEDGER_KINDS,
        string="e-Ledger Document",
        copy=False,
        help="The GİB document type this entry carries in the e-Ledger (yevmiye belge tipi). Empty: "
        "invoices, bank statement lines, payments and the opening entry are recognised by themselves, "
        "other entries go as accounting vouchers. Opening and closing entries carry no document.",
    )
