import { showProductColumn } from "@account/js/tours/tour_utils";
import { registry } from "@web/core/registry";
import { clickHeaderButton, openMenu, tourParams } from "./l10n_tr_edoc_tour_utils";

/** A new customer invoice with one line of `product` for `customer`, typed in as a user does. */
function newInvoiceSteps(customer, product) {
    // the first words find the customer: typing "İ" in a headless browser is not reliable
    const search = customer.split(" ").slice(0, 2).join(" ");
    return [
        ...openMenu(
            "account.menu_finance",
            "account.menu_finance_receivables",
            "account.menu_action_move_out_invoice_type"
        ),
        {
            content: "New invoice",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: `edit ${search}`,
        },
        {
            content: "Pick the customer",
            trigger: `.o-autocomplete--dropdown-item:contains("${search}")`,
            run: "click",
            timeout: 30000,
        },
        {
            content: "Add a line",
            trigger: "div[name=invoice_line_ids] .o_field_x2many_list_row_add a:first",
            run: "click",
        },
        ...showProductColumn(),
        {
            content: "Product cell",
            trigger: "div[name=invoice_line_ids] div[name=product_id]",
            run: "click",
        },
        {
            content: "Product",
            trigger: "div[name=invoice_line_ids] div[name=product_id] input",
            run: `edit ${product}`,
        },
        {
            content: "Pick the product: its taxes come with it",
            trigger: `.o-autocomplete--dropdown-item:contains("${product}")`,
            run: "click",
            timeout: 30000,
        },
        {
            content: "The product's taxes are on the line",
            trigger: "div[name=invoice_line_ids] [name=tax_ids] .o_tag",
        },
    ];
}

/** The e-Documents tab shows the type the taxes or the customer chose. */
function typeIsSteps(typeCode) {
    return [
        {
            content: "Open the e-Documents tab (Turkish label)",
            trigger: '.o_notebook .nav-link[name=l10n_tr_edoc]:contains("e-Belgeler")',
            run: "click",
        },
        {
            content: `The GİB invoice type is ${typeCode}`,
            trigger: ".o_field_widget[name=l10n_tr_edoc_type_code] .o_select_menu_toggler",
            run() {
                const shown = this.anchor.value || this.anchor.textContent || "";
                if (!shown.includes(typeCode)) {
                    throw new Error(`The GİB invoice type shows "${shown}", not ${typeCode}`);
                }
            },
        },
    ];
}

function confirmAndSendSteps() {
    return [
        // Confirm saves the new invoice first, as for any user
        clickHeaderButton("action_post"),
        {
            content: "Posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
        clickHeaderButton("action_l10n_tr_edoc_send"),
        {
            content: "The banner says the e-Document is sent (in Turkish)",
            trigger:
                '.o_form_view .alert-info:has(.o_field_widget[name=l10n_tr_edoc_state]:contains("Gönderildi"))',
            timeout: 60000,
        },
    ];
}

function fill(name, value) {
    return {
        content: `Fill ${name}`,
        trigger: `.o_field_widget[name=${name}] input`,
        run: `edit ${value}`,
    };
}

registry.category("web_tour.tours").add("l10n_tr_edoc_tour_scenarios", {
    steps: () => {
        const params = tourParams();
        return [
            // a hotel: the accommodation tax on the room makes it a KONAKLAMAVERGISI invoice
            ...newInvoiceSteps(params.hotel_customer, params.room),
            ...typeIsSteps("KONAKLAMAVERGISI"),
            ...confirmAndSendSteps(),
            // a pharmacy billing SGK: the customer makes it an SGK invoice, the SGK data is on its tab
            ...newInvoiceSteps(params.sgk_customer, params.medicine),
            ...typeIsSteps("SGK"),
            {
                content: "Open the GİB Scenario Data tab (Turkish label)",
                trigger: '.o_notebook .nav-link[name=l10n_tr_edoc_scenario]:contains("GİB Senaryo Bilgileri")',
                run: "click",
            },
            {
                content: "Open the SGK invoice kinds",
                trigger: ".o_field_widget[name=l10n_tr_edoc_sgk_accounting_cost] .o_select_menu_toggler",
                run: "click",
            },
            {
                content: "SGK invoice kind: pharmacy (Turkish label)",
                trigger: '.o_select_menu_menu .o_select_menu_item:contains("SAGLIK_ECZ (eczane)")',
                run: "click",
            },
            fill("l10n_tr_edoc_sgk_payer_code", "12345"),
            fill("l10n_tr_edoc_sgk_payer_name", "Anadolu Eczanesi"),
            fill("l10n_tr_edoc_sgk_file_no", "D-2026-11"),
            fill("l10n_tr_edoc_period_start", params.period_start),
            fill("l10n_tr_edoc_period_end", params.period_end),
            ...confirmAndSendSteps(),
        ];
    },
});
