import { registry } from "@web/core/registry";
import {
    clickHeaderButton,
    confirmAndSendSteps,
    many2oneSteps,
    newInvoiceSteps,
    notified,
    openMenu,
    openTab,
    selectSteps,
    tourParams,
} from "./l10n_tr_edoc_tour_utils";

// Issue 26: a new accountant's first day, walked in English and in Turkish. Selectors name fields,
// buttons and tabs; what the user reads (labels in the user's language) comes from the test.

function openInvoices() {
    return openMenu(
        "account.menu_finance",
        "account.menu_finance_receivables",
        "account.menu_action_move_out_invoice_type"
    );
}

/** Item 1 and 12: a new company customer whose VKN is in the synced GİB list. */
function newRegisteredCustomerSteps(params) {
    return [
        ...openMenu("account.menu_finance", "account.menu_finance_receivables", "account.menu_account_customer"),
        {
            content: "New customer",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "A company",
            trigger: ".o_field_widget[name=company_type] input[data-value=company]",
            run: "check",
        },
        {
            content: "Its name",
            trigger: ".o_field_widget[name=name] textarea, .o_field_widget[name=name] input",
            run: `edit ${params.partner_name}`,
        },
        ...many2oneSteps("country_id", "Türkiye"),
        {
            content: "Its VKN",
            trigger: ".o_field_widget[name=vat] input",
            run: `edit ${params.partner_vkn}`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: `.o_breadcrumb .active:contains("${params.partner_name}")`,
        },
        openTab("l10n_tr_edoc_gib"),
        {
            content: "Saved, the customer is still an e-Fatura user",
            trigger: `.o_field_widget[name=l10n_tr_edoc_einvoice_status]:contains("${params.registered}")`,
        },
        {
            content: "Check GİB Registration Now",
            trigger: ".o_form_view button[name=action_l10n_tr_edoc_check_gib_user]",
            run: "click",
        },
        notified(params.partner_name),
        {
            content: "The form shows what GİB answered",
            trigger: `.o_field_widget[name=l10n_tr_edoc_einvoice_status]:contains("${params.registered}")`,
        },
    ];
}

registry.category("web_tour.tours").add("l10n_tr_edoc_tour_first_day_invoices", {
    steps: () => {
        const params = tourParams();
        return [
            ...newRegisteredCustomerSteps(params),
            // item 2: the rate check speaks before anything leaves
            ...newInvoiceSteps(params.usd_customer, params.product),
            ...many2oneSteps("currency_id", "USD"),
            clickHeaderButton("action_post"),
            {
                content: "Posted",
                trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=posted]",
            },
            clickHeaderButton("action_l10n_tr_edoc_send"),
            {
                content: "Stopped: the message names the currency without a rate",
                trigger: ".modal .modal-body:contains(USD)",
            },
            {
                content: "Close the message",
                trigger: ".modal .modal-footer .btn-primary",
                run: "click",
            },
            {
                content: "Nothing was sent: Send to GİB is still offered",
                trigger: "body:not(:has(.modal)) .o_statusbar_buttons button[name=action_l10n_tr_edoc_send]",
            },
            // items 3, 4, 6: an e-Arşiv invoice with a line discount, sent and e-mailed from Send
            ...newInvoiceSteps(params.earchive_customer, params.product),
            {
                content: "Show the discount column",
                trigger: ".o_optional_columns_dropdown_toggle",
                run: "click",
            },
            {
                content: "Discount column",
                trigger: '.o-dropdown-item input[name="discount"]',
                run(actions) {
                    if (!this.anchor.checked) {
                        actions.click();
                    }
                },
            },
            {
                content: "Close the column list",
                trigger: ".o_optional_columns_dropdown_toggle",
                run: "click",
            },
            {
                content: "Discount cell",
                trigger: "div[name=invoice_line_ids] .o_data_row td[name=discount]",
                run: "click",
            },
            {
                content: "10 % discount",
                trigger: "div[name=invoice_line_ids] .o_data_row td[name=discount] input",
                run: "edit 10",
            },
            clickHeaderButton("action_post"),
            {
                content: "Posted",
                trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=posted]",
            },
            clickHeaderButton("action_invoice_sent"),
            {
                content: "Make sure the e-Document is ticked",
                trigger: ".modal .o_field_widget[name=extra_edi_checkboxes] input#tr_edoc",
                run: "check",
            },
            {
                content: "Send",
                trigger: ".modal footer button[name=action_send_and_print]:visible:enabled",
                run: "click",
            },
            {
                content: "The banner says the e-Arşiv invoice is sent",
                trigger: `body:not(:has(.modal)) .o_form_view .alert-info:has(.o_field_widget[name=l10n_tr_edoc_state]:contains("${params.sent}"))`,
                timeout: 60000,
            },
            openTab("l10n_tr_edoc"),
            {
                content: "Open its e-Document",
                trigger: ".o_field_widget[name=l10n_tr_edoc_document_ids] .o_data_row .o_data_cell",
                run: "click",
            },
            {
                content: "Open the Printout tab",
                trigger: ".modal .o_notebook .nav-link[name=printout]",
                run: "click",
            },
            {
                content: "The printout is ours, not an XML error",
                trigger: `.modal .o_field_widget[name=render_template]:contains("${params.ours}")`,
            },
            {
                content: "and it is shown",
                trigger: ".modal:not(:contains(well-formed)) .o_field_widget[name=preview_html] iframe",
            },
            {
                content: "Close the e-Document",
                trigger: ".modal .modal-header .btn-close",
                run: "click",
            },
            {
                content: "Back on the invoice",
                trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status",
            },
        ];
    },
});

