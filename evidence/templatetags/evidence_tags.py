"""`{% evidence_panel proposal %}`: on the proposal page, the dossier and the official documents
its record allows, each with its register number once issued."""

from django import template

from evidence import services

register = template.Library()


@register.inclusion_tag("evidence/_panel.html", takes_context=True)
def evidence_panel(context, proposal) -> dict:
    user = context["request"].user
    steps = context.get("timeline")  # the page's timeline: the proposal's transitions, read once
    found = services.documents_of(reader=user, proposal=proposal, steps=steps)
    return {"proposal": proposal, "documents": found}
