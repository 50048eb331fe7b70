{
    "name": "Türkiye - e-Dönüşüm (e-Fatura, e-Arşiv, e-İrsaliye)",
    "version": "19.0.1.0.0",
    "category": "Accounting/Localizations/EDI",
    "summary": "GİB e-Fatura, e-Arşiv and e-İrsaliye through İzibiz, Kolaysoft or Nilvera",
    "author": "l10n_tr_edoc developers",
    "license": "LGPL-3",
    "countries": ["tr"],
    # account_edi_ubl_cii: Send & Print EDI hooks and UBL import; l10n_tr: Turkish chart and taxes;
    # stock: e-İrsaliye on deliveries; mail: chatter and activities on documents.
    "depends": ["account", "account_edi_ubl_cii", "l10n_tr", "stock", "mail"],
    "external_dependencies": {
        "python": ["zeep", "lxml", "qrcode", "python-stdnum", "requests"],
    },
    "data": [
        "security/l10n_tr_edoc_security.xml",
        "security/ir.model.access.csv",
        "data/l10n_tr_edoc_code_data.xml",
        "views/l10n_tr_edoc_account_views.xml",
        "views/l10n_tr_edoc_code_views.xml",
        "views/l10n_tr_edoc_series_views.xml",
        "views/l10n_tr_edoc_document_views.xml",
        "views/l10n_tr_edoc_event_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/l10n_tr_edoc_menus.xml",
        "data/l10n_tr_edoc_gib_user_cron.xml",
        "views/l10n_tr_edoc_gib_user_views.xml",
    ],
    "installable": True,
}
