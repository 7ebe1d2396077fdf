"""What the job functions and crons were when this addon declared them in
XML, before the base loaded them (see ``marketing.backend._job_functions``):
the test of ``test_jobs`` holds the loaded records to it."""

#: the job functions and crons as data/*.xml declared them before the base
#: loaded them: XML id -> (channel, retry pattern) / (name, code, interval)
JOB_FUNCTIONS = {
    "job_function_marketo_backend_process_webhook_event": (
        "root.marketing.marketo.webhook",
        {1: 5, 5: 30, 10: 300},
    ),
    "job_function_marketo_backend_import_contact": (
        "root.marketing.marketo.webhook",
        {1: 5, 5: 30, 10: 300},
    ),
    "job_function_marketo_backend_import_contacts_page": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_import_contacts_chunk": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_import_activities_page": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_import_deleted_leads_page": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_bulk_extract_step": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_export_contacts": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_export_companies": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_backend_delete_remote_contact": (
        "root.marketing.marketo.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_marketo_backend_forget_remote_contacts": (
        "root.marketing.marketo.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_marketo_backend_reconcile_contacts_page": (
        "root.marketing.marketo.maintenance",
        {1: 600},
    ),
    "job_function_marketo_backend_cleanup_old_records": (
        "root.marketing.marketo.maintenance",
        {1: 600},
    ),
    "job_function_marketo_res_partner_export_record": (
        "root.marketing.marketo.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_marketo_res_partner_export_batch": (
        "root.marketing.marketo.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_marketo_crm_lead_export_stage": (
        "root.marketing.marketo.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_marketo_backend_export_opt_outs": (
        "root.marketing.marketo.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_marketo_res_partner_unsubscribe_remote": (
        "root.marketing.marketo.export",
        {1: 10, 5: 60, 10: 600},
    ),
}
CRONS = {
    "ir_cron_marketo_sync": (
        "Marketo: import changes, export pending partners",
        "model._scheduler_sync()",
        15,
        "minutes",
    ),
    "ir_cron_marketo_maintenance": (
        "Marketo: reconciliation and retention",
        "model._scheduler_maintenance()",
        1,
        "days",
    ),
}
