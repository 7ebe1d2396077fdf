# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``res.partner.activecampaign_account_ids`` became
``activecampaign_company_bind_ids`` (one name per concept: a provider's
company bindings are ``<provider>_company_bind_ids``).

A one2many has no column: the field's ``ir.model.fields`` row and its XML
id are renamed, so the registry updates that row instead of deleting it
and creating another (what refers to the field by id, an export list or a
filter, keeps working).
"""

OLD, NEW = "activecampaign_account_ids", "activecampaign_company_bind_ids"


def migrate(cr, version):
    if not version:
        return
    # the field's row on res.partner and on the models that inherit it
    # (res.users, the bindings delegating to res.partner)
    cr.execute(
        """
        UPDATE ir_model_fields f SET name = %(new)s
         WHERE f.name = %(old)s
           AND NOT EXISTS (
               SELECT 1 FROM ir_model_fields g
                WHERE g.model = f.model AND g.name = %(new)s)
        """,
        {"old": OLD, "new": NEW},
    )
    cr.execute(
        """
        UPDATE ir_model_data SET name = replace(name, %(old)s, %(new)s)
         WHERE module = 'connector_activecampaign' AND model = 'ir.model.fields'
           AND name LIKE %(pattern)s
        """,
        {"old": f"__{OLD}", "new": f"__{NEW}", "pattern": f"field\\_%\\_\\_{OLD}"},
    )
