/** @odoo-module **/
/*
 * Resolve a mismatch from the review queue: the queue opens grouped by
 * reason (labels, not codes) and backend; the item shows Odoo's value and
 * the platform's side by side; one click takes the platform's.
 */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("connector_marketing_review_mismatch", {
    steps: () => [
        {
            content: "Open the reason group, headed by its label",
            trigger:
                ".o_group_header .o_group_name:contains('Differs from the platform')",
            run: "click",
        },
        {
            content: "Open the backend group, headed by its name",
            trigger: ".o_group_header .o_group_name:contains('Tour backend')",
            run: "click",
        },
        {
            content: "Open the item",
            trigger: ".o_data_row td:contains('Tour Person')",
            run: "click",
        },
        {
            content: "Odoo's value and the platform's, side by side",
            trigger:
                ".o_marketing_mismatch tr:contains('First name'):has(.o_marketing_odoo_value:contains('Tour')):has(.o_marketing_platform_value:contains('Taken'))",
        },
        {
            content: "Take the platform's value",
            trigger: "button[name=action_take_platform]",
            run: "click",
        },
        {
            content: "The item is resolved",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Resolved')",
        },
        {
            content: "Nothing left to decide",
            trigger: ".o_form_view:not(:has(button[name=action_take_platform]))",
        },
    ],
});
