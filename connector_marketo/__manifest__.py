# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Marketo Connector",
    "summary": "Synchronize partners, engagement and pipeline with Marketo Engage",
    "version": "18.0.1.0.3",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-marketing",
    "author": "Marketing Connectors contributors, Odoo Community Association (OCA)",
    "maintainers": ["marketing-connectors"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["connector_marketing_base", "crm"],
    "data": [
        "security/ir.model.access.csv",
        "security/marketo_security.xml",
        "data/queue_job_data.xml",
        "views/marketo_backend_views.xml",
        "views/res_partner_views.xml",
    ],
    "installable": True,
}
