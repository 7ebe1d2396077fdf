/** @odoo-module **/
/*
 * Open a partner's Marketing view: the smart button lists every backend
 * (bound or not, subscription, last sync, open review items); the
 * Engagement tab is the partner's timeline of opens, clicks, unsubscribes.
 */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("connector_marketing_partner_view", {
    steps: () => [
        {
            content: "Open the Marketing smart button",
            trigger: ".o_form_view button.o_marketing_partner_button",
            run: "click",
        },
        {
            content: "The bound backend: subscribed, one item to review",
            trigger:
                ".modal .o_data_row:contains('Tour backend'):contains('Subscribed'):has(button[name=action_open_issues])",
        },
        {
            content: "The other backend: not on the platform",
            trigger:
                ".modal .o_data_row:contains('Tour elsewhere'):contains('Not on the platform')",
        },
        {
            content: "Close the popup",
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "Open the Engagement tab",
            trigger: ".o_notebook .nav-link[name=marketing_engagement]",
            run: "click",
        },
        {
            content: "The timeline, newest first",
            trigger:
                ".o_marketing_engagement tbody tr.o_data_row:first-child:contains('Link clicked'):contains('Spring')",
        },
    ],
});
