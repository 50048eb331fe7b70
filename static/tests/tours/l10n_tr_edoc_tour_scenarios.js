import { registry } from "@web/core/registry";
import { confirmAndSendSteps, newInvoiceSteps, tourParams } from "./l10n_tr_edoc_tour_utils";

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
            ...confirmAndSendSteps("Gönderildi"),
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
            ...confirmAndSendSteps("Gönderildi"),
        ];
    },
});
