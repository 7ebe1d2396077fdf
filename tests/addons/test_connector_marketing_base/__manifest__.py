# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Marketing Connector Base - test provider",
    "summary": "Test-only provider that exercises connector_marketing_base",
    "version": "18.0.1.0.2",
    "category": "Hidden",
    "website": "https://github.com/OCA/connector-marketing",
    "author": "Marketing Connectors contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "depends": ["connector_marketing_base"],
    "data": [
        "security/ir.model.access.csv",
        "security/test_marketing_security.xml",
        "data/queue_job_data.xml",
    ],
    "installable": True,
}
