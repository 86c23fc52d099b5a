package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml/lexer"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/model"
)

// parseWithin parses a deal, failing the test if the parser has not
// finished after 10 seconds: a spin takes tens of seconds and gigabytes,
// a refusal milliseconds, so this catches a hang without timing anything.
func parseWithin(t *testing.T, src string) []diag.Diagnostic {
	t.Helper()
	done := make(chan []diag.Diagnostic, 1)
	go func() {
		_, diags := ParseDeal("d.yaml", "d", []byte(src))
		done <- diags
	}()
	select {
	case diags := <-done:
		return diags
	case <-time.After(10 * time.Second):
		t.Fatalf("ParseDeal did not end within 10s on %d bytes: %.80q…", len(src), src)
		return nil
	}
}

func nest(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

// guardRefuses are files nested too deep, most of them in ways that fooled
// the earlier scan of the text, or could: each must end quickly with one
// too-deep diagnostic where the nesting passes the limit. Positions are
// go-yaml's: a tab takes no column, nor does the space after a tag. The
// seeds of FuzzParseDeal named deep-* and text-* are the inputs of these
// tables, cut at 2 KB.
var guardRefuses = []struct {
	name, src string
	line, col int
}{
	// An apostrophe or double quote inside unquoted text in a flow list
	// is a character of the text, not the start of a quoted string.
	{"apostrophe inside a flow list", "notes: [a ', " + nest("[", "]", 40000) + "]\n", 1, 45},
	{"apostrophe inside a flow list, 100,000 levels", "notes: [a ', " + nest("[", "]", 100000) + "]\n", 1, 45},
	{"double quote inside a flow list", "notes: [a \", " + nest("[", "]", 40000) + "]\n", 1, 45},
	{"name with an apostrophe in a flow list", "notes: [O'Brien, " + nest("[", "]", 1000) + "]\n", 1, 49},
	{"escaped backslash ends a double-quoted string", `notes: ["\\", ` + nest("[", "]", 1000) + "]\n", 1, 46},
	{"escaped quote inside a double-quoted string", `notes: ["a \" b", ` + nest("[", "]", 1000) + "]\n", 1, 50},
	{"backslash does not escape in single quotes", `notes: ['a\', ` + nest("[", "]", 1000) + "]\n", 1, 46},
	{"doubled quote inside single quotes", "notes: ['it''s', " + nest("[", "]", 1000) + "]\n", 1, 49},
	{"# inside quotes is not a comment", `notes: ["#", '#', ` + nest("[", "]", 1000) + "]\n", 1, 50},
	{"a comment ends at the end of its line", "notes: [ # [[[[\n" + nest("[", "]", 1000) + "]\n", 2, 32},
	{"brackets in unquoted text after an apostrophe", "title: it's " + strings.Repeat("{", 100) + "\n", 1, 45},
	{"brackets in unquoted text on a second line", "title: O'Brien\n  and " + strings.Repeat("[", 100) + "\n", 2, 39},

	// A block scalar ends at the first line indented less than its text.
	{"block scalar in a list entry, then flow", "history:\n  - notes: |\n      text ' \"\n    x: " + nest("[", "]", 1000) + "\n", 4, 40},
	{"block scalar with indicators, then flow", "notes: |-2\n    a [ ' \"\nx: " + nest("[", "]", 1000) + "\n", 3, 36},
	{"folded scalar with a comment, then flow", "notes: >+ # '\n  a\n\nx: " + nest("{a: ", "}", 1000) + "\n", 4, 132},

	// Flow collections across lines, with every kind of line break.
	{"flow list spanning lines", "notes: " + strings.Repeat("[\n", 40000) + strings.Repeat("]\n", 40000), 33, 1},
	{"flow list spanning CRLF lines", "notes: " + strings.Repeat("[\r\n", 40000) + strings.Repeat("]\r\n", 40000), 33, 1},
	{"flow list spanning CR lines", "notes: " + strings.Repeat("[\r", 40000) + strings.Repeat("]\r", 40000), 33, 1},
	{"flow list with tabs", "notes:\t" + strings.Repeat("[\t", 1000), 1, 39},
	{"flow maps as keys", "notes: " + strings.Repeat("{", 1000), 1, 40},
	{"flow lists behind anchors and tags", "notes: " + strings.Repeat("!!seq [", 100), 1, 205},
	{"flow in a second document", "title: x\n---\n" + nest("[", "]", 1000) + "\n", 3, 33},
	{"flow after a byte-order mark", "\ufeffnotes: " + nest("[", "]", 1000) + "\n", 1, 40},
	{"one level past the limit", "notes: " + nest("[", "]", maxDepth+1) + "\n", 1, 40},

	// Block nesting: entries on one line cost the parser as much as
	// brackets; indented lines are limited the same way.
	{"list entries on one line", strings.Repeat("- ", 100000) + "x\n", 1, 65},
	{"explicit keys on one line", strings.Repeat("? ", 100000) + "x\n", 1, 65},
	{"list entries and keys on one line", strings.Repeat("- ? ", 50000) + "x\n", 1, 65},
	{"list entries after a key", "history:\n  - " + strings.Repeat("- ", 40000) + "x\n", 2, 65},
	{"one entry past the limit", strings.Repeat("- ", 33) + "x\n", 1, 65},
	{"deep indentation with CR line endings", deepIndent(70, "\r"), 65, 65},
	{"deep indentation with tabs after keys", strings.ReplaceAll(deepIndent(70, "\n"), ":", ":\t"), 65, 65},
	{"mixed block and flow", "history:\n  - - [ a',\n      " + strings.Repeat("[", 40) + "\n", 3, 38},
}

// deepIndent is a mapping nested by indentation n levels deep, one space a
// level, with the given line break.
func deepIndent(n int, br string) string {
	var b strings.Builder
	b.WriteString("a:" + br)
	for i := 1; i <= n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "b:" + br)
	}
	return b.String()
}

