package model

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Rate is an exchange rate of pipeline.yaml: one unit of Currency is worth
// Per units of the pipeline currency from the day From on, until the next
// rate of the same currency.
type Rate struct {
	Currency string
	Per      ExchangeRate
	From     Date

	Pos, CurrencyPos, PerPos, FromPos Pos
}

// ExchangeRate is a positive decimal number exact to RateDecimals
// decimals, counted in units of 10^-RateDecimals so that a conversion is
// exact: 1.08 is 108000000.
type ExchangeRate int64

// RateDecimals is the most decimals an exchange rate may have.
const RateDecimals = 8

const rateScale = 100_000_000 // 10^RateDecimals

// MaxRate bounds an exchange rate: a converted amount stays far from
// overflowing a sum.
const MaxRate = 1_000_000

// ParseExchangeRate reads a rate written as digits with at most
// RateDecimals decimals ("1.08", "0.0092"). Like ParseMoney it refuses
// exponents, separators and signs: a rate means what it looks like.
func ParseExchangeRate(s string) (ExchangeRate, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(whole) || (hasDot && !allDigits(frac)) {
		return 0, fmt.Errorf("%q is not a plain decimal number", s)
	}
	if len(frac) > RateDecimals {
		return 0, fmt.Errorf("%q has more than %d decimals", s, RateDecimals)
	}
	if len(whole) > 7 {
		return 0, fmt.Errorf("%q is more than %d", s, MaxRate)
	}
	r := ExchangeRate(0)
	for _, c := range whole + frac + strings.Repeat("0", RateDecimals-len(frac)) {
		r = r*10 + ExchangeRate(c-'0')
	}
	return r, nil
}

// String writes the rate as a plain decimal number, without trailing
// zeros: 1.08.
func (r ExchangeRate) String() string {
	s := fmt.Sprintf("%d.%08d", r/rateScale, r%rateScale)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// Convert returns the amount m of a foreign currency in the pipeline
// currency at rate r, rounded to the nearest cent, halves away from zero.
// The product is exact: no float rounding can move a cent. An amount past
// the largest a file may hold (one trillion) is that largest amount:
// check refuses the deals it would come from (see ConvertWithin).
func (m Money) Convert(r ExchangeRate) Money {
	v, _ := m.ConvertWithin(r)
	return v
}

// ConvertWithin returns what Convert does, and false when the amount
// converted is more than the largest amount a file may hold. The product
// is taken in 128 bits: exact, and without allocating.
func (m Money) ConvertWithin(r ExchangeRate) (Money, bool) {
	neg := m < 0
	a := uint64(m)
	if neg {
		a = uint64(-m)
	}
	hi, lo := bits.Mul64(a, uint64(r))
	if hi >= rateScale || r < 0 { // the quotient would not fit in 64 bits
		return clampMoney(neg), false
	}
	q, rem := bits.Div64(hi, lo, rateScale)
	if rem*2 >= rateScale {
		q++
	}
	if q > uint64(maxMoney) {
		return clampMoney(neg), false
	}
	if neg {
		return -Money(q), true
	}
	return Money(q), true
}

// clampMoney is the largest amount a file may hold, with a sign.
func clampMoney(neg bool) Money {
	if neg {
		return -maxMoney
	}
	return maxMoney
}

// IsCurrencyCode reports whether s is written as a currency code: three
// capital letters, like EUR.
func IsCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Foreign reports whether the deal's value is in a currency other than the
// pipeline's, and so needs a rate.
func (p *Pipeline) Foreign(d *Deal) bool {
	return d.Currency != "" && d.Currency != p.Currency
}

// RateOn returns the rate of a currency in force on day: the rate of that
// currency with the latest From on or before day. It reports false when
// day is before the currency's first rate, or the currency has none.
func (p *Pipeline) RateOn(currency string, day Date) (ExchangeRate, bool) {
	rates := p.rates[currency]
	if p.rates == nil {
		rates = sortedRates(p.Rates, currency)
	}
	// The first rate from after day; the one before it is in force.
	i, _ := slices.BinarySearchFunc(rates, day, func(r Rate, d Date) int {
		if r.From <= d {
			return -1
		}
		return 1
	})
	if i == 0 {
		return 0, false
	}
	return rates[i-1].Per, true
}

// Convert returns an amount in currency (a deal's, "" for the pipeline's
// own) in the pipeline currency at the rate in force on day. It reports
// false when the currency is foreign and no rate is in force on day.
func (p *Pipeline) Convert(m Money, currency string, day Date) (Money, bool) {
	if currency == "" || currency == p.Currency {
		return m, true
	}
	r, ok := p.RateOn(currency, day)
	if !ok {
		return 0, false
	}
	return m.Convert(r), true
}

// sortedRates returns the rates of one currency by From.
func sortedRates(all []Rate, currency string) []Rate {
	var out []Rate
	for _, r := range all {
		if r.Currency == currency {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Rate) int { return int(a.From - b.From) })
	return out
}

// indexRates builds the rates of each currency by From.
func (p *Pipeline) indexRates() {
	p.rates = make(map[string][]Rate)
	for _, r := range p.Rates {
		if _, done := p.rates[r.Currency]; !done {
			p.rates[r.Currency] = sortedRates(p.Rates, r.Currency)
		}
	}
}
