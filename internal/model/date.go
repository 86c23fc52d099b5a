package model

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time and no zone, counted in days so that
// the number of days between two dates is a plain subtraction. The zero
// Date means "not set"; every real date from year 1 on is positive.
type Date int32

// unixDayOffset is the Date of 1970-01-01.
const unixDayOffset = 719163 + 1

// NewDate returns the Date of a year, month and day, and false when they do
// not name a real calendar day (2026-02-30, month 13).
func NewDate(year, month, day int) (Date, bool) {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return 0, false
	}
	return Date(t.Unix()/86400 + unixDayOffset), true
}

// ParseDate reads a date written exactly as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	date, ok := NewDate(y, m, d)
	if !ok {
		return 0, fmt.Errorf("%q is not a real calendar date", s)
	}
	return date, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	d, _ := NewDate(t.Year(), int(t.Month()), t.Day())
	return d
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time {
	return time.Unix(int64(d-unixDayOffset)*86400, 0).UTC()
}

// YMD returns the year, month and day of the date. It is arithmetic on the
// day count (the civil-from-days algorithm), with no time.Time in between:
// metrics call it for every deal.
func (d Date) YMD() (year, month, day int) {
	z := int(d-unixDayOffset) + 719468 // days since 0000-03-01
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // day of era, [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of era, [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of year from March 1, [0, 365]
	mp := (5*doy + 2) / 153                                // month from March, [0, 11]
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// AddDays returns the date n days later (earlier for a negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// String writes the date as YYYY-MM-DD, or "" when it is unset.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	y, m, day := d.YMD()
	b := make([]byte, 10)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[7] = '-', '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+day/10), byte('0'+day%10)
	return string(b)
}

// MarshalText writes the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
