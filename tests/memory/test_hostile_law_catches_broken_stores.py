"""The hostile-input law can fail: a store letting a builtin error out, or changing itself on
a refused call, is caught by ``laws.dgent.hostile``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import Phase, settings

from dualtrack import Datum, DgentProtocol, InvalidArgument, LawViolation, MemoryDgent
from laws.dgent.hostile import check_hostile_catalogue, check_hostile_inputs

SEARCHING = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)


class LeaksTypeError(MemoryDgent):
    """get lets a builtin TypeError out for an id that is not a str."""

    async def get(self, datum_id: Any, **options: Any) -> Any:  # type: ignore[override]
        if type(datum_id) is not str:
            raise TypeError("not a str")
        return await super().get(datum_id, **options)


class WritesThenRefuses(MemoryDgent):
    """children stores a datum, then refuses an id that is not a str."""

    async def children(self, datum_id: Any, **options: Any) -> Any:  # type: ignore[override]
        if type(datum_id) is not str:
            await super().put(Datum(id="ghost", content=b"", created_at=3.0))
            raise InvalidArgument("refused after writing")
        return await super().children(datum_id, **options)


#: Each broken store, with the law that must catch it.
BROKEN = [
    (LeaksTypeError, "hostile input raises DualtrackError or succeeds"),
    (WritesThenRefuses, "a refused call changes nothing"),
]


@pytest.mark.parametrize("check", ["drawn", "catalogue"])
@pytest.mark.parametrize(("store", "law"), BROKEN)
def test_the_hostile_law_catches_a_broken_store(
    store: type[MemoryDgent], law: str, check: str
) -> None:
    """Both the random draws and the whole catalogue catch each broken store."""

    async def fresh(namespace: str) -> DgentProtocol:
        return store(namespace)

    def run() -> None:
        if check == "drawn":
            check_hostile_inputs(fresh, settings=SEARCHING)
        else:
            check_hostile_catalogue(fresh)

    with pytest.raises(LawViolation) as caught:
        run()
    assert caught.value.law == law


def test_a_correct_store_passes() -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace)

    check_hostile_inputs(fresh, settings=settings(SEARCHING, max_examples=100))
