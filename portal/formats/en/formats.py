"""English screens keep the Vietnamese date and number formats: dd/mm/yyyy, 1.234.567."""

from portal.formats.vi.formats import *  # noqa: F403
