"""Declared workflows: a table of transitions, applied under a row lock, each recorded.

An app declares its object's workflow once, next to its services::

    RETURN_WORKFLOW = Workflow(
        model=PerformanceReturn,
        event_model=ReturnEvent,          # inherits csp_portal.lib.models.WorkflowEvent
        event_object="performance_return",  # the event's foreign key to the object
        lock_related=("partnership", "period"),
        transitions=[
            Transition(
                "approve",
                source=[Status.SUBMITTED],
                target=Status.APPROVED,
                rule=can_approve_return,   # from the app's permissions.py: (user, obj) -> Decision
                event=ReturnEvent.Kind.APPROVED,
                stamp="approved_at",
                person="approved_by",
            ),
            ...
        ],
    )

and a service calls ``RETURN_WORKFLOW.apply("approve", ret, by=user, comment=comment)``.
``apply`` does, in one transaction:

1. lock the object's row (``SELECT … FOR UPDATE OF`` the object's table) and read it
   again, so a second request that waited for the lock sees what the first one did;
2. decide on the locked row: the transition's rule, then the state (a state not in the
   transition's ``source`` is refused with a reason even when the rule forgot to look);
   a refusal raises PermissionDenied with the reason;
3. require the comment if the transition says so (ValidationError on "comment");
4. run ``validate`` (raises ValidationError; may write, everything rolls back on error);
5. set the state, the ``stamp`` (now, or today for a DateField) and ``person`` fields,
   set ``clear`` fields to None, run ``effect`` (side effects; it may set more fields of
   the object and add them to ``step.fields``, and add values for the event row to
   ``step.event_fields``);
6. record the event (kind, from and to state, by, comment), point ``event_link`` at it;
7. save the object with ``update_fields`` (its ``updated_at`` too) and the person for the
   change history.

It returns the locked, saved object; the instance passed in gets the same field values,
so a caller holding it does not read a stale state. Nothing here imports an app: the
table names the model, the rules and the hooks. See docs/workflow.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csp_portal.lib.decisions import Decision
from csp_portal.lib.models import WorkflowEvent

if TYPE_CHECKING:  # a development dependency: only for the annotations
    from django_stubs_ext import StrOrPromise

Rule = Callable[[Any, Any], Decision]


@dataclass
class Step:
    """What a transition's hooks see: the locked object and what is being done to it."""

    workflow: Workflow
    transition: Transition
    obj: Any
    by: Any
    comment: str
    from_state: str
    # Extra keyword arguments the service passed to apply(), for the hooks.
    data: dict[str, Any]
    # The object's fields the transition writes (hooks may add to it).
    fields: list[str] = field(default_factory=list)
    # Extra values for the event row (for example a version the effect created).
    event_fields: dict[str, Any] = field(default_factory=dict)
    event: WorkflowEvent | None = None


Hook = Callable[[Step], None]


@dataclass(frozen=True)
class Transition:
    """One row of the table: from ``source`` state(s) to ``target``, decided by ``rule``."""

    name: str
    source: Iterable[str]
    target: str
    rule: Rule
    event: str
    # How the transition reads in "You cannot <label> this <object>" (default: the name).
    label: str = ""
    # The date or date-time field set to now (today for a DateField), and the person field.
    stamp: str = ""
    person: str = ""
    # Fields set to None (for example an open query an approval answers).
    clear: tuple[str, ...] = ()
    # A foreign key of the object set to the event this transition records.
    event_link: str = ""
    # If set, a comment is required, and this is the message when there is none (a lazy
    # translation, as it is shown in the language of the request).
    comment: StrOrPromise = ""
    validate: Hook | None = None
    effect: Hook | None = None

    def __post_init__(self) -> None:
        # Accept any iterable (a list, a single choice) but keep a tuple.
        source = (self.source,) if isinstance(self.source, str) else tuple(self.source)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "clear", tuple(self.clear))

    @property
    def words(self) -> str:
        return self.label or self.name.replace("_", " ")


