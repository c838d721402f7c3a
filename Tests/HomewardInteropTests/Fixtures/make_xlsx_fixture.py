"""Makes list-openpyxl.xlsx, the spreadsheet-program-made workbook XLSXReaderTests reads.

Run with `python3 make_xlsx_fixture.py` (needs `pip install openpyxl`); the generated file is
committed, so the tests need neither Python nor openpyxl.
"""

import datetime
import os

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

workbook = Workbook()
sheet = workbook.active
sheet.title = "Список"
sheet.append(["ПІБ", "Дата народження", "Особистий номер", "Примітка"])
sheet.append(["Шевченко Тарас Григорович", datetime.date(1990, 8, 31), 1234567, "звільнений"])
sheet.append(["Коваленко Ірина", datetime.date(1985, 1, 2), 42.5, None])
sheet.append([None, None, None, None])
sheet.append(["Ґудзь Євген", None, "007", CellRichText(TextBlock(InlineFont(b=True), "жирний"), " і звичайний")])
sheet["A7"] = "рядок після пропуску"
sheet["F7"] = True
sheet["B8"] = "=1+1"
second = workbook.create_sheet("Другий")
second.append(["не цей аркуш"])
workbook.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "list-openpyxl.xlsx"))
