"""Domain errors: services raise them, views turn them into a form error, a 409 or a 403."""


class DomainError(Exception):
    """A rule of the process is broken; the API answers 409 with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class InvalidTransition(DomainError):
    """The action is not allowed in the object's current state (409)."""


class NotAllowed(Exception):
    """The person may see the object but not do this (403)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class IncompleteInput(Exception):
    """Input the person must fix, field by field (400 in the API, form errors in the browser)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
