"""The history signal names what changed without a query per foreign key.

Every write to a model with ``portal_history()`` writes a historical row whose
``history_changes`` names the objects a foreign key points at. Those objects are the ones
loaded on the saved instance, so naming them costs nothing; a new object has no earlier
row to compare with; an unchanged foreign key is compared by its ``_id`` and never loaded.
"""

from __future__ import annotations

from partnerships.models import Board
from tests.partnerships.factories import BoardFactory


def _latest(board: Board):
    return board.history.order_by("-history_date", "-history_id").first()


def test_creating_an_object_with_foreign_keys_writes_it_and_its_history_only(
    world, django_assert_num_queries
):
    parent = BoardFactory(partnership=world.home, name="Strategy board")
    with django_assert_num_queries(2):  # INSERT the board, INSERT its historical row
        board = Board.objects.create(
            partnership=world.home, parent=parent, name="ASB group", kind=Board.Kind.SUB_GROUP
        )
    changes = _latest(board).history_changes
    assert changes["Reports to"] == ["", "Strategy board"]
    assert changes["Partnership"] == ["", world.home.name]


def test_an_edit_that_leaves_the_foreign_keys_alone_loads_none_of_them(
    world, django_assert_num_queries
):
    parent = BoardFactory(partnership=world.home, name="Strategy board")
    board = Board.objects.get(pk=BoardFactory(partnership=world.home, parent=parent).pk)
    old_name = board.name
    board.name = "Anti-social behaviour group"
    # UPDATE, SELECT the previous historical row, INSERT the new one.
    with django_assert_num_queries(3):
        board.save()
    assert _latest(board).history_changes == {"Name": [old_name, board.name]}


def test_a_changed_foreign_key_is_named_before_and_after(world, django_assert_num_queries):
    first = BoardFactory(partnership=world.home, name="Strategy board")
    second = BoardFactory(partnership=world.home, name="Safety board")
    board = BoardFactory(partnership=world.home, parent=first, name="ASB group")
    board.parent = second
    # UPDATE, the previous row, the old parent's name (the new one is loaded), INSERT.
    with django_assert_num_queries(4):
        board.save()
    assert _latest(board).history_changes == {"Reports to": ["Strategy board", "Safety board"]}
