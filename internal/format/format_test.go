package format

import (
	"testing"

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
