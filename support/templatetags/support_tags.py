"""`{% obstacles_panel pilot %}`: the obstacles of a pilot on its page, with the raise button
for an implementer."""

from django import template

from support import permissions, services
from support.models import Obstacle

register = template.Library()


@register.inclusion_tag("support/_pilot_obstacles.html", takes_context=True)
def obstacles_panel(context, pilot) -> dict:
    user = context["request"].user
    return {
        "pilot": pilot,
        "obstacles": Obstacle.objects.filter(pilot=pilot).for_list(),
        "may_raise": permissions.can_raise(user, pilot) and pilot.status in services.RAISING_STATES,
    }
