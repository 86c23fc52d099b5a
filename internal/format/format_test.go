package format

import (
	"testing"

	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		cents    int64
		currency string
		want     string
		short    string
	}{
		{0, "USD", "$0", "$0"},
		{3600000, "USD", "$36,000", "$36k"},
		{125050, "EUR", "€1,250.50", "€1,251"},
		{123456789, "USD", "$1,234,567.89", "$1.2M"},
		{-50000, "GBP", "-£500", "-£500"},
		{100000000000, "CHF", "1,000,000,000 CHF", "1B CHF"},
		{999, "", "9.99", "10"},
	}
	for _, tt := range tests {
		if got := Money(model.Money(tt.cents), tt.currency); got != tt.want {
			t.Errorf("Money(%d, %s) = %q, want %q", tt.cents, tt.currency, got, tt.want)
		}
		if got := MoneyShort(model.Money(tt.cents), tt.currency); got != tt.short {
			t.Errorf("MoneyShort(%d, %s) = %q, want %q", tt.cents, tt.currency, got, tt.short)
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
		style     Style
		value     string
		change    Delta
		ok        bool
	}{
		{rate(0.5), rate(0.465), Full, "50.0%", Delta{Sign: 1, Text: "▲ 3.5 pts", Good: true}, true},
		{rate(0.5), rate(0.5004), Full, "50.0%", Delta{}, true},
		{amount(350050), amount(470050), Full, "$3,500.50", Delta{Sign: -1, Text: "▼ $1,200", Good: true}, true},
		{amount(3650000), amount(50000), Short, "$36.5k", Delta{Sign: 1, Text: "▲ $36k", Good: false}, true},
		{metrics.Field{Kind: metrics.Days, Value: 12.25, Valid: true}, metrics.Field{Kind: metrics.Days, Value: 10, Valid: true}, Full, "12.3 days", Delta{Sign: 1, Text: "▲ 2.3 days"}, true},
		{metrics.Field{Kind: metrics.Count, Value: 3, Valid: true, HigherIsBetter: true}, metrics.Field{Kind: metrics.Count}, Full, "3", Delta{}, false},
		{metrics.Field{Kind: metrics.AmountPerDay}, amount(1), Full, None, Delta{}, false},
	}
	for _, tt := range tests {
		if got := Field(tt.cur, "USD", tt.style); got != tt.value {
			t.Errorf("Field(%+v) = %q, want %q", tt.cur, got, tt.value)
		}
		got, ok := Change(tt.cur, tt.prev, "USD", tt.style)
		if got != tt.change || ok != tt.ok {
			t.Errorf("Change(%+v, %+v) = %+v, %v, want %+v, %v", tt.cur, tt.prev, got, ok, tt.change, tt.ok)
		}
	}
	if got := Rate(metrics.Ratio{}); got != None {
		t.Errorf("Rate(undefined) = %q, want %q", got, None)
	}
	if got := MoneyOrNone(metrics.MoneyOrNull{V: 125050, Valid: true}, "EUR"); got != "€1,250.50" {
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
