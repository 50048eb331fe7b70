import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { openMenu, tourParams } from "./l10n_tr_edoc_tour_utils";

registry.category("web_tour.tours").add("l10n_tr_edoc_tour_configure_account", {
    steps: () => {
        const params = tourParams();
        return [
            ...openMenu(
                "account.menu_finance",
                "account.menu_finance_configuration",
                "l10n_tr_edoc.menu_l10n_tr_edoc_account"
            ),
            {
                content: "Create an integrator account",
                trigger: ".o_list_view .o_list_button_add",
                run: "click",
            },
            {
                content: "Open the provider choices",
                trigger: ".o_form_view .o_field_widget[name=provider] .o_select_menu_toggler",
                run: "click",
            },
            {
                content: "Choose the sandbox integrator",
                trigger: '.o_select_menu_menu .o_select_menu_item:contains("Sandbox (test double")',
                run: "click",
            },
            {
                content: "Sandbox chosen: its warning banner shows",
                trigger: ".o_form_view .alert-warning:contains(Sandbox)",
            },
            {
                content: "Address of the sandbox",
                trigger: ".o_form_view .o_field_widget[name=sandbox_url] input",
                run: `edit ${params.sandbox_url}`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name=username] input",
                run: `edit ${params.username}`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name=password] input",
                run: `edit ${params.password}`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name=sender_alias] input",
                run: `edit ${params.sender_alias}`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name=receiver_alias] input",
                run: `edit ${params.receiver_alias}`,
            },
            ...stepUtils.saveForm(),
            {
                content: "Test the connection",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_l10n_tr_edoc_test_connection]",
                run: "click",
            },
            {
                content: "The integrator accepted the login",
                trigger: ".o_notification:has(.o_notification_bar.bg-success):contains(Connection successful)",
                timeout: 30000,
            },
            {
                content: "The account shows it is connected",
                trigger: ".o_form_view .o_field_widget[name=connection_state] .o_arrow_button_current:contains(Connected)",
            },
        ];
    },
});
