#!/usr/bin/python3
"""Checks .xlsx reports with an independent reader (openpyxl), not excelize.

Usage: /usr/bin/python3 .ci/xlsxcheck.py SPEC.json

SPEC is a list of files to check, each:
  {"file": "register.xlsx",
   "sheets": ["So theo doi", ...],              # exact sheet names, in order
   "checks": [
     {"sheet": "...", "cell": "B5", "equals": "Số vụ việc"},      # a header or any cell
     {"sheet": "...", "cell": "H9", "number": 1250000},           # a number cell
     {"sheet": "...", "data_rows": 40, "from_row": 6, "column": "B"},  # non-empty cells of a column from a row on, up to the first empty one
     {"sheet": "...", "column_sum": "N", "from_row": 6, "to_row": 45, "equals_number": 5300000},
     {"sheet": "...", "max_row_at_least": 46}
   ]}
It reads every file the way a reader that trusts the file does (read_only mode,
which relies on the sheet dimension), prints one line per failure and exits 1
if any check fails.
"""
import json
import sys

import openpyxl


def cell(ws, ref):
    return ws[ref].value


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    failures = []
    checked = 0
    for f in spec:
        path = f["file"]
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - report any reader failure
            failures.append(f"{path}: openpyxl cannot open it: {e}")
            continue
        if "sheets" in f and wb.sheetnames != f["sheets"]:
            failures.append(f"{path}: sheets {wb.sheetnames}, want {f['sheets']}")
        # Read each sheet once into rows (read-only worksheets stream).
        grids = {}

        def grid(name):
            if name not in grids:
                ws = wb[name]
                grids[name] = (ws, [list(r) for r in ws.iter_rows(values_only=True)])
            return grids[name]

        for c in f.get("checks", []):
            checked += 1
            name = c["sheet"]
            if name not in wb.sheetnames:
                failures.append(f"{path}: no sheet {name!r}")
                continue
            ws, rows = grid(name)

            def at(ref):
                col = openpyxl.utils.cell.column_index_from_string("".join(ch for ch in ref if ch.isalpha()))
                row = int("".join(ch for ch in ref if ch.isdigit()))
                if row - 1 >= len(rows) or col - 1 >= len(rows[row - 1]):
                    return None
                return rows[row - 1][col - 1]

            if "equals" in c:
                got = at(c["cell"])
                if got != c["equals"]:
                    failures.append(f"{path}!{name}!{c['cell']}: {got!r}, want {c['equals']!r}")
            if "number" in c:
                got = at(c["cell"])
                if not isinstance(got, (int, float)) or abs(got - c["number"]) > 1e-6:
                    failures.append(f"{path}!{name}!{c['cell']}: {got!r}, want the number {c['number']}")
            if "data_rows" in c:
                col = openpyxl.utils.cell.column_index_from_string(c["column"]) - 1
                n = 0
                for r in rows[c["from_row"] - 1:]:
                    if col >= len(r) or r[col] in (None, ""):
                        break
                    n += 1
                if n != c["data_rows"]:
                    failures.append(f"{path}!{name}: {n} rows in column {c['column']} from row {c['from_row']}, want {c['data_rows']}")
            if "column_sum" in c:
                col = openpyxl.utils.cell.column_index_from_string(c["column_sum"]) - 1
                total = 0
                for r in rows[c["from_row"] - 1:c["to_row"]]:
                    v = r[col] if col < len(r) else None
                    if isinstance(v, (int, float)):
                        total += v
                if abs(total - c["equals_number"]) > 1e-6:
                    failures.append(f"{path}!{name}: column {c['column_sum']} rows {c['from_row']}–{c['to_row']} sum to {total}, want {c['equals_number']}")
            if "max_row_at_least" in c:
                if len(rows) < c["max_row_at_least"]:
                    failures.append(f"{path}!{name}: the reader sees {len(rows)} rows, want at least {c['max_row_at_least']} (sheet dimension?)")
    for line in failures:
        print(line)
    print(f"xlsxcheck: {len(spec)} files, {checked} checks, {len(failures)} failures", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
