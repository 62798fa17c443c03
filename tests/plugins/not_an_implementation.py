from impls import register


@register
class NotAnImplementation:
    name = "not-an-implementation"
