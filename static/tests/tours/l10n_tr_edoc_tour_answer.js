import { registry } from "@web/core/registry";
import { clickHeaderButton, openMenu, openRow, tourParams } from "./l10n_tr_edoc_tour_utils";

/** KABUL or RED (params.answer) on a supplier's commercial e-Fatura, then the bill shows our answer. */
registry.category("web_tour.tours").add("l10n_tr_edoc_tour_answer", {
    steps: () => {
        const params = tourParams();
        const answer = params.answer;
        const reasonSteps = params.reason
            ? [
                  {
                      content: "Give the reason",
                      trigger: ".modal .o_field_widget[name=reason] textarea",
                      run: `edit ${params.reason}`,
                  },
              ]
            : [];
        return [
            ...openMenu(
                "account.menu_finance",
                "account.menu_finance_payables",
                "account.menu_action_move_in_invoice_type"
            ),
            openRow(params.supplier),
            {
                content: "The bill asks for a commercial answer",
                trigger: '.o_form_view .alert-info:contains("KABUL or RED")',
            },
            clickHeaderButton(answer === "RED" ? "action_l10n_tr_edoc_reject" : "action_l10n_tr_edoc_accept"),
            {
                content: `Choose ${answer}`,
                trigger: `.modal .o_field_widget[name=answer] input[data-value=${answer}]`,
                run: "check",
            },
            ...reasonSteps,
            {
                content: "Send the answer",
                trigger: ".modal footer button[name=action_l10n_tr_edoc_send]",
                run: "click",
            },
            {
                content: "Answered: the bill cannot be answered again while the integrator confirms it",
                trigger:
                    "body:not(:has(.modal)) .o_form_view:not(:has(button[name=action_l10n_tr_edoc_reject])) .o_statusbar_status",
                timeout: 30000,
            },
            {
                content: `The bill shows our answer, ${answer}`,
                trigger: `.o_form_view [name=l10n_tr_edoc_answered] [name=l10n_tr_edoc_response_code]:contains("${answer}")`,
            },
        ];
    },
});
