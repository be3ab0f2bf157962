"""The isolation world's applications and ideal-partner-profile criteria:
objects of tenant A (organization X's where they belong to a partner)."""

# URL parameter -> the object's id, for page routes.
OBJECT_KWARGS = {}
# Router basename -> the object's id, for API detail routes.
API_OBJECTS = {}


def extend(world) -> None:
    """Create this area's objects (runs inside tenant A's context) and set them as attributes of the world."""
