package model

import "fmt"

// Period is a calendar year, quarter or month, as targets and spend name
// them: "2026", "2026-Q4", "2026-10".
type Period struct {
	Text       string
	Start, End Date // both included
}

// ParsePeriod reads YYYY, YYYY-Qn or YYYY-MM.
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("%q is not a period: write a year (2026), a quarter (2026-Q4) or a month (2026-10)", s)
	if len(s) < 4 {
		return Period{}, bad
	}
	y, ok := digits(s[:4])
	if !ok || y < 1 {
		return Period{}, bad
	}
	var from, to int // months, 1..12
	switch {
	case len(s) == 4:
		from, to = 1, 12
	case len(s) == 7 && s[4] == '-' && s[5] == 'Q':
		q, ok := digits(s[6:])
		if !ok || q < 1 || q > 4 {
			return Period{}, bad
		}
		from, to = 3*q-2, 3*q
	case len(s) == 7 && s[4] == '-':
		m, ok := digits(s[5:])
		if !ok || m < 1 || m > 12 {
			return Period{}, bad
		}
		from, to = m, m
	default:
		return Period{}, bad
	}
	start, _ := NewDate(y, from, 1)
	var end Date
	if to == 12 {
		next, _ := NewDate(y+1, 1, 1)
		end = next - 1
	} else {
		next, _ := NewDate(y, to+1, 1)
		end = next - 1
	}
	return Period{Text: s, Start: start, End: end}, nil
}

// IsMonth reports whether the period is a single month.
func (p Period) IsMonth() bool { return len(p.Text) == 7 && p.Text[5] != 'Q' }

// Contains reports whether d falls within the period.
func (p Period) Contains(d Date) bool { return d >= p.Start && d <= p.End }

// Days returns the number of days in the period.
func (p Period) Days() int { return int(p.End-p.Start) + 1 }