class Workflow:
    """A model's declared transitions and the one way to apply them."""

    def __init__(
        self,
        *,
        model: type[models.Model],
        event_model: type[WorkflowEvent],
        event_object: str,
        transitions: Iterable[Transition],
        state_field: str = "status",
        lock_related: Iterable[str] = (),
    ) -> None:
        self.model = model
        self.event_model = event_model
        self.event_object = event_object
        self.state_field = state_field
        self.lock_related = tuple(lock_related)
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ImproperlyConfigured(
                    f"{self._label}: transition {transition.name!r} is declared twice"
                )
            self.transitions[transition.name] = transition
        self._check()

    # The table's own validation: a mistake in it fails at import, not in a request. ------

    @property
    def _label(self) -> str:
        return f"{self.model._meta.label} workflow"

    def _field(self, name: str, model: type[models.Model] | None = None) -> models.Field[Any, Any]:
        model = model or self.model
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ImproperlyConfigured(
                f"{self._label}: {model._meta.label} has no field {name!r}"
            ) from exc
        if not isinstance(found, models.Field):
            # A reverse relation (get_field finds those too): the table names the model's
            # own fields only.
            raise ImproperlyConfigured(
                f"{self._label}: {model._meta.label}.{name} is a reverse relation, not a field"
            )
        return found

    def _check(self) -> None:
        if not issubclass(self.event_model, WorkflowEvent):
            raise ImproperlyConfigured(
                f"{self._label}: {self.event_model.__name__} must inherit WorkflowEvent"
            )
        link = self._field(self.event_object, self.event_model)
        if not (link.many_to_one and _is_model(link.related_model, self.model)):
            raise ImproperlyConfigured(
                f"{self._label}: {self.event_model.__name__}.{self.event_object} "
                f"is not a foreign key to {self.model.__name__}"
            )
        states = {value for value, _label in self._field(self.state_field).choices or ()}
        if not states:
            raise ImproperlyConfigured(f"{self._label}: {self.state_field!r} has no choices")
        kinds = {value for value, _label in self.event_model._meta.get_field("kind").choices or ()}
        for t in self.transitions.values():
            where = f"{self._label}, transition {t.name!r}"
            if not t.source:
                raise ImproperlyConfigured(f"{where}: no source state")
            unknown = (set(t.source) | {t.target}) - states
            if unknown:
                raise ImproperlyConfigured(f"{where}: unknown states {sorted(unknown)}")
            if not callable(t.rule):
                raise ImproperlyConfigured(f"{where}: the rule is not callable")
            if kinds and t.event not in kinds:
                raise ImproperlyConfigured(f"{where}: {t.event!r} is not an event kind")
            if t.stamp and not isinstance(self._field(t.stamp), models.DateField):
                raise ImproperlyConfigured(f"{where}: {t.stamp!r} is not a date or date-time")
            if t.person:
                person = self._field(t.person)
                if not (person.many_to_one and _is_model(person.related_model, None)):
                    raise ImproperlyConfigured(f"{where}: {t.person!r} is not a user")
            for name in t.clear:
                if not self._field(name).null:
                    raise ImproperlyConfigured(f"{where}: {name!r} cannot be cleared (not null)")
            if t.event_link:
                target = self._field(t.event_link)
                if not (target.many_to_one and _is_model(target.related_model, self.event_model)):
                    raise ImproperlyConfigured(
                        f"{where}: {t.event_link!r} is not a foreign key to the event"
                    )

    # Questions ----------------------------------------------------------------------

    def __getitem__(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError as exc:
            raise ImproperlyConfigured(f"{self._label} has no transition {name!r}") from exc

    def state_label(self, state: str) -> str:
        # _check made sure the state field has choices.
        return str(dict(self._field(self.state_field).choices or ()).get(state, state))

    def decide(self, name: str, obj: Any, by: Any) -> Decision:
        """May ``by`` make this transition on ``obj`` as it is now? With the reason if not."""
        transition = self[name]
        decision = transition.rule(by, obj)
        if not decision:
            return decision
        state = getattr(obj, self.state_field)
        if state not in transition.source:
            return Decision.deny(
                _("You cannot %(action)s this %(object)s: it is %(state)s.")
                % {
                    "action": transition.words,
                    "object": self.model._meta.verbose_name,
                    "state": self.state_label(state).lower(),
                }
            )
        return Decision.allow()

    def allowed(self, obj: Any, by: Any) -> list[Transition]:
        """The transitions ``by`` may make on ``obj`` now (for the buttons of a page)."""
        return [t for t in self.transitions.values() if self.decide(t.name, obj, by)]

    # Writes -------------------------------------------------------------------------

    def lock(self, obj: Any) -> Any:
        """The object's row, read again under a row lock (only its own table is locked)."""
        return (
            self.model._default_manager.select_for_update(of=("self",))
            .select_related(*self.lock_related)
            .get(pk=obj.pk)
        )

    def record(
        self,
        obj: Any,
        kind: str,
        *,
        by: Any,
        comment: str = "",
        from_state: str = "",
        to_state: str = "",
        **fields: Any,
    ) -> WorkflowEvent:
        """Write one event row (apply() calls it; a service may too, for a creation)."""
        return self.event_model._default_manager.create(
            **{self.event_object: obj},
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            by=by,
            comment=comment,
            **fields,
        )

    def apply(self, name: str, obj: Any, *, by: Any, comment: str = "", **data: Any) -> Any:
        """Make the transition: lock, decide, validate, set, record, save. See the module."""
        transition = self[name]
        with transaction.atomic():
            locked = self.lock(obj)
            self.decide(name, locked, by).raise_if_denied()
            comment = (comment or "").strip()
            if transition.comment and not comment:
                raise ValidationError({"comment": transition.comment})
            step = Step(
                workflow=self,
                transition=transition,
                obj=locked,
                by=by,
                comment=comment,
                from_state=getattr(locked, self.state_field),
                data=data,
            )
            if transition.validate:
                transition.validate(step)
            self._set(step)
            if transition.effect:
                transition.effect(step)
            step.event = self.record(
                locked,
                transition.event,
                by=by,
                comment=comment,
                from_state=step.from_state,
                to_state=transition.target,
                **step.event_fields,
            )
            if transition.event_link:
                setattr(locked, transition.event_link, step.event)
                step.fields.append(transition.event_link)
            self._save(locked, by, step.fields)
        if obj is not locked:
            for name_ in step.fields:
                setattr(obj, name_, getattr(locked, name_))
        return locked

    def _set(self, step: Step) -> None:
        t, obj = step.transition, step.obj
        setattr(obj, self.state_field, t.target)
        step.fields.append(self.state_field)
        if t.stamp:
            is_datetime = isinstance(self._field(t.stamp), models.DateTimeField)
            setattr(obj, t.stamp, timezone.now() if is_datetime else timezone.localdate())
            step.fields.append(t.stamp)
        if t.person:
            setattr(obj, t.person, step.by)
            step.fields.append(t.person)
        for name in t.clear:
            setattr(obj, name, None)
            step.fields.append(name)

    def _save(self, obj: Any, by: Any, fields: list[str]) -> None:
        fields = list(dict.fromkeys(fields))
        if any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
            fields.append("updated_at")
        obj._history_user = by  # simple-history records who made the change
        obj.save(update_fields=fields)


def _is_model(related: Any, model: type[models.Model] | None) -> bool:
    """Whether a relation points at ``model`` (None: the user model)."""
    label = related if isinstance(related, str) else related._meta.label
    wanted = settings.AUTH_USER_MODEL if model is None else model._meta.label
    return label.lower() == wanted.lower()
