package importer

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/term"
)

// parseAmount reads an amount as exports write it, in any locale:
// "36000", "36000.00", "1,234.56", "1.234,56", "€36,000", "36 000 €",
// "1'234.50", "USD 1,200". Currency signs and codes, spaces and
// apostrophes are dropped. When both a comma and a dot appear, the last
// one is the decimal mark; a lone one followed by exactly three digits
// groups thousands (amounts have at most two decimals), and one followed
// by one or two digits is the decimal mark. A minus or parentheses make
// the amount negative, which check refuses.
func parseAmount(s string) (model.Money, error) {
	bad := fmt.Errorf("%q is not an amount", s)
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		neg, t = true, t[1:len(t)-1]
	}
	// The currency, before or after the number: a sign or a code.
	t = strings.TrimFunc(t, func(r rune) bool {
		return unicode.Is(unicode.Sc, r) || unicode.IsLetter(r) || unicode.IsSpace(r) || r == '\u202F'
	})
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, rest
	} else if rest, ok := strings.CutPrefix(t, "\u2212"); ok {
		neg, t = true, rest
	} else if rest, ok := strings.CutSuffix(t, "-"); ok {
		neg, t = true, rest
	}
	t = strings.TrimFunc(t, func(r rune) bool {
		return unicode.Is(unicode.Sc, r) || unicode.IsLetter(r) || unicode.IsSpace(r) || r == '\u202F'
	})
	var b strings.Builder
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',':
			b.WriteRune(r)
		case r == '\'' || r == '\u2019' || unicode.IsSpace(r) || r == '\u202F':
			// digit groups: 1'234, 36 000
		default:
			return 0, bad
		}
	}
	digits := b.String()
	if strings.Trim(digits, ".,") == "" {
		return 0, bad
	}
	// The decimal mark: the last of a comma and a dot when both appear,
	// else a lone one unless three digits follow it.
	lastDot, lastComma := strings.LastIndexByte(digits, '.'), strings.LastIndexByte(digits, ',')
	dec := max(lastDot, lastComma)
	if dec >= 0 && (lastDot < 0 || lastComma < 0) && (strings.Count(digits, digits[dec:dec+1]) > 1 || len(digits)-dec-1 == 3) {
		dec = -1
	}
	whole, frac := digits, ""
	if dec >= 0 {
		whole, frac = digits[:dec], digits[dec+1:]
	}
	if strings.ContainsAny(frac, ".,") || strings.Contains(whole, ".") && strings.Contains(whole, ",") {
		return 0, bad
	}
	// Groups of thousands: one to three digits, then three each.
	if sep := strings.IndexAny(whole, ".,"); sep >= 0 {
		groups := strings.Split(whole, whole[sep:sep+1])
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, bad
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, bad
			}
		}
		whole = strings.Join(groups, "")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	if whole == "" {
		whole = "0"
	}
	if frac != "" {
		whole += "." + frac
	}
	m, err := model.ParseMoney(whole)
	if err != nil {
		return 0, fmt.Errorf("%q is more than 1000000000000", s)
	}
	if neg {
		m = -m
	}
	return m, nil
}

// dateLayouts reads dates by Go layouts, tried in order, after the forms
// every export may use: YYYY-MM-DD, alone or followed by a time, with or
// without a zone.
type dateLayouts struct {
	layouts []string
	zone    *time.Location // the pipeline's: a time with a zone is taken to it
}

// parse returns the calendar date of s. A time that names its zone
// (2026-03-01T23:30:00Z) is the date it was in the pipeline's time zone;
// one without a zone is the date as written.
func (l dateLayouts) parse(s string) (model.Date, error) {
	if d, ok := l.iso(s); ok {
		return d, nil
	}
	for _, layout := range l.layouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if hasZone(layout) {
			t = t.In(l.zone)
		}
		if d := model.DateOf(t); d >= model.FirstDate && d <= model.LastDate {
			return d, nil
		}
		return 0, fmt.Errorf("%q is outside the years pipegen works with, %s to %s", s, model.FirstDate, model.LastDate)
	}
	return 0, fmt.Errorf("%q is not a date like %s", s, l.examples())
}

// iso reads YYYY-MM-DD at the start of s, with an optional time after a T
// or a space; a time with a zone is read whole and taken to the pipeline's
// zone.
func (l dateLayouts) iso(s string) (model.Date, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	rest := s[10:]
	if rest != "" && rest[0] != 'T' && rest[0] != ' ' {
		return 0, false
	}
	if strings.HasSuffix(rest, "Z") || strings.LastIndexAny(rest, "+-") > 0 {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02 15:04Z07:00"} {
			if t, err := time.Parse(layout, s); err == nil {
				return model.DateOf(t.In(l.zone)), true
			}
		}
		return 0, false
	}
	if rest != "" {
		clock := rest[1:]
		ok := false
		for _, layout := range []string{"15:04", "15:04:05", "15:04:05.999999999", "3:04 PM", "3:04:05 PM"} {
			if _, err := time.Parse(layout, clock); err == nil {
				ok = true
				break
			}
		}
		if !ok {
			return 0, false
		}
	}
	d, err := model.ParseDate(s[:10])
	if err != nil || d < model.FirstDate || d > model.LastDate {
		return 0, false
	}
	return d, true
}

// examples writes the last day of 2026 in the forms the dates are read
// in (at most three), for messages: the day (31) tells the day from the
// month in every order.
func (l dateLayouts) examples() string {
	last := time.Date(2026, time.December, 31, 0, 0, 0, 0, time.UTC)
	forms := []string{"2026-12-31"}
	for _, layout := range l.layouts {
		if f := last.Format(layout); !slices.Contains(forms, f) && len(forms) < 3 {
			forms = append(forms, f)
		}
	}
	return strings.Join(forms, " or ")
}

// hasZone reports whether a Go layout reads a time zone.
func hasZone(layout string) bool {
	return strings.Contains(layout, "Z07") || strings.Contains(layout, "-07") || strings.Contains(layout, "MST")
}

// checkLayout reports whether a Go layout writes a whole calendar date:
// a year, a month and a day that read back as themselves.
func checkLayout(layout string) error {
	ref := time.Date(2031, time.November, 23, 15, 4, 5, 0, time.UTC)
	t, err := time.Parse(layout, ref.Format(layout))
	if err != nil || t.Year() != 2031 || t.Month() != time.November || t.Day() != 23 {
		return fmt.Errorf("date format %q does not write a year, a month and a day", layout)
	}
	return nil
}

// text cleans a value for a one-line field of a deal: line breaks, tabs,
// control characters and the marks that reverse text (which would make a
// title read otherwise than it is) become spaces, runs of spaces one, and
// the ends are trimmed.
func text(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || term.Rune(r) != r || r == '\uFEFF'
	}), " ")
}
