import { registry } from "@web/core/registry";
import { clickHeaderButton, openMenu, openRow, tourParams } from "./l10n_tr_edoc_tour_utils";

/** Open the customer's invoice, send it with the e-Document option ticked and wait until GİB has it. */
function sendInvoiceSteps(customer) {
    return [
        ...openMenu(
            "account.menu_finance",
            "account.menu_finance_receivables",
            "account.menu_action_move_out_invoice_type"
        ),
        openRow(customer),
        clickHeaderButton("action_invoice_sent"),
        {
            content: "The send dialog offers the GİB e-Document",
            trigger: ".modal .o_account_move_send_wizard .o_field_widget[name=extra_edi_checkboxes] input#tr_edoc",
        },
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
            content: "The invoice reached the integrator: the banner says it is sent",
            trigger:
                'body:not(:has(.modal)) .o_form_view .alert-info:contains("e-Document"):has(.o_field_widget[name=l10n_tr_edoc_state]:contains("Sent"))',
            timeout: 60000,
        },
    ];
}

registry.category("web_tour.tours").add("l10n_tr_edoc_tour_send_invoices", {
    steps: () => {
        const params = tourParams();
        return [...sendInvoiceSteps(params.einvoice_customer), ...sendInvoiceSteps(params.earchive_customer)];
    },
});
