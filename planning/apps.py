from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Kế hoạch"

    def ready(self):
        from planning import permissions  # noqa: F401  (registers its access rules for templates)
