# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Constant Contact Connector",
    "summary": "Synchronize partners, lists, consent and engagement with "
    "Constant Contact (API v3, OAuth2)",
    "version": "18.0.1.0.3",
    "category": "Connector",
    "website": "https://github.com/OCA/connector-marketing",
    "author": "Marketing Connectors contributors, Odoo Community Association (OCA)",
    "maintainers": ["marketing-connectors"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["connector_marketing_base"],
    "external_dependencies": {"python": ["oauthlib"]},
    "data": [
        "security/ir.model.access.csv",
        "security/constantcontact_security.xml",
        "data/queue_job_data.xml",
        "views/constantcontact_backend_views.xml",
        "views/res_partner_views.xml",
    ],
    "installable": True,
}
