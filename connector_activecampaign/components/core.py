# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ActiveCampaign collection, and the base roles it uses unchanged."""

from odoo.addons.component.core import AbstractComponent, Component


class ActivecampaignBase(AbstractComponent):
    _name = "activecampaign.base"
    _inherit = "marketing.base"
    _collection = "activecampaign.backend"


class ActivecampaignBinder(Component):
    _name = "activecampaign.binder"
    _inherit = ["marketing.binder", "activecampaign.base"]
    _apply_on = [
        "activecampaign.res.partner",
        "activecampaign.account",
        "activecampaign.sale.order",
    ]


class ActivecampaignBatchImporter(Component):
    _name = "activecampaign.res.partner.batch.importer"
    _inherit = ["marketing.batch.importer", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]


class ActivecampaignRecordExporter(Component):
    _name = "activecampaign.res.partner.record.exporter"
    _inherit = ["marketing.record.exporter", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]


class ActivecampaignReconciler(Component):
    _name = "activecampaign.res.partner.reconciler"
    _inherit = ["marketing.reconciler", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]


class ActivecampaignBulkImportFollower(Component):
    _name = "activecampaign.res.partner.bulk.import.follower"
    _inherit = ["marketing.bulk.import.follower", "activecampaign.base"]
    _apply_on = ["activecampaign.res.partner"]
