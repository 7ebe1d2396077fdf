# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Marketing Connector Base",
    "summary": "Shared engine for syncing Odoo with marketing platforms",
    "version": "18.0.1.3.1",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-marketing",
    "author": "Marketing Connectors contributors, Odoo Community Association (OCA)",
    "maintainers": ["marketing-connectors"],
    "license": "AGPL-3",
    "post_load": "post_load",
    "development_status": "Alpha",
    "depends": ["base", "mail", "queue_job", "connector", "component_event"],
    "external_dependencies": {
        "python": ["requests", "tenacity", "phonenumbers", "oauthlib"],
    },
    "data": [
        "security/marketing_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_channel.xml",
        "views/marketing_sync_issue_views.xml",
        "views/marketing_activity_views.xml",
        "views/marketing_webhook_event_views.xml",
        "views/marketing_field_mapping_views.xml",
        "views/res_partner_views.xml",
        "views/marketing_backend_health_views.xml",
        "views/queue_job_views.xml",
        "views/marketing_menus.xml",
        "templates/oauth_templates.xml",
        "views/marketing_remote_views.xml",
        "views/marketing_privacy_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "connector_marketing_base/static/src/components/**/*",
        ],
        "web.assets_tests": [
            "connector_marketing_base/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
