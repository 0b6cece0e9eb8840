"""URL converters that reject malformed ids with a 404 instead of a database error."""


class IdConverter:
    """A positive integer that fits a BIGINT column (at most 18 digits)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


class CodeConverter:
    regex = "[A-Za-z0-9_-]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
