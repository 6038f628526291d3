"""Laws of the LangGraph checkpointer ``DualtrackSaver`` over any ``DgentProtocol`` store, as
reusable hypothesis checks (needs the ``langgraph`` extra). Give the check an async factory of
fresh stores, as for :mod:`laws.dgent`::

    from laws.checkpointer import check_saver_history

    def test_my_store_keeps_langgraph_history(tmp_path):
        async def fresh(namespace):
            return await SQLiteDgent.open(tmp_path / "memory.db", namespace=namespace)

        check_saver_history(fresh)
"""

from laws.checkpointer.checks import check_saver_history
from laws.checkpointer.scripts import Run, Script, scripts

__all__ = ["Run", "Script", "check_saver_history", "scripts"]
