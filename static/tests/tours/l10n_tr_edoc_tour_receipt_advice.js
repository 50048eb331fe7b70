import { registry } from "@web/core/registry";
import { clickHeaderButton, openMenu, openRow, tourParams } from "./l10n_tr_edoc_tour_utils";

/** Type the quantities of one line of the İrsaliye Yanıtı (the row of the item `item`). */
function lineSteps(item, values) {
    const row = `.modal .o_field_widget[name=line_ids] .o_data_row:contains("${item}")`;
    return [
        {
            content: `Edit the line of ${item}`,
            trigger: `${row} td[name=received_qty]`,
            run: "click",
        },
        ...Object.entries(values).map(([field, value]) => ({
            content: `${item}: ${field}`,
            trigger: `${row}.o_selected_row td[name=${field}] input`,
            run: `edit ${value}`,
        })),
    ];
}

registry.category("web_tour.tours").add("l10n_tr_edoc_tour_receipt_advice", {
    steps: () => {
        const params = tourParams();
        return [
            ...openMenu("stock.menu_stock_root", "stock.menu_stock_warehouse_mgmt", "stock.in_picking"),
            openRow(params.supplier),
            clickHeaderButton("action_l10n_tr_edoc_open_receipt_advice"),
            {
                content: "The dialog lists the despatched lines",
                trigger: '.modal .o_field_widget[name=line_ids] .o_data_row:contains("Hidrolik pompa")',
            },
            ...lineSteps("Hidrolik pompa", {
                received_qty: "4",
                rejected_qty: "1",
                reject_reason: params.reason,
            }),
            ...lineSteps("Gres yağı", { received_qty: "12", short_qty: "0.5" }),
            {
                content: "Send the İrsaliye Yanıtı",
                trigger: ".modal footer button[name=action_send]",
                run: "click",
            },
            {
                content: "Answered: the button is gone",
                trigger:
                    "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons:not(:has(button[name=action_l10n_tr_edoc_open_receipt_advice]))",
                timeout: 30000,
            },
            {
                content: "Open the e-İrsaliye tab",
                trigger: ".o_form_view .o_notebook a.nav-link[name=l10n_tr_edoc_despatch]",
                run: "click",
            },
            {
                content: "The receipt keeps the lines it sent back",
                trigger: `.o_form_view .o_field_widget[name=l10n_tr_edoc_receipt_line_ids] .o_data_row:contains("${params.reason}")`,
            },
        ];
    },
});
