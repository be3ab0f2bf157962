"""`{{ step.completion_event|event_description }}`: an event type as people read it (its declared description,
"A partner accepted the program agreement.") rather than its key; a key no app declares shows as it is.
`{{ step.condition|condition_text }}`: a step's payload condition as "course: 12" pairs."""

from django import template

from prm import registry

register = template.Library()


@register.filter
def event_description(event_type) -> str:
    declared = registry.event_types().get(str(event_type or ""))
    if declared is not None and declared.description:
        return str(declared.description)
    return str(event_type or "")


@register.filter
def condition_text(condition) -> str:
    if not isinstance(condition, dict):
        return str(condition or "")
    return ", ".join(f"{str(key).removesuffix('_id').replace('_', ' ')}: {value}" for key, value in condition.items())
