"""The importer's problems in staff's words: Vietnamese, from the core's catalogue
(village.messages), so the kiosk's ``village import procedures``, the hub's ``village push
procedures`` and the console's preview say them alike."""

from __future__ import annotations

from village.messages import MESSAGES, say
from village.procedures.problems import Problem


def where_word(record_word: str) -> str:
    """'dòng' (a row of a table) or 'mục' (a record of a JSON list)."""
    return say("problem_where_record") if record_word == "record" else say("problem_where_row")


def problem_text(problem: Problem, where: str) -> str:
    """One problem (its kind, value and limit, as the importer gave them); a kind the
    catalogue does not know yet shows the importer's own text."""
    if f"problem_{problem.kind}" not in MESSAGES:
        return say("problem_unknown", text=problem.text)
    return say(
        f"problem_{problem.kind}",
        where=where,
        value=problem.value,
        other=problem.other,
        column=problem.column,
        limit=f"{problem.limit:,}".replace(",", "."),
    )


def problem_lines(problems: list[Problem], record_word: str) -> list[str]:
    """'  - dòng 3, cột «Mã thủ tục»: …' for each problem, as the commands print them."""
    where = where_word(record_word)
    lines = []
    for problem in problems:
        text = problem_text(problem, where)
        if not problem.row:
            lines.append(say("import_problem_file", text=text))
        elif problem.column:
            lines.append(
                say(
                    "import_problem_row",
                    where=where,
                    row=problem.row,
                    column=problem.column,
                    text=text,
                )
            )
        else:
            lines.append(say("import_problem_row_only", where=where, row=problem.row, text=text))
    return lines