// guardAccepts are files whose brackets, quotes and indentation are text
// or within the limits: they must never be refused as too deep.
var guardAccepts = []struct{ name, src string }{
	{"block scalar full of brackets and quotes", "title: x\nowner: o\nvalue: 1\nnotes: |\n  " + strings.Repeat("[{", 100) + " it's \"quoted ' # not a comment\n" +
		strings.Repeat(" ", 100) + "deeply indented text [[[[\n  - [ - ? -\n\n  end\nhistory: [{stage: lead, date: 2026-01-01}]\n"},
	{"block scalars with indicators", "title: x\nowner: o\nnotes: >+2\n     " + strings.Repeat("[", 100) + "\n\nsource: |-\n  " + strings.Repeat("{", 100) + "\n"},
	{"block scalar in a list entry", "title: x\nowner: o\nhistory:\n  - stage: lead\n    date: 2026-01-01\n    reason: |\n      " + strings.Repeat("[", 100) + "\n"},
	{"double-quoted title with brackets", "title: \"" + strings.Repeat("[", 100) + " \\\" " + strings.Repeat("{", 100) + "\"\nowner: o\n"},
	{"single-quoted title with brackets", "title: '" + strings.Repeat("[", 50) + " it''s " + strings.Repeat("[", 50) + "'\nowner: o\n"},
	{"quoted text over several lines", "title: x\nowner: o\nnotes: \"first line\n  " + strings.Repeat("[", 100) + " second line\n  third\"\nsource: '\n  " + strings.Repeat("{", 100) + "'\n"},
	{"apostrophes in unquoted text", "title: it's O'Brien's deal\ncompany: Bob's [big] {co} ]]]] }}}\nowner: o'neil\n"},
	{"unquoted text with balanced brackets", "title: x\nowner: o\nnotes: see " + strings.Repeat("[a] {b} ", 1000) + "\n"},
	{"comments full of brackets", "# " + strings.Repeat("[", 100) + "\ntitle: x # " + strings.Repeat("{", 100) + "\nowner: o\n" + strings.Repeat(" ", 100) + "# deep comment\n"},
	{"a long line in a flow list", "title: x\nowner: o\nhistory: [{stage: lead, date: 2026-01-01}, " + strings.Repeat(" ", 100) + "{stage: won, date: 2026-01-02}]\n"},
	{"a flow list indented deep on its next lines", "title: x\nowner: o\nhistory: [\n" + strings.Repeat(" ", 100) + "{stage: lead, date: 2026-01-01}]\n"},
	{"flow at the limit", "title: x\nowner: o\nnotes: " + nest("[", "]", maxDepth) + "\n"},
	{"list entries at the limit", "title: x\nowner: o\nx:\n" + strings.Repeat("- ", maxDepth) + "x\n"},
	{"CRLF deal", strings.ReplaceAll(dealSrc, "\n", "\r\n")},
	{"CR deal", strings.ReplaceAll(dealSrc, "\n", "\r")},
}

