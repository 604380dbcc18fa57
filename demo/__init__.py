"""The demo app: data for trying the portal. Reference data plus the partnerships, people,
plans and quarterly returns of the five seed documents (and a few synthetic ones beside
them).

``manage.py seed_demo`` runs every loader in ``demo.loaders.LOADERS``, in order, inside
one transaction. A loader is a function with no arguments that returns a LoadResult. Each must be
idempotent: running it again changes nothing unless its source files changed. To add
demo data, write a loader in this package, reading its own file in fixtures/demo/, and
append it to LOADERS after the loaders it depends on.

Plans and returns (plans.py, returns.py) are built through the services, as the
partnership's people would have built them, on the demo clock (clock.py) so their dates
are the story's. A plan or return already in the database is left as it is, even if its
file has changed since (someone may have worked on it in the portal): to load an edited
plan or return file, start from an empty database.

An app of its own (like ``benchmark``), always installed so ``seed_demo`` can say why it
refuses (it runs only with DEBUG on); it has no models and no URLs. This package's
``__init__`` imports nothing, because Django imports it before the models are ready.
"""
