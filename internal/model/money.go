package model

import (
	"fmt"
	"math"
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
