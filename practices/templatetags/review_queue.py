from django import template

from practices.review_queue import queue_for

register = template.Library()


@register.simple_tag
def review_queue(user):
    """{% review_queue user as queue %}: what waits for this user (admin home)."""
    return queue_for(user)
