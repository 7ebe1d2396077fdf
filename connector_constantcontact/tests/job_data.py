"""What the job functions and crons were when this addon declared them in
XML, before the base loaded them (see ``marketing.backend._job_functions``):
the test of ``test_jobs`` holds the loaded records to it."""

#: the job functions and crons as data/*.xml declared them before the base
#: loaded them: XML id -> (channel, retry pattern) / (name, code, interval)
JOB_FUNCTIONS = {
    "job_function_constantcontact_backend_import_contacts_page": (
        "root.marketing.constantcontact.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_constantcontact_backend_import_contact": (
        "root.marketing.constantcontact.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_constantcontact_backend_export_contacts": (
        "root.marketing.constantcontact.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_constantcontact_backend_follow_bulk_import": (
        "root.marketing.constantcontact.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_constantcontact_backend_export_list_memberships": (
        "root.marketing.constantcontact.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_constantcontact_backend_import_engagement": (
        "root.marketing.constantcontact.batch",
        {1: 60, 5: 600, 10: 3600},
    ),
    "job_function_constantcontact_backend_import_tracking": (
        "root.marketing.constantcontact.batch",
        {1: 60, 5: 600, 10: 3600},
    ),
    "job_function_constantcontact_backend_delete_remote_contact": (
        "root.marketing.constantcontact.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_constantcontact_backend_forget_remote_contacts": (
        "root.marketing.constantcontact.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_constantcontact_backend_refresh_remote_fields": (
        "root.marketing.constantcontact.maintenance",
        {1: 600},
    ),
    "job_function_constantcontact_backend_reconcile_contacts_page": (
        "root.marketing.constantcontact.maintenance",
        {1: 600},
    ),
    "job_function_constantcontact_backend_cleanup_old_records": (
        "root.marketing.constantcontact.maintenance",
        {1: 600},
    ),
    "job_function_constantcontact_res_partner_export_record": (
        "root.marketing.constantcontact.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_constantcontact_res_partner_export_batch": (
        "root.marketing.constantcontact.batch",
        {1: 30, 5: 300, 10: 1800},
    ),
    "job_function_constantcontact_res_partner_unsubscribe_remote": (
        "root.marketing.constantcontact.export",
        {1: 10, 5: 60, 10: 600},
    ),
    "job_function_constantcontact_backend_export_opt_outs": (
        "root.marketing.constantcontact.export",
        {1: 10, 5: 60, 10: 600},
    ),
}
CRONS = {
    "ir_cron_constantcontact_sync": (
        "Constant Contact: import changes, export pending partners",
        "model._scheduler_sync()",
        15,
        "minutes",
    ),
    "ir_cron_constantcontact_engagement": (
        "Constant Contact: poll campaigns and tracking reports",
        "model._scheduler_engagement()",
        1,
        "hours",
    ),
    "ir_cron_constantcontact_maintenance": (
        "Constant Contact: reconciliation and retention",
        "model._scheduler_maintenance()",
        1,
        "days",
    ),
}
