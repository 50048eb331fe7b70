import { showProductColumn } from "@account/js/tours/tour_utils";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * What the Python test puts in the start URL's query (sandbox address, demo login, record names):
 * read when the tour starts, before the first menu click replaces the URL.
 */
export function tourParams() {
    return Object.fromEntries(new URL(window.location.href).searchParams);
}

/** Through the apps menu and a top menu to one of its entries, as a user finds it. */
export function openMenu(appXmlid, sectionXmlid, entryXmlid) {
    return [
        ...stepUtils.goToAppSteps(appXmlid, "Open the app"),
        {
            content: "Open the top menu",
            trigger: `.o_menu_sections button[data-menu-xmlid="${sectionXmlid}"]`,
            run: "click",
        },
        {
            content: "Open the menu entry",
            trigger: `.dropdown-item[data-menu-xmlid="${entryXmlid}"]`,
            run: "click",
        },
    ];
}

/** From a list, the form of the row that shows `text`. */
export function openRow(text) {
    return {
        content: `Open the record of ${text}`,
        trigger: `.o_list_view .o_data_row td.o_data_cell:contains("${text}")`,
        run: "click",
    };
}

/** A button of the form's status bar, by its method name. */
export function clickHeaderButton(name) {
    return {
        content: `Click ${name}`,
        trigger: `.o_form_view .o_statusbar_buttons button[name="${name}"]:enabled`,
        run: "click",
    };
}

/** A new customer invoice with one line of `product` for `customer`, typed in as a user does. */
export function newInvoiceSteps(customer, product) {
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
        ...many2oneSteps("partner_id", search),
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
        // the product brings its taxes
        ...many2oneSteps("product_id", product, "div[name=invoice_line_ids]"),
        {
            content: "The product's taxes are on the line",
            trigger: "div[name=invoice_line_ids] [name=tax_ids] .o_tag",
        },
    ];
}

/** Confirm (it saves the new invoice) and Send to GİB: the banner shows `sent`, the state in the user's language. */
export function confirmAndSendSteps(sent) {
    return [
        clickHeaderButton("action_post"),
        {
            content: "Posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
        clickHeaderButton("action_l10n_tr_edoc_send"),
        {
            content: `The banner says the e-Document is ${sent}`,
            trigger: `.o_form_view .alert-info:has(.o_field_widget[name=l10n_tr_edoc_state]:contains("${sent}"))`,
            timeout: 60000,
        },
    ];
}

/** Open a notebook tab by its name (the label is the user's language). */
export function openTab(name) {
    return {
        content: `Open the ${name} tab`,
        trigger: `.o_notebook .nav-link[name=${name}]`,
        run: "click",
    };
}

/** Type `search` in a many2one and pick the entry that shows it. */
export function many2oneSteps(name, search, scope = ".o_form_view") {
    return [
        {
            content: `${name}: ${search}`,
            trigger: `${scope} .o_field_widget[name=${name}] input`,
            run: `edit ${search}`,
        },
        {
            content: `Pick ${search}`,
            trigger: `.o-autocomplete--dropdown-item:contains("${search}")`,
            run: "click",
            timeout: 30000,
        },
    ];
}

/** Open a selection field's menu and pick the entry that shows `text`. */
export function selectSteps(name, text) {
    return [
        {
            content: `Open ${name}`,
            trigger: `.o_field_widget[name=${name}] .o_select_menu_toggler`,
            run: "click",
        },
        {
            content: `${name}: ${text}`,
            trigger: `.o_select_menu_menu .o_select_menu_item:contains("${text}")`,
            run: "click",
        },
    ];
}

/** A toast says what the button did. */
export function notified(text) {
    return {
        content: `A notification says ${text}`,
        trigger: `.o_notification_manager .o_notification:contains("${text}")`,
        timeout: 30000,
    };
}
