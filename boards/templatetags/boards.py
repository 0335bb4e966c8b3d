from django import template

from members.models import District

from ..models import Category

register = template.Library()


@register.filter
def category_labels(values: list[str]) -> list[str]:
    names = dict(Category.choices)
    return [str(names.get(value, value)) for value in values]


@register.filter
def district_label(value: str) -> str:
    return str(dict(District.choices).get(value, value))
