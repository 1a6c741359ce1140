from django.apps import AppConfig


class FinanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finance"

    def ready(self):
        # The treasury workbook runs as an import job: the values import's page, progress bar,
        # time limit and Celery worker (assessments.excel.jobs).
        from assessments.excel.jobs import register_runner
        from finance.treasury import run_job

        register_runner("treasury", run_job)
