package model

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestParseExchangeRate(t *testing.T) {
	tests := []struct {
		in   string
		want ExchangeRate
	}{
		{"1", 100_000_000},
		{"1.08", 108_000_000},
		{"0.0092", 920_000},
		{"0.00000001", 1},
		{"1000000", 1_000_000 * 100_000_000},
	}
	for _, tt := range tests {
		got, err := ParseExchangeRate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseExchangeRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if s := got.String(); s != tt.in {
			t.Errorf("ParseExchangeRate(%q).String() = %q", tt.in, s)
		}
	}
	for _, in := range []string{"", ".", "1.", ".5", "-1", "+1", "1e3", "1,08", "1.123456789", "0x10", "12345678"} {
		if got, err := ParseExchangeRate(in); err == nil {
			t.Errorf("ParseExchangeRate(%q) = %d, want an error", in, got)
		}
	}
}

// Conversion is exact: 0.7 and 1.15 have no exact float, and a float
// product would round 5 cents × 0.7 = 3.5 cents down and 10 cents × 1.15
// = 11.5 cents down.
func TestConvert(t *testing.T) {
	tests := []struct {
		m    Money
		rate string
		want Money
	}{
		{5, "0.7", 4},
		{10, "1.15", 12},
		{-5, "0.7", -4},
		{3600000, "1.08", 3888000},
		{50055, "1.1", 55061},  // 500.55 × 1.1 = 550.605
		{50054, "1.1", 55059},  // 500.54 × 1.1 = 550.594
		{100, "0.00000001", 0}, // a millionth of a cent
	}
	for _, tt := range tests {
		r, err := ParseExchangeRate(tt.rate)
		if err != nil {
			t.Fatal(err)
		}
		if got := tt.m.Convert(r); got != tt.want {
			t.Errorf("%d cents × %s = %d cents, want %d", tt.m, tt.rate, got, tt.want)
		}
	}
	// The largest amount at the largest rate does not overflow: it is
	// held at the largest amount, and reported.
	if got, ok := maxMoney.ConvertWithin(MaxRate * rateScale); got != maxMoney || ok {
		t.Errorf("max × max rate = %d, %v; want %d, false", got, ok, maxMoney)
	}
	if got, ok := (-maxMoney).ConvertWithin(2 * rateScale); got != -maxMoney || ok {
		t.Errorf("-max × 2 = %d, %v; want %d, false", got, ok, -maxMoney)
	}
	if got, ok := maxMoney.ConvertWithin(rateScale); got != maxMoney || !ok {
		t.Errorf("max × 1 = %d, %v; want %d, true", got, ok, maxMoney)
	}
}

func TestRateOn(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r := func(s string) ExchangeRate {
		v, err := ParseExchangeRate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Written out of order: the lookup goes by date, not by line.
	p := &Pipeline{Currency: "USD", Rates: []Rate{
		{Currency: "EUR", Per: r("1.2"), From: d("2026-11-24")},
		{Currency: "EUR", Per: r("1.1"), From: d("2026-01-01")},
		{Currency: "GBP", Per: r("1.25"), From: d("2026-06-01")},
		{Currency: "EUR", Per: r("1.15"), From: d("2026-06-01")},
	}}
	tests := []struct {
		currency, day string
		want          string // "" for no rate
	}{
		{"EUR", "2025-12-31", ""}, // before the first from
		{"EUR", "2026-01-01", "1.1"},
		{"EUR", "2026-05-31", "1.1"},
		{"EUR", "2026-06-01", "1.15"}, // the boundary day takes the new rate
		{"EUR", "2026-11-23", "1.15"},
		{"EUR", "2026-11-24", "1.2"},
		{"EUR", "2030-01-01", "1.2"}, // a rate lasts until the next
		{"GBP", "2026-05-31", ""},
		{"GBP", "2026-06-01", "1.25"},
		{"CHF", "2026-06-01", ""},
	}
	for _, indexed := range []bool{false, true} {
		if indexed {
			p.Index()
		}
		for _, tt := range tests {
			got, ok := p.RateOn(tt.currency, d(tt.day))
			if tt.want == "" {
				if ok {
					t.Errorf("RateOn(%s, %s) = %s, want none", tt.currency, tt.day, got)
				}
				continue
			}
			if !ok || got != r(tt.want) {
				t.Errorf("RateOn(%s, %s) = %s, %v; want %s", tt.currency, tt.day, got, ok, tt.want)
			}
		}
	}
	// The pipeline's own currency, and no currency, need no rate.
	for _, c := range []string{"", "USD"} {
		if got, ok := p.Convert(12345, c, d("1999-01-01")); !ok || got != 12345 {
			t.Errorf("Convert(123.45 %q) = %s, %v; want 123.45", c, got, ok)
		}
	}
	if got, ok := p.Convert(100000, "EUR", d("2026-06-01")); !ok || got != 115000 {
		t.Errorf("Convert(1000 EUR on 2026-06-01) = %s, %v; want 1150", got, ok)
	}
	if _, ok := p.Convert(100000, "EUR", d("2025-06-01")); ok {
		t.Errorf("Convert before the first EUR rate reports a value")
	}
}

// Convert agrees with exact rational arithmetic, rounded half away from
// zero, over amounts and rates of every size.
func TestConvertMatchesRationals(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		m := Money(rng.Int64N(int64(maxMoney)*2+1)) - maxMoney
		if rng.IntN(2) == 0 {
			m = Money(rng.Int64N(1e6)) - 5e5 // small amounts, where rounding shows
		}
		r := ExchangeRate(rng.Int64N(MaxRate*rateScale) + 1)
		if rng.IntN(2) == 0 {
			r = ExchangeRate(rng.Int64N(3*rateScale) + 1)
		}
		exact := new(big.Rat).Mul(big.NewRat(int64(m), 1), big.NewRat(int64(r), rateScale))
		want, _ := new(big.Int).SetString(exact.FloatString(0), 10) // halves away from zero
		got, ok := m.ConvertWithin(r)
		within := new(big.Int).Abs(want).Cmp(big.NewInt(int64(maxMoney))) <= 0
		if ok != within || ok && got != Money(want.Int64()) {
			t.Fatalf("%d cents × %s = %d, %v; want %s, %v", m, r, got, ok, want, within)
		}
	}
}
