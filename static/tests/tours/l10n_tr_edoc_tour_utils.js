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
