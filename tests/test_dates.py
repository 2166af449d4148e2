"""Dates as exports write them (analysis.read.dates, .dateshapes, .dateorder, .zones)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.read.corpus import CorpusError
from analysis.read.dateorder import DateSurvey, format_label, precision_warning
from analysis.read.dates import DateError, ParsedDate, parse_date, parse_moment, strip_labels
from analysis.read.dateshapes import DateParser
from analysis.read.table import read_table
from analysis.read.zones import ZONES, zone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # ISO, exactly as before (a zone: the UTC calendar date)
        ("2023-05-04", ("2023-05-04", "day")),
        ("2023-05-04T23:30:00-05:00", ("2023-05-05", "day")),
        ("2023-05-05T01:00:00+03:00", ("2023-05-04", "day")),
        # month names, any usual order, weekday, time, AM/PM, zone
        ("May 4, 2023", ("2023-05-04", "day")),
        ("4 May 2023", ("2023-05-04", "day")),
        ("Nov. 1, 2017", ("2017-11-01", "day")),
        ("Thursday, May 4, 2023", ("2023-05-04", "day")),
        ("May 4th, 2023", ("2023-05-04", "day")),
        ("Thu, 04 May 2023 12:30:00 GMT", ("2023-05-04", "day")),
        ("Thu, 04 May 2023 23:30:00 -0500", ("2023-05-05", "day")),  # 04:30 UTC on the 5th
        ("11:20, 28-Jul-2022", ("2022-07-28", "day")),
        ("May 15, 2024 10:45 AM ET", ("2024-05-15", "day")),
        ("May 15, 2024 10:45 PM ET", ("2024-05-16", "day")),  # EDT: 02:45 UTC on the 16th
        ("Jan 15, 2024 7:30 PM ET", ("2024-01-16", "day")),  # EST: 00:30 UTC on the 16th
        ("Jan 15, 2024 6:30 PM ET", ("2024-01-15", "day")),  # EST: 23:30 UTC
        ("Dec 31, 2023 11:30 PM CST", ("2023-12-31", "day")),  # China: 15:30 UTC
        ("4 May 2023 02:30 MSK", ("2023-05-03", "day")),  # 23:30 UTC the day before
        ("Nov 1, 2017 01:36 UTC+3", ("2017-10-31", "day")),  # UTC+3, not POSIX UTC-3
        # labels: the published date wins
        ("Updated: 2022-03-07 17:49", ("2022-03-07", "day")),
        (
            "Published: Aug 01, 2022 08:36 PM Updated: Aug 02, 2022 10:25 PM",
            ("2022-08-01", "day"),
        ),
        ("Updated: Aug 02, 2022 Published: Aug 01, 2022", ("2022-08-01", "day")),
        ("Published on 4 May 2023", ("2023-05-04", "day")),
        # numeric forms that need no order
        ("2023/05/04", ("2023-05-04", "day")),
        ("2023.05.04", ("2023-05-04", "day")),
        ("20230504", ("2023-05-04", "day")),
        ("28/02/2022", ("2022-02-28", "day")),  # the 28 tells: day-first
        ("02/28/2022", ("2022-02-28", "day")),
        ("28.02.22", ("2022-02-28", "day")),  # %y: 00-68 → 20xx
        ("02/28/69", ("1969-02-28", "day")),  # 69-99 → 19xx
        # years and months: the period's first day
        ("1971", ("1971-01-01", "year")),
        ("2022-03", ("2022-03-01", "month")),
        ("May 2022", ("2022-05-01", "month")),
        (1971, ("1971-01-01", "year")),  # a typed (JSONL, Parquet) integer year
        (1971.0, ("1971-01-01", "year")),
    ],
)
def test_date_forms(value, expected):
    assert tuple(DateParser().parse(value)) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty date"),
        ("   ", "empty date"),
        (None, "empty date"),
        ("yesterday", "not a date in a known form"),
        ("May 4", "no year"),
        ("4 May 23", "no four-digit year"),
        ("2023-02-30", "impossible date"),
        ("2022-13", "impossible month"),
        ("02/03/2022", "day/month order unknown (pass --dayfirst or --monthfirst)"),
        ("31/31/2024", "impossible date: no month"),
        ("4 May 2023 12:30 XYZ", f"unknown time zone 'XYZ'; known: {', '.join(ZONES)}"),
    ],
)
def test_dates_that_are_not_read_say_why(value, reason):
    with pytest.raises(DateError) as info:
        DateParser().parse(value)
    assert str(info.value) == reason


def test_order_reads_ambiguous_numeric_dates_and_rejects_the_other_order():
    assert DateParser(order="dayfirst").parse("02/03/2022") == ParsedDate("2022-03-02")
    assert DateParser(order="monthfirst").parse("02/03/2022") == ParsedDate("2022-02-03")
    with pytest.raises(DateError, match="^impossible date read day-first$"):
        DateParser(order="dayfirst").parse("02/28/2022")  # never swapped silently


def test_date_format_replaces_every_rule():
    parser = DateParser(date_format="%d %m %Y")
    assert parser.parse("04 05 2023") == ParsedDate("2023-05-04")
    with pytest.raises(DateError, match="does not match --date-format '%d %m %Y'"):
        parser.parse("2023-05-04")
    assert DateParser(date_format="%Y/%m").parse("2022/03") == ParsedDate("2022-03-01", "month")
    assert DateParser(date_format="%d.%m.%Y %H:%M %z").parse("04.05.2023 01:00 +0300") == (
        ParsedDate("2023-05-03")
    )


def test_parse_date_is_the_iso_date_or_none():
    assert parse_date("2023-05-04T12:30:00Z") == "2023-05-04"
    assert parse_date("1971") == "1971-01-01"
    assert parse_date("02/03/2022") is None
    assert parse_date("02/03/2022", order="dayfirst") == "2022-03-02"


def test_strip_labels():
    assert strip_labels("Updated: 2022-03-07 17:49") == "2022-03-07 17:49"
    assert strip_labels("Published: A Updated: B") == "A"
    assert strip_labels("May 4, 2023") == "May 4, 2023"


def test_a_template_per_shape_gives_what_the_full_rules_give():
    """Strings of one shape are read from a template learned on the first; the result equals
    reading each string with the full rules, including 12 AM/PM, the UTC day and bad days."""
    parser = DateParser()
    cells = [
        "Jan 15, 2024 10:45 AM ET",
        "Jan 15, 2024 12:05 AM ET",
        "Jan 15, 2024 12:05 PM ET",
        "Jan 31, 2024 11:59 PM ET",
        "Feb 30, 2024 10:00 AM ET",
        "Updated: 2022-03-07 17:49",
        "Updated: 2022-12-31 23:59",
        "Updated: 2022-02-30 10:00",
        "Thu, 04 May 2023 23:30:00 -0500",
        "Fri, 05 May 2023 00:30:00 +0500",
    ]
    for cell in cells:
        try:
            expected: object = parse_moment(cell).parsed()
        except (DateError, ValueError):
            expected = DateError
        try:
            got: object = parser.parse(cell)
        except DateError:
            got = DateError
        assert got == expected, cell
    assert parser.template("Jan 16, 2024 10:45 AM ET").roles == ("day", "year", "hour_am", "minute")
    assert parser.template("Updated: 2022-03-08 11:00").roles == (
        "year",
        "month",
        "day",
        "hour",
        "minute",
    )
    assert parser.parse("Jan 16, 2024 12:30 AM ET") == ParsedDate("2024-01-16")  # 05:30 UTC


def test_a_numeric_template_is_learned_on_a_31st():
    """Probing a month of '01/31/2024' with 11 makes no date (no 31 November): the next
    probe is taken."""
    parser = DateParser(order="monthfirst")
    assert parser.parse("01/31/2024") == ParsedDate("2024-01-31")
    assert parser.template("01/31/2024").roles == ("month", "day", "year")
    assert format_label("01/31/2024", parser) == "MM/DD/YYYY"
    with pytest.raises(DateError, match="impossible date read month-first"):
        parser.parse("02/30/2024")


def test_zones():
    assert zone("cst").utcoffset(None).total_seconds() == 8 * 3600  # China Standard Time
    assert zone("EDT").utcoffset(None).total_seconds() == -4 * 3600
    assert str(zone("ET")) == "America/New_York"
    assert zone("XYZ") is None


# ---------------------------------------------------------------- one order per column


def survey(values: list[str]) -> DateSurvey:
    s = DateSurvey("date")
    for row, value in enumerate(values, start=1):
        s.add(row, value)
    return s


def test_the_column_decides_the_order():
    assert survey(["02/03/2022", "28/02/2022", "2022-05-01"]).order("t.csv") == "dayfirst"
    assert survey(["02/03/2022", "02/28/2022"]).order("t.csv") == "monthfirst"
    assert survey(["2022-05-01", "May 4, 2023", ""]).order("t.csv") is None
    s = survey(["Updated: 02/03/2022 10:00", "Published: 03/13/2022 Updated: 13/03/2022"])
    assert s.order("t.csv") == "monthfirst"  # the published date is the one read


def test_both_orders_in_one_column_is_an_error_naming_two_rows():
    with pytest.raises(CorpusError) as info:
        survey(["2022-05-01", "28/02/2022", "02/28/2022"]).order("t.csv")
    assert str(info.value) == (
        "t.csv: column 'date' mixes day-first and month-first dates: row 2 '28/02/2022' is "
        "day-first (first field over 12), row 3 '02/28/2022' month-first (second field over "
        "12); correct the column, or read it with --date-format FORMAT (strptime)"
    )


def test_no_telling_value_is_an_error_asking_for_the_order():
    with pytest.raises(CorpusError) as info:
        survey(["02/03/2022", "2022-05-01", "04/05/2022"]).order("t.csv")
    assert str(info.value) == (
        "t.csv: column 'date' has 2 numeric date(s) such as row 1 '02/03/2022' and no day over "
        "12 that tells whether the day or the month comes first; pass --dayfirst or --monthfirst"
    )


def test_formats_with_counts_and_labels():
    s = survey(["02/28/2022", "03/01/2022", "May 4, 2023", "June 4, 2023", "1971", "x"])
    formats = s.formats(DateParser(order=s.order("t.csv")))
    assert [(f.label, f.count, f.example_row) for f in formats] == [
        ("MM/DD/YYYY", 2, 1),
        ("Mon DD, YYYY", 2, 3),
        ("YYYY", 1, 5),
        ("x", 1, 6),
    ]
    assert s.decision() == "month-first: row 1 '02/28/2022' has its second field over 12"
    assert format_label("2023-05-04T12:30:00+03:00", DateParser()) == "YYYY-MM-DDThh:mm:ss+hh:mm"


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_a_table_reads_its_numeric_dates_in_the_column_order(tmp_path):
    rows = [
        {"source": "TASS", "date": "02/03/2022", "text": "One."},
        {"source": "TASS", "date": "02/28/2022", "text": "Two."},
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    docs = read_table(path)
    assert [d.date for d in docs] == ["2022-02-03", "2022-02-28"]  # month-first
    assert docs.provenance()["date_order"] == "monthfirst"
    # --dayfirst is taken at its word: row 2 cannot be day-first
    with pytest.raises(CorpusError, match=r"row 2: unparsable date '02/28/2022' \(impossible"):
        read_table(path, date_order="dayfirst")
    rows[1]["date"] = "04/05/2022"
    with pytest.raises(CorpusError, match="pass --dayfirst or --monthfirst"):
        read_table(write_csv(tmp_path / "t.csv", rows))
    docs = read_table(path, date_order="dayfirst")
    assert [(d.date, d.date_precision) for d in docs] == [
        ("2022-03-02", "day"),
        ("2022-05-04", "day"),
    ]
    docs = read_table(path, date_format="%m/%d/%Y")
    assert [d.date for d in docs] == ["2022-02-03", "2022-04-05"]


def test_year_dated_rows_have_year_precision(tmp_path):
    rows = [
        {"source": "TASS", "year": "1971", "text": "One."},
        {"source": "TASS", "year": "2022-03", "text": "Two."},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows), date_col="year")
    assert [(d.date, d.date_precision) for d in docs] == [
        ("1971-01-01", "year"),
        ("2022-03-01", "month"),
    ]


def test_precision_warning_names_the_year_dated_documents():
    assert precision_warning({"day": 3, "year": 2}, "year") is None
    assert precision_warning({"day": 3, "month": 2}, "quarter") is None
    assert precision_warning({"day": 3, "year": 2, "month": 1}, "month") == (
        "2 document(s) are dated by year only but rates are by month: each counts in the first "
        "month of its year; use --period year (the dates' precision is the date_precision "
        "column of documents.csv)"
    )
