package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/model"
)

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]string{
		"36000":        "36000",
		"36000.00":     "36000",
		"36000.5":      "36000.50",
		"1,234.56":     "1234.56",
		"1.234,56":     "1234.56",
		"€36,000":      "36000",
		"36.000 €":     "36000",
		"$ 1,200.00":   "1200",
		"USD 1,200":    "1200",
		"1 234,50":     "1234.50",
		"36\u00a0000":  "36000", // a no-break space between groups
		"36\u202f000":  "36000", // a narrow one, as French writes it
		"1'234.50":     "1234.50",
		"1,234,567.8":  "1234567.80",
		"1.234.567":    "1234567",
		"12,5":         "12.50",
		"0,99":         "0.99",
		".5":           "0.50",
		"0":            "0",
		"-1,200.00":    "-1200",
		"(1,200.00)":   "-1200",
		"1200-":        "-1200",
		"  2500  ":     "2500",
		"007":          "7",
		"1,000,000.00": "1000000",
	} {
		got, err := parseAmount(in)
		if err != nil {
			t.Errorf("parseAmount(%q): %v", in, err)
			continue
		}
		if got.String() != strings.TrimSuffix(want, ".00") && got.String() != want {
			t.Errorf("parseAmount(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseAmountErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "not an amount",
		"€":                "not an amount",
		"1e5":              "not an amount",
		"12 dollars 50":    "not an amount",
		"0x1F":             "not an amount",
		"1.2345":           "more than two decimals",
		"1,5,":             "not an amount",
		"1.234,5,6":        "not an amount",
		"9999999999999999": "more than 1000000000000",
		"=1+1":             "not an amount",
		"12/03/2026":       "not an amount",
		"--5":              "not an amount",
	} {
		if got, err := parseAmount(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseAmount(%q) = %v, %v; want an error saying %q", in, got, err, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	l := dateLayouts{layouts: []string{"02.01.2006", "1/2/2006", "1/2/2006 3:04 PM"}, zone: kyiv}
	for in, want := range map[string]string{
		"2026-03-01":                    "2026-03-01",
		"2026-03-01 10:11":              "2026-03-01",
		"2026-03-01 10:11:12":           "2026-03-01",
		"2026-03-01T10:11:12":           "2026-03-01",
		"2026-03-01T10:11:12.123":       "2026-03-01",
		"2026-03-01T21:30:00Z":          "2026-03-01", // 23:30 in Kyiv
		"2026-03-01T22:30:00Z":          "2026-03-02", // 00:30 the next day in Kyiv
		"2026-03-01T22:30:00.000+0000":  "2026-03-02", // Salesforce Data Loader
		"2026-03-01T01:00:00+05:00":     "2026-02-28",
		"01.03.2026":                    "2026-03-01",
		"3/1/2026":                      "2026-03-01",
		"03/01/2026":                    "2026-03-01",
		"3/1/2026 4:05 PM":              "2026-03-01",
		"2024-02-29":                    "2024-02-29",
		"2026-12-31 23:59:59":           "2026-12-31",
		"2026-03-01 10:11:12.999999999": "2026-03-01",
	} {
		got, err := l.parse(in)
		if err != nil {
			t.Errorf("parse(%q): %v", in, err)
			continue
		}
		if got.String() != want {
			t.Errorf("parse(%q) = %s, want %s", in, got, want)
		}
	}
	for _, in := range []string{"2026-02-30", "2026-13-01", "tomorrow", "31/12/2026", "2026-03-01x", "2026-03-01 25:00", "1.3.26", "0099-01-01"} {
		if got, err := l.parse(in); err == nil {
			t.Errorf("parse(%q) = %s, want an error", in, got)
		}
	}
}

func TestCheckLayout(t *testing.T) {
	for _, ok := range []string{"2006-01-02", "01/02/2006", "2.1.2006", "Jan 2, 2006", "02.01.2006 15:04"} {
		if err := checkLayout(ok); err != nil {
			t.Errorf("checkLayout(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"2006-01", "15:04", "dd/mm/yyyy", "YYYY-MM-DD", "01/02"} {
		if err := checkLayout(bad); err == nil {
			t.Errorf("checkLayout(%q): no error", bad)
		}
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"  Acme  ":                   "Acme",
		"Acme\nRenewal":              "Acme Renewal",
		"Acme\r\n\tRenewal  2027":    "Acme Renewal 2027",
		"a\x00b\x1b[31mc":            "a b [31mc",
		"Zürich\u2028Basel":          "Zürich Basel",
		"\ufeffNorthwind":            "Northwind",
		"plain words, kept as is":    "plain words, kept as is",
		"Café — analytics, 12 seats": "Café — analytics, 12 seats",
	} {
		if got := text(in); got != want {
			t.Errorf("text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDateBounds(t *testing.T) {
	l := dateLayouts{zone: time.UTC}
	if _, err := l.parse("1899-12-31"); err == nil {
		t.Errorf("a date before %s was read", model.FirstDate)
	}
}