/** Item 7: export and KAMU finished from the forms; the GTİP is a labelled field of the product. */
registry.category("web_tour.tours").add("l10n_tr_edoc_tour_first_day_export_kamu", {
    steps: () => {
        const params = tourParams();
        return [
            ...openMenu(
                "account.menu_finance",
                "account.menu_finance_receivables",
                "account.product_product_menu_sellable"
            ),
            {
                content: "Open the product",
                trigger: `.o_kanban_record:contains("${params.product}"), .o_data_row:contains("${params.product}")`,
                run: "click",
            },
            {
                content: "The GTİP has its own label, below the sales taxes",
                trigger: ".o_form_view .o_inner_group:has(.o_field_widget[name=taxes_id]) label[for^=l10n_tr_edoc_gtip]:contains(GTİP)",
            },
            {
                content: "Type the GTİP",
                trigger: ".o_form_view .o_field_widget[name=l10n_tr_edoc_gtip] input",
                run: "edit 842139200000",
            },
            {
                content: "Save",
                trigger: ".o_form_button_save",
                run: "click",
            },
            {
                content: "Saved",
                trigger: ".o_form_view:not(:has(.o_form_button_save:visible))",
            },
            // an export invoice: IHRACAT from the foreign customer, the export data on its tabs
            ...openInvoices(),
            ...newInvoiceSteps(params.export_customer, params.product),
            openTab("l10n_tr_edoc"),
            {
                content: "The foreign customer makes it an export invoice",
                trigger: ".o_field_widget[name=l10n_tr_edoc_profile] .o_select_menu_toggler",
                run() {
                    const shown = this.anchor.value || this.anchor.textContent || "";
                    if (!shown.includes("IHRACAT")) {
                        throw new Error(`The GİB scenario shows "${shown}", not IHRACAT`);
                    }
                },
            },
            ...many2oneSteps("invoice_incoterm_id", "FOB"),
            ...selectSteps("l10n_tr_edoc_transport_mode", params.transport_mode),
            openTab("l10n_tr_edoc_scenario"),
            {
                content: "Package type",
                trigger: ".o_field_widget[name=l10n_tr_edoc_package_type] input",
                run: "edit BX",
            },
            {
                content: "Package count",
                trigger: ".o_field_widget[name=l10n_tr_edoc_package_count] input",
                run: "edit 2",
            },
            ...confirmAndSendSteps(params.sent),
            // a KAMU invoice: chosen on the e-Documents tab with the public buyer and our IBAN
            ...openInvoices(),
            ...newInvoiceSteps(params.kamu_customer, params.kamu_product),
            openTab("l10n_tr_edoc"),
            ...selectSteps("l10n_tr_edoc_profile", "KAMU"),
            ...many2oneSteps("l10n_tr_edoc_kamu_buyer_id", params.kamu_buyer),
            ...many2oneSteps("partner_bank_id", params.iban),
            ...confirmAndSendSteps(params.sent),
        ];
    },
});

