package model

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Money is an amount in the pipeline currency, counted in cents so that sums
// are exact.
type Money int64

// maxMoney keeps every sum of amounts far from int64 overflow: one trillion
// currency units, in cents.
const maxMoney = Money(1e12 * 100)

// ParseMoney reads an amount written as digits with at most two decimals
// ("36000", "36000.5", "-12.25"). Exponents, digit separators, hexadecimal
// and octal forms are refused: an amount means what it looks like.
func ParseMoney(s string) (Money, error) {
	neg := false
	t := s
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	} else if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" || !allDigits(whole) || (hasDot && !allDigits(frac)) {
		return 0, fmt.Errorf("%q is not a plain amount", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	if len(whole) > 1 && whole[0] == '0' {
		return 0, fmt.Errorf("%q starts with a 0", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || Money(w) > maxMoney/100 {
		return 0, fmt.Errorf("%q is more than 1000000000000", s)
	}
	c, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(w*100 + c)
	if neg {
		m = -m
	}
	return m, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Cents returns the amount in cents.
func (m Money) Cents() int64 { return int64(m) }

// Float returns the amount in currency units, for charts and ratios.
func (m Money) Float() float64 { return float64(m) / 100 }

// MulRound returns m × f rounded to the nearest cent, halves away from zero.
func (m Money) MulRound(f float64) Money {
	return Money(math.Round(float64(m) * f))
}

// String writes the amount with a dot and two decimals, dropping ".00".
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	if v%100 == 0 {
		return fmt.Sprintf("%s%d", sign, v/100)
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MarshalJSON writes the amount as a JSON number exact to the cent.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// GuessMoney returns the amount a person most likely meant by text written
// the way prices are written for people — "€36,000", "36k", "36 000 USD",
// "1.250,50" — so that a message can offer it. It reports false when the
// text has no single reading: "36.000" may be 36 or 36 thousand.
func GuessMoney(s string) (Money, bool) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimSpace(strings.TrimPrefix(t, "-"))
	t = trimCurrency(t)
	if neg = neg || strings.HasPrefix(t, "-"); neg {
		t = strings.TrimSpace(strings.TrimPrefix(t, "-"))
	}
	scale := int64(1)
	for _, m := range []struct {
		suffix string
		scale  int64
	}{{"bn", 1e9}, {"mn", 1e6}, {"k", 1e3}, {"m", 1e6}} {
		if len(t) > len(m.suffix) && strings.EqualFold(t[len(t)-len(m.suffix):], m.suffix) {
			t, scale = strings.TrimSpace(t[:len(t)-len(m.suffix)]), m.scale
			break
		}
	}
	t = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u2009', '\u202f', '\'', '\u2019', '_':
			return -1 // digit group separators
		}
		return r
	}, t)
	num, ok := decimalOf(t, scale > 1)
	if !ok {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, false
	}
	r.Mul(r, new(big.Rat).SetInt64(scale*100))
	if !r.IsInt() || r.Num().Cmp(big.NewInt(int64(maxMoney))) > 0 {
		return 0, false
	}
	m := Money(r.Num().Int64())
	if neg {
		m = -m
	}
	return m, true
}

// currencySigns are the signs and codes written around prices.
var currencySigns = []string{"€", "$", "£", "¥", "₴", "₹", "₽", "₩", "CHF", "EUR", "USD", "GBP", "JPY", "UAH", "CAD", "AUD", "PLN", "SEK", "NOK", "DKK", "CZK", "INR"}

func trimCurrency(t string) string {
	for _, c := range currencySigns {
		if rest, ok := strings.CutPrefix(t, c); ok {
			return strings.TrimSpace(rest)
		}
		if rest, ok := strings.CutSuffix(t, c); ok {
			return strings.TrimSpace(rest)
		}
	}
	return t
}

// decimalOf rewrites digits with "." or "," as decimal mark or digit group
// separator into digits with a "." decimal mark, when the reading is
// certain. fractionOK allows a decimal "." with three digits after it, as
// in "1.234k".
func decimalOf(t string, fractionOK bool) (string, bool) {
	for _, r := range t {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			return "", false
		}
	}
	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	switch {
	case dots == 0 && commas == 0:
		return t, t != ""
	case dots > 0 && commas > 0:
		// The last mark is the decimal one: 36,000.50 or 36.000,50.
		dec, group := ".", ","
		if strings.LastIndex(t, ",") > strings.LastIndex(t, ".") {
			dec, group = ",", "."
		}
		if strings.Count(t, dec) > 1 {
			return "", false
		}
		whole, frac, _ := strings.Cut(t, dec)
		if !grouped(whole, group) || !allDigits(frac) {
			return "", false
		}
		return strings.ReplaceAll(whole, group, "") + "." + frac, true
	}
	mark := "."
	if commas > 0 {
		mark = ","
	}
	whole, frac, _ := strings.Cut(t, mark)
	if strings.Count(t, mark) == 1 && allDigits(whole) && allDigits(frac) && (len(frac) < 3 || fractionOK && mark == ".") {
		return whole + "." + frac, true // a decimal mark: 1250,50 or 1.5k
	}
	if mark == "." && dots == 1 {
		return "", false // 36.000: 36, or 36 thousand?
	}
	if grouped(t, mark) {
		return strings.ReplaceAll(t, mark, ""), true // 36,000 or 1.000.000
	}
	return "", false
}

// grouped reports whether t is digits in groups of three after a first
// group of one to three, separated by sep: 1,234,567.
func grouped(t, sep string) bool {
	parts := strings.Split(t, sep)
	if len(parts[0]) < 1 || len(parts[0]) > 3 || !allDigits(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !allDigits(p) {
			return false
		}
	}
	return true
}
