from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support for pilots")

    def ready(self) -> None:
        from portal import reminders, work
        from support.tasks import obstacle_reminders
        from support.views import work_sections

        reminders.register(obstacle_reminders)
        _follow()
        for section in work_sections:
            work.register(section)


def _follow() -> None:
    """An obstacle not yet cleared is answered by the successor of its answering unit."""
    from django.db.models import Q

    from portal import successors
    from support.models import Obstacle

    successors.follow(
        Obstacle, fields=("answerer_unit",), still_open=lambda: ~Q(status="cleared"), person="raised_by_id"
    )