/** Items 5, 8, 12, 15: despatches fetched from the overview, answered, retried; a new delivery. */
registry.category("web_tour.tours").add("l10n_tr_edoc_tour_first_day_despatch", {
    steps: () => {
        const params = tourParams();
        return [
            ...openMenu("account.menu_finance", "l10n_tr_edoc.menu_l10n_tr_edoc_root", "l10n_tr_edoc.menu_l10n_tr_edoc_dashboard"),
            {
                content: "Fetch Incoming e-Fatura on the account's card",
                trigger: ".o_kanban_record button[name=action_l10n_tr_edoc_fetch_incoming]",
                run: "click",
            },
            notified(params.invoices_fetched),
            {
                content: "The card counts the supplier's invoice awaiting our KABUL/RED",
                trigger: '.o_kanban_record div[name=awaiting_response] span:contains("1")',
            },
            {
                content: "Fetch Incoming e-İrsaliye on the account's card",
                trigger: ".o_kanban_record button[name=action_l10n_tr_edoc_fetch_incoming_despatches]",
                run: "click",
            },
            notified(params.fetched),
            {
                content: "The card counts the received despatch awaiting our answer",
                trigger: '.o_kanban_record div[name=despatch_awaiting_us] span:contains("1")',
            },
            // item 5: the despatch naming an unknown product waits; Retry Import says why, no traceback
            ...openMenu("account.menu_finance", "l10n_tr_edoc.menu_l10n_tr_edoc_root", "l10n_tr_edoc.menu_l10n_tr_edoc_document"),
            {
                content: "Open the despatch that could not be imported",
                trigger: `.o_list_view .o_data_row td.o_data_cell:contains("${params.failed}")`,
                run: "click",
            },
            clickHeaderButton("action_l10n_tr_edoc_retry_import"),
            {
                content: "Still waiting, and the form names the missing product",
                trigger: `body:not(:has(.modal)) .o_form_view:contains("${params.unknown_code}")`,
            },
            // the matched despatch: answered with an İrsaliye Yanıtı from its receipt
            ...openMenu("stock.menu_stock_root", "stock.menu_stock_warehouse_mgmt", "stock.in_picking"),
            {
                content: "Open the receipt drafted from the despatch",
                trigger: `.o_list_view .o_data_row td.o_data_cell:contains("${params.supplier}")`,
                run: "click",
            },
            clickHeaderButton("action_l10n_tr_edoc_open_receipt_advice"),
            {
                content: "Everything arrived: send the İrsaliye Yanıtı as proposed",
                trigger: ".modal footer button[name=action_send]",
                run: "click",
            },
            {
                content: "Answered: the button is gone",
                trigger:
                    "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons:not(:has(button[name=action_l10n_tr_edoc_open_receipt_advice]))",
                timeout: 30000,
            },
            // item 8: a new delivery starts from the warehouse's operation type and offers e-İrsaliye
            ...openMenu("stock.menu_stock_root", "stock.menu_stock_warehouse_mgmt", "stock.out_picking"),
            {
                content: "New delivery",
                trigger: ".o_control_panel_main_buttons .o_list_button_add",
                run: "click",
            },
            {
                content: "It has an operation type",
                trigger: ".o_form_view .o_field_widget[name=picking_type_id] input",
                run() {
                    if (!this.anchor.value) {
                        throw new Error("The new delivery has no operation type");
                    }
                },
            },
            {
                content: "The e-İrsaliye tab is there",
                trigger: ".o_form_view .o_notebook .nav-link[name=l10n_tr_edoc_despatch]",
            },
            {
                content: "Discard",
                trigger: ".o_form_button_cancel",
                run: "click",
            },
        ];
    },
});
