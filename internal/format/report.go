package format

import (
	"math"
	"strconv"

	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// Rate writes a rate of the report as a percentage, or None when it is
// undefined.
func Rate(r metrics.Ratio) string {
	if !r.Valid {
		return None
	}
	return Percent(r.V)
}

// DaysOrNone writes a number of days of the report, or None when it is
// undefined.
func DaysOrNone(r metrics.Ratio) string {
	if !r.Valid {
		return None
	}
	return Days(r.V)
}

// MoneyOrNone writes an amount of the report, or None when it is
// undefined.
func MoneyOrNone(m metrics.MoneyOrNull, currency string) string {
	if !m.Valid {
		return None
	}
	return Money(m.V, currency)
}

// Field writes a KPI's value: "$36,000", "25.6%", "12.5 days", "$410/day".
func Field(f metrics.Field, currency string) string {
	if !f.Valid {
		return None
	}
	return magnitude(f.Kind, f.Value, currency, "%")
}

// magnitude writes a value of a kind; pct is what follows a rate's number
// ("%" for a value, " pts" for a difference of rates).
func magnitude(k metrics.Kind, v float64, currency string, pct string) string {
	switch k {
	case metrics.Amount:
		return Money(model.Money(math.Round(v)), currency)
	case metrics.AmountPerDay:
		return Money(model.Money(math.Round(v)), currency) + "/day"
	case metrics.Rate:
		p := Percent(v)
		return p[:len(p)-1] + pct
	case metrics.Days:
		return Days(v) + " days"
	}
	return Int(int(v))
}

// Delta is how a KPI moved from one window to the one before.
type Delta struct {
	// Sign is +1 (up), -1 (down) or 0 (no change) at the precision shown.
	Sign int
	// Text is the size of the move with its arrow: "▲ 2", "▼ $1,200",
	// "▲ 3.5 pts"; empty when Sign is 0.
	Text string
	// Good says whether the move is good news for this KPI.
	Good bool
}

// Change returns how a KPI moved from prev to cur; ok is false when either
// is undefined, so there is nothing to compare.
func Change(cur, prev metrics.Field, currency string) (d Delta, ok bool) {
	if !cur.Valid || !prev.Valid {
		return Delta{}, false
	}
	diff := cur.Value - prev.Value
	// Round to the precision the value is written with, so that a change
	// never reads "▲ 0.0 pts".
	switch cur.Kind {
	case metrics.Amount, metrics.AmountPerDay:
		diff = math.Round(diff/100) * 100 // in whole units, as amounts are written
	case metrics.Rate:
		diff = math.Round(diff*1000) / 1000
	case metrics.Days:
		diff = math.Round(diff*10) / 10
	}
	switch {
	case diff > 0:
		d = Delta{Sign: 1, Text: "▲ "}
	case diff < 0:
		d = Delta{Sign: -1, Text: "▼ "}
	default:
		return Delta{}, true
	}
	d.Text += magnitude(cur.Kind, math.Abs(diff), currency, " pts")
	d.Good = (d.Sign > 0) == cur.HigherIsBetter
	return d, true
}

// Times writes a ratio as a multiple: a coverage of 1.53 is "1.5×".
func Times(r metrics.Ratio) string {
	if !r.Valid {
		return None
	}
	return strconv.FormatFloat(roundTo(r.V, 1), 'f', 1, 64) + "×"
}

// Basis writes what a counted KPI rests on: "15 closed"; "8 closed, small
// sample" under metrics.SmallSample; "" for a KPI that is not counted.
func Basis(f metrics.Field) string {
	s := CountOf(f)
	if f.Small() {
		s += ", small sample"
	}
	return s
}

// CountOf writes the count a KPI rests on: "15 closed", "8 won"; "" for
// a KPI that is not counted.
func CountOf(f metrics.Field) string {
	if !f.Counted {
		return ""
	}
	return Int(f.Count) + " " + f.CountOf
}

// Section writes the title of a section of KPIs, with its window.
func Section(s metrics.Section, r *metrics.Report) string {
	switch s {
	case metrics.Now:
		return "Now"
	case metrics.Activity:
		return "This review (" + span(r.Window) + ")"
	case metrics.Rates:
		return "Last " + Count(r.RateWindow.Days(), "day", "days") + " (" + span(r.RateWindow) + ")"
	}
	return "Funnel cohort (deals created " + span(r.FunnelWindow) + ")"
}

// span writes a window: "2026-11-21 … 2026-11-27".
func span(w metrics.Window) string { return w.From.String() + " … " + w.To.String() }
