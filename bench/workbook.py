#!/usr/bin/env python3
"""The workbook side of benches/workbook.rs, with openpyxl and pandas (pip install openpyxl pandas).

    workbook.py make REGISTER.csv REGISTER.xlsx   the register as a clerk's workbook, written by
                                                  openpyxl: a title row, the header, counts,
                                                  years and incomes as number cells
    workbook.py read REGISTER.xlsx                 time pandas.read_excel on it; prints seconds

Only the read_excel call is timed (not Python's start or the pandas import): the reference is
what pandas needs just to read the sheet.
"""

import csv
import sys
import time

NUMBERS = ("家庭人口", "脱贫年度", "人均纯收入")


def number(text):
    """A count, year or income cell as a number cell (the CSV writes `13,858`, `2018年`); text
    that is not a plain number (the generator's deliberate oddities) stays text."""
    try:
        v = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(v) if v.is_integer() else v


def make(src, dst):
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        ws.append(["建档立卡贫困户台账（基准测试，生成数据）"])
        ws.append(header)
        numeric = [h in NUMBERS for h in header]
        for row in rows:
            ws.append([number(v) if n and v else (v or None) for n, v in zip(numeric, row)])
    wb.save(dst)


def read(path):
    import pandas

    start = time.perf_counter()
    frame = pandas.read_excel(path, header=1)
    elapsed = time.perf_counter() - start
    assert len(frame) > 0
    print(f"{elapsed:.4f}")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        read(sys.argv[2])
