/**
 * The backend page carries no language, so CSS upper-casing (form group titles, badges) follows
 * English rules and turns Turkish "Kimlik" into "KIMLIK". Declaring the user's language lets the
 * browser apply Turkish casing (i -> İ, ı -> I).
 */
import { user } from "@web/core/user";

if (user.lang && !document.documentElement.lang) {
    document.documentElement.lang = user.lang;
}
