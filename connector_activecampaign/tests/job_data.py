"""What the job functions and crons were when this addon declared them in
XML, before the base loaded them (see ``marketing.backend._job_functions``):
the test of ``test_jobs`` holds the loaded records to it."""

#: the job functions and crons as data/*.xml declared them before the base
#: loaded them: XML id -> (channel, retry pattern) / (name, code, interval)
JOB_FUNCTIONS = {
    "job_function_activecampaign_backend_process_webhook_event": (
        "root.marketing.activecampaign.webhook",
        {1: 5, 5: 30, 10: 300},
    ),
    "job_function_activecampaign_backend_import_contact": (
        "root.marketing.activecampaign.webhook",
        {1: 5, 5: 30, 10: 300},
    ),
    "job_function_activecampaign_backend_import_contacts_page": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_import_unsubscribes_page": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_export_contacts": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_export_accounts": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_export_deals": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_follow_bulk_import": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_refresh_remote_fields": (
        "root.marketing.activecampaign.maintenance",
        {1: 60, 5: 600},
    ),
    "job_function_activecampaign_backend_delete_remote_contact": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_activecampaign_backend_forget_remote_contacts": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_activecampaign_backend_reconcile_contacts_page": (
        "root.marketing.activecampaign.maintenance",
        {1: 600},
    ),
    "job_function_activecampaign_backend_cleanup_old_records": (
        "root.marketing.activecampaign.maintenance",
        {1: 600},
    ),
    "job_function_activecampaign_res_partner_export_record": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_activecampaign_res_partner_export_batch": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_account_export_record": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_activecampaign_account_export_batch": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_sale_order_export_record": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_activecampaign_sale_order_export_batch": (
        "root.marketing.activecampaign.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_activecampaign_backend_export_opt_outs": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_activecampaign_res_partner_unsubscribe_remote": (
        "root.marketing.activecampaign.export",
        {1: 10, 5: 60, 10: 600},
    ),
}
CRONS = {
    "ir_cron_activecampaign_sync": (
        "ActiveCampaign: import changes, export pending partners and deals",
        "model._scheduler_sync()",
        15,
        "minutes",
    ),
    "ir_cron_activecampaign_maintenance": (
        "ActiveCampaign: reconciliation and retention",
        "model._scheduler_maintenance()",
        1,
        "days",
    ),
}
