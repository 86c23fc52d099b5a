package format

import (
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		cents    int64
		currency string
		want     string // Money: whole units
		exact    string
	}{
		{0, "USD", "$0", "$0"},
		{3600000, "USD", "$36,000", "$36,000"},
		{125050, "EUR", "€1,251", "€1,250.50"},
		{125049, "EUR", "€1,250", "€1,250.49"},
		{123456789, "USD", "$1,234,568", "$1,234,567.89"},
		{-50000, "GBP", "-£500", "-£500"},
		{-50050, "GBP", "-£501", "-£500.50"},
		{100000000000, "CHF", "1,000,000,000 CHF", "1,000,000,000 CHF"},
		{999, "", "10", "9.99"},
		{49, "USD", "$0", "$0.49"},
	}
	for _, tt := range tests {
		if got := Money(model.Money(tt.cents), tt.currency); got != tt.want {
			t.Errorf("Money(%d, %s) = %q, want %q", tt.cents, tt.currency, got, tt.want)
		}
		if got := Exact(model.Money(tt.cents), tt.currency); got != tt.exact {
			t.Errorf("Exact(%d, %s) = %q, want %q", tt.cents, tt.currency, got, tt.exact)
		}
	}
}

func TestNumbers(t *testing.T) {
	if got := Int(1234567); got != "1,234,567" {
		t.Errorf("Int = %q", got)
	}
	if got := Int(-1000); got != "-1,000" {
		t.Errorf("Int(-1000) = %q", got)
	}
	for in, want := range map[float64]string{0.256: "25.6%", 1: "100.0%", 0: "0.0%", 0.33333: "33.3%", -0.0001: "0.0%"} {
		if got := Percent(in); got != want {
			t.Errorf("Percent(%v) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{12: "12", 12.25: "12.3", 0.04: "0", 7.5: "7.5"} {
		if got := Days(in); got != want {
			t.Errorf("Days(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldAndChange(t *testing.T) {
	rate := func(v float64) metrics.Field {
		return metrics.Field{Kind: metrics.Rate, Value: v, Valid: true, HigherIsBetter: true}
	}
	amount := func(cents float64) metrics.Field {
		return metrics.Field{Kind: metrics.Amount, Value: cents, Valid: true, HigherIsBetter: false}
	}
	tests := []struct {
		cur, prev metrics.Field
		value     string
		change    Delta
		ok        bool
	}{
		{rate(0.5), rate(0.465), "50.0%", Delta{Sign: 1, Text: "▲ 3.5 pts", Good: true}, true},
		{rate(0.5), rate(0.5004), "50.0%", Delta{}, true},
		{amount(350050), amount(470050), "$3,501", Delta{Sign: -1, Text: "▼ $1,200", Good: true}, true},
		{amount(3650000), amount(50000), "$36,500", Delta{Sign: 1, Text: "▲ $36,000", Good: false}, true},
		// A change under half a unit is no change at the precision shown.
		{amount(350040), amount(350000), "$3,500", Delta{}, true},
		{metrics.Field{Kind: metrics.AmountPerDay, Value: 1150049, Valid: true, HigherIsBetter: true}, metrics.Field{Kind: metrics.AmountPerDay, Value: 903300, Valid: true}, "$11,500/day", Delta{Sign: 1, Text: "▲ $2,467/day", Good: true}, true},
		{metrics.Field{Kind: metrics.Days, Value: 12.25, Valid: true}, metrics.Field{Kind: metrics.Days, Value: 10, Valid: true}, "12.3 days", Delta{Sign: 1, Text: "▲ 2.3 days"}, true},
		{metrics.Field{Kind: metrics.Count, Value: 3, Valid: true, HigherIsBetter: true}, metrics.Field{Kind: metrics.Count}, "3", Delta{}, false},
		{metrics.Field{Kind: metrics.AmountPerDay}, amount(1), None, Delta{}, false},
	}
	for _, tt := range tests {
		if got := Field(tt.cur, "USD"); got != tt.value {
			t.Errorf("Field(%+v) = %q, want %q", tt.cur, got, tt.value)
		}
		got, ok := Change(tt.cur, tt.prev, "USD")
		if got != tt.change || ok != tt.ok {
			t.Errorf("Change(%+v, %+v) = %+v, %v, want %+v, %v", tt.cur, tt.prev, got, ok, tt.change, tt.ok)
		}
	}
	if got := Rate(metrics.Ratio{}); got != None {
		t.Errorf("Rate(undefined) = %q, want %q", got, None)
	}
	if got := MoneyOrNone(metrics.MoneyOrNull{V: 125050, Valid: true}, "EUR"); got != "€1,251" {
		t.Errorf("MoneyOrNone = %q", got)
	}
	if got := DaysOrNone(metrics.Ratio{V: 7.5, Valid: true}); got != "7.5" {
		t.Errorf("DaysOrNone = %q", got)
	}
}

func TestTimes(t *testing.T) {
	for in, want := range map[metrics.Ratio]string{{V: 1.53, Valid: true}: "1.5×", {V: 10.94, Valid: true}: "10.9×", {V: 0, Valid: true}: "0.0×", {}: None} {
		if got := Times(in); got != want {
			t.Errorf("Times(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0 deals"}, {1, "1 deal"}, {2, "2 deals"}, {1234, "1,234 deals"}}
	for _, tt := range tests {
		if got := Count(tt.n, "deal", "deals"); got != tt.want {
			t.Errorf("Count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// A rebuild that takes less than half a millisecond is not "0s".
func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0 ms"},
		{400 * time.Microsecond, "0.4 ms"},
		{12*time.Millisecond + 400*time.Microsecond, "12 ms"},
		{999 * time.Millisecond, "999 ms"},
		{1250 * time.Millisecond, "1.25 s"},
		{125 * time.Second, "2m5s"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
