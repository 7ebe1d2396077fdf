/** @odoo-module **/
// Copyright 2026 Marketing Connectors contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

/**
 * An operator opens a backend, reads its health, jumps to its failed jobs and
 * comes back. The backend is named "Cockpit tour" and has one failed export
 * job (see the provider's test_cockpit_tour.py); it starts from the
 * provider's backend list, the URL given by the test.
 */
registry.category("web_tour.tours").add("marketing_backend_health_tour", {
    steps: () => [
        {
            content: "Open the backend",
            trigger: ".o_list_view .o_data_row td:contains('Cockpit tour')",
            run: "click",
        },
        {
            content: "The health says what needs attention",
            trigger: ".o_marketing_health_attention:contains('1 failed export job')",
        },
        {
            content: "The last import is shown with its lag",
            trigger: ".o_marketing_health_syncs td[data-kind='import']:contains('ago')",
        },
        {
            content: "Calls today against the quota, with the last days' chart",
            trigger:
                ".o_marketing_health_quota:contains('/ 1000') svg.o_marketing_health_chart rect",
        },
        {
            content: "The limiter's state",
            trigger: ".o_marketing_health_limiter:contains('Circuit closed')",
        },
        {
            content: "Jump to the failed export jobs",
            trigger:
                ".o_marketing_health_jobs a.o_marketing_health_failed[data-method='export_contacts']",
            run: "click",
        },
        {
            content: "The Jobs list shows the failed job, and only it",
            trigger: ".o_list_view .o_data_row:contains('Cockpit tour failing export')",
        },
        {
            content: "One row",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(2)))",
        },
        {
            content: "Back to the backend",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Cockpit tour')",
            run: "click",
        },
        {
            content: "The backend's health again",
            trigger: ".o_form_view .o_marketing_health_attention:contains('failed')",
        },
    ],
});
