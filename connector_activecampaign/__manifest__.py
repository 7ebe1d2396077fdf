# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ActiveCampaign Connector",
    "summary": "Synchronize contacts, tags, accounts and deals with ActiveCampaign",
    "version": "18.0.1.0.3",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-marketing",
    "author": "Marketing Connectors contributors, Odoo Community Association (OCA)",
    "maintainers": ["marketing-connectors"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["connector_marketing_base", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/activecampaign_security.xml",
        "data/queue_job_data.xml",
        "views/activecampaign_backend_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
    ],
}