func TestGuardRefusesDeepNesting(t *testing.T) {
	for _, tt := range guardRefuses {
		t.Run(tt.name, func(t *testing.T) {
			diags := parseWithin(t, tt.src)
			if len(diags) != 1 || diags[0].Code != "too-deep" || diags[0].Line != tt.line || diags[0].Column != tt.col {
				t.Errorf("ParseDeal(%.60q…) = %v, want one too-deep at %d:%d", tt.src, diags, tt.line, tt.col)
			}
		})
	}
}

func TestGuardAcceptsText(t *testing.T) {
	for _, tt := range guardAccepts {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range parseWithin(t, tt.src) {
				if d.Code == "too-deep" || d.Code == "yaml-syntax" {
					t.Errorf("ParseDeal(%.60q…): unexpected %v", tt.src, d)
				}
			}
		})
	}
}

// TestGuardAcceptsRealDeals checks that no deal of the demo repository or
// of a generated pipeline comes near the limits.
func TestGuardAcceptsRealDeals(t *testing.T) {
	root := filepath.Join("..", "..")
	files := map[string][]byte{}
	demo, _, err := DealFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range demo {
		if files[rel], err = os.ReadFile(filepath.Join(root, rel)); err != nil {
			t.Fatal(err)
		}
	}
	end, _ := model.ParseDate("2026-11-27")
	for rel, src := range gen.Deals(gen.Options{Seed: 7, Deals: 400, End: end, Months: 24}) {
		files["gen/"+rel] = src
	}
	if len(files) < 400 {
		t.Fatalf("only %d files", len(files))
	}
	for name, src := range files {
		_, diags := ParseDeal(name, "d", src)
		for _, d := range diags {
			if d.Code == "too-deep" || d.Code == "yaml-syntax" {
				t.Errorf("%s: %v", name, d)
			}
		}
	}
}

// BenchmarkGuard is the cost of the guard alone on a usual deal: one walk
// over the tokens that the parser reads anyway.
func BenchmarkGuard(b *testing.B) {
	b.Run("tooDeep", func(b *testing.B) {
		tokens := lexer.Tokenize(dealSrc)
		for range b.N {
			if _, deep := tooDeep(tokens); deep {
				b.Fatal("too deep")
			}
		}
	})
	b.Run("ParseDeal", func(b *testing.B) {
		for range b.N {
			ParseDeal("d.yaml", "d", []byte(dealSrc))
		}
	})
}

// A file with more fields or documents than go-yaml parses quickly is
// refused before parsing, at the field that passes the limit; a pipeline
// of thousands of targets is not.
func TestGuardRefusesManyEntries(t *testing.T) {
	var keys, docs, targets strings.Builder
	keys.WriteString("title: x\n")
	for i := range maxEntries {
		fmt.Fprintf(&keys, "k%d: v\n", i)
	}
	for i := range maxEntries + 1 {
		fmt.Fprintf(&docs, "---\nt%d\n", i)
	}
	targets.WriteString("name: P\ncurrency: USD\nstages: [{id: lead, probability: 0.1}, {id: won, type: won}]\ntargets:\n")
	for i := range 3000 {
		fmt.Fprintf(&targets, "  - period: 2026-Q4\n    owner: o%d\n    revenue: 100\n", i)
	}
	for _, tt := range []struct {
		name      string
		src       string
		line, col int
	}{
		{"one mapping", keys.String(), maxEntries + 1, len(fmt.Sprint(maxEntries-1)) + 2},
		{"documents", docs.String(), 2*maxEntries + 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			diags := parseWithin(t, tt.src)
			if len(diags) != 1 || diags[0].Code != "too-many-entries" || diags[0].Line != tt.line || diags[0].Column != tt.col {
				t.Errorf("ParseDeal(%.60q…) = %v, want one too-many-entries at %d:%d", tt.src, diags, tt.line, tt.col)
			}
		})
	}
	if _, diags := ParsePipeline("pipeline.yaml", []byte(targets.String())); len(diags) != 0 {
		t.Errorf("a pipeline with 3,000 targets: %v", diags[0])
	}
}
