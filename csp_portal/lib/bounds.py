"""How long free text may be: one named limit per purpose, and the text field that keeps it.

Every free-text field in the portal has a bound, so no one can save a megabyte of
narrative (which a return version would then copy on every submission). The limit is
written once, on the model field, and reaches every way in:

- forms: the form field's ``max_length`` is the same constant, so the person gets an error
  next to the field and keeps what they typed; a Textarea with a ``max_length`` is drawn
  as the GOV.UK character count (csp_portal.lib.forms);
- the API: DRF's ModelSerializer copies a model field's ``max_length`` onto the serializer
  field, so an over-long value is a 400 naming the field;
- services and ``full_clean``: ``BoundedTextField`` carries a MaxLengthValidator (Django's
  TextField ignores ``max_length`` everywhere but in forms);
- the database: a CHECK constraint on the column's length (``length_checks`` in the
  model's Meta), for anything that writes around the model (an ``update()``, SQL).

The limits fit the text's purpose: a return section's narratives are a few paragraphs
(the longest in the demo returns is about 1,500 characters).
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# A return section's four narrative answers.
NARRATIVE_MAX_LENGTH = 10_000
# A plan's summary, a priority's or an action's description, a board's remit, what a
# statutory duty requires.
DESCRIPTION_MAX_LENGTH = 5_000
# Comments: sign-off and return comments, PCC queries, why an assessment differs from the
# measures, an action's progress.
COMMENT_MAX_LENGTH = 5_000
# One-line notes and statements (a measure value's note, why there is no data, the RAG
# statement): CharFields, so PostgreSQL's varchar enforces them already.
NOTE_MAX_LENGTH = 500


# django-stubs make Field generic (the types set and read); Django's class cannot be
# subscripted at run time, and the plugin takes the types from TextField's declarations.
class BoundedTextField(models.TextField):  # type: ignore[type-arg]
    """A TextField whose ``max_length`` is also checked by ``full_clean`` and services
    that validate (Django's TextField keeps ``max_length`` for forms only). The database
    keeps it through ``length_checks`` in the model's Meta."""

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        # Passed in ``kwargs``, not as its own keyword: mypy counts ``*args`` as possibly
        # filling every positional parameter, max_length (the fourth) among them.
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(validators.MaxLengthValidator(max_length))


def length_checks(prefix: str, **limits: int) -> list[models.BaseConstraint]:
    """CHECK constraints keeping each named column within its limit, for a model's
    ``Meta.constraints``: ``*length_checks("performance_section", summary=NARRATIVE_MAX_LENGTH)``.
    Pass the constant the field uses (tests/hardening/test_bounds.py checks they agree)."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit),
            name=f"{prefix}_{field}_max_length",
            violation_error_message=f"{field} must be {limit} characters or fewer",
        )
        for field, limit in limits.items()
    ]
