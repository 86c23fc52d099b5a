package edit

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pipegen/pipegen/internal/load"
)

// readBack parses s written by Scalar as a deal's company (block context)
// and as a move's stage and reason (flow context), and returns the three
// values read.
func readBack(t *testing.T, s string) (block, flowStage, flowReason string) {
	t.Helper()
	src := "title: T\nowner: o\ncompany: " + Scalar(s) + "\nhistory: [{stage: " + Scalar(s) + ", date: 2026-01-02, reason: " + Scalar(s) + "}]\n"
	d, diags := load.ParseDeal("deals/x.yaml", "x", []byte(src))
	for _, x := range diags {
		if x.Code != "missing-field" {
			t.Fatalf("Scalar(%q) = %s does not parse: %v", s, Scalar(s), x)
		}
	}
	if len(d.History) != 1 {
		t.Fatalf("Scalar(%q): history %+v", s, d.History)
	}
	return d.Company, d.History[0].Stage, d.History[0].Reason
}

func TestScalar(t *testing.T) {
	// Written as they are: words, with spaces between them, in any script.
	plain := []string{"lead", "Northwind — analytics suite", "Café Zürich", "no-decision", "Acme_2"}
	// Quoted: what YAML would read as another type or as structure, text
	// with YAML's punctuation, spaces at the ends, line breaks.
	quoted := []string{"0123", "2026-01-02", "-1", ".inf", "yes", "Null", "", " lead", "a: b", "a #b", "[x]", "x, y",
		`say "hi"`, "<b>&", "a\u2028b", "line\nbreak", "tab\there"}
	for _, in := range append(plain, quoted...) {
		want := in
		if !slices.Contains(plain, in) {
			want = strconv.Quote(in)
		}
		if got := Scalar(in); got != want {
			t.Errorf("Scalar(%q) = %s, want %s", in, got, want)
		}
		if in == "" {
			continue
		}
		if b, fs, fr := readBack(t, in); b != in || fs != in || fr != in {
			t.Errorf("Scalar(%q) reads back as %q (block), %q, %q (flow)", in, b, fs, fr)
		}
	}
}

func FuzzScalar(f *testing.F) {
	for _, s := range []string{"lead", "Café — 120 seats", "0x1F", "a: b", "~", "é\u0085", "'quoted'", "a\tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Text a user can type: UTF-8 without control characters other
		// than tabs and line breaks, and not only spaces (fields are
		// trimmed and empty ones mean absent).
		if !utf8.ValidString(s) || strings.TrimSpace(s) == "" || strings.ContainsFunc(s, func(r rune) bool {
			return r < ' ' && r != '\t' && r != '\n' || r == 0x7f || r == '\uFEFF'
		}) {
			return
		}
		if b, fs, fr := readBack(t, s); b != s || fs != s || fr != s {
			t.Errorf("Scalar(%q) = %s reads back as %q (block), %q, %q (flow)", s, Scalar(s), b, fs, fr)
		}
	})
}
