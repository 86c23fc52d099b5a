// Package format writes numbers for people: amounts with thousands
// separators and a currency, rates as percentages, "—" for a number that
// is not defined. The terminal report and the site use the same words.
package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/model"
)

// None is shown for a number that is not defined (a ratio over zero).
const None = "—"

var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

// Money writes an amount in whole currency units, as every table, tile,
// chart and the terminal show amounts: "$36,000", "$1,251", "36,000 CHF".
// Half a unit rounds away from zero.
func Money(m model.Money, currency string) string {
	neg := m < 0
	if neg {
		m = -m
	}
	return withCurrency(group(strconv.FormatInt((m.Cents()+50)/100, 10)), currency, neg)
}

// Exact writes one deal's amount as it was written, with its cents when it
// has any: "$36,000", "$1,250.50".
func Exact(m model.Money, currency string) string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := group(strconv.FormatInt(m.Cents()/100, 10))
	if c := m.Cents() % 100; c != 0 {
		s += fmt.Sprintf(".%02d", c)
	}
	return withCurrency(s, currency, neg)
}

// withCurrency puts the currency's symbol before an amount's digits, or
// its code after them, and the sign first.
func withCurrency(digits, currency string, neg bool) string {
	if sym, ok := symbols[currency]; ok {
		digits = sym + digits
	} else if currency != "" {
		digits += " " + currency
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}

// Int writes a whole number with thousands separators.
func Int(n int) string {
	if n < 0 {
		return "-" + group(strconv.Itoa(-n))
	}
	return group(strconv.Itoa(n))
}

func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Count writes a number of things with the word that fits it: "1 deal",
// "0 deals", "1,234 deals".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Int(n) + " " + many
}

// Duration writes how long something took for a person to read: "0.4 ms",
// "12 ms", "1.25 s", "2m5s". A fast rebuild is never "0s".
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	case d < time.Second:
		return strconv.Itoa(int(d.Round(time.Millisecond)/time.Millisecond)) + " ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	}
	return d.Round(time.Second).String()
}

// Percent writes a fraction as a percentage with one decimal: 0.256 → "25.6%".
func Percent(f float64) string {
	return strconv.FormatFloat(roundTo(f*100, 1), 'f', 1, 64) + "%"
}

// Days writes a number of days with one decimal when it has one: "12", "12.5".
func Days(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(roundTo(f, 1), 'f', 1, 64), ".0")
}

func roundTo(f float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	r := math.Round(f*p) / p
	if r == 0 {
		return 0 // no "-0.0"
	}
	return r
}
