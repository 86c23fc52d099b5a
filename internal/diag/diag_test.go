package diag

import (
	"bytes"
	"strings"
	"testing"
)

var sample = []Diagnostic{
	{File: "deals/b.yaml", Line: 2, Column: 3, Severity: Warning, Code: "no-value", Message: "w", Hint: "h"},
	{File: "deals/a.yaml", Line: 14, Column: 5, Severity: Error, Code: "bad-transition", Message: `move from "lead" to "won" is not allowed`, Hint: `from "lead" a deal can move to "qualified" or "lost"`},
	{File: "deals/a.yaml", Line: 3, Column: 1, Severity: Error, Code: "x", Message: "m"},
	{File: "deals/a,b:c.yaml", Severity: Error, Code: "case-conflict", Message: "100% wrong\nsecond line"},
}

func TestSort(t *testing.T) {
	ds := append([]Diagnostic(nil), sample...)
	Sort(ds)
	var got []string
	for _, d := range ds {
		got = append(got, d.Location())
	}
	want := "deals/a,b:c.yaml deals/a.yaml:3:1 deals/a.yaml:14:5 deals/b.yaml:2:3"
	if strings.Join(got, " ") != want {
		t.Errorf("Sort order = %v, want %s", got, want)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		ds    []Diagnostic
		deals int
		want  string
	}{
		{nil, 61, "no problems (61 deals checked)"},
		{nil, 1, "no problems (1 deal checked)"},
		{sample[:1], 2, "no errors, 1 warning in 1 file (2 deals checked)"},
		{sample[1:2], 2, "1 error in 1 file (2 deals checked)"},
		{sample[1:3], 61, "2 errors in 1 file (61 deals checked)"},
		{sample, 61, "3 errors and 1 warning in 3 files (61 deals checked)"},
	}
	for _, tt := range tests {
		if got := Summary(tt.ds, tt.deals); got != tt.want {
			t.Errorf("Summary(%d diagnostics) = %q, want %q", len(tt.ds), got, tt.want)
		}
	}
}

func TestWriteText(t *testing.T) {
	src := map[string]string{"deals/a.yaml": "title: x\n\tx\n" + strings.Repeat("line\n", 11) + "  - {stage: wón}\r\n"}
	var b bytes.Buffer
	err := WriteText(&b, sample[1:2], func(f string) []byte { return []byte(src[f]) }, TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `deals/a.yaml:14:5: error: move from "lead" to "won" is not allowed
 14 |   - {stage: wón}
    |     ^
hint: from "lead" a deal can move to "qualified" or "lost"
`
	if b.String() != want {
		t.Errorf("WriteText =\n%s\nwant\n%s", b.String(), want)
	}
	// A line past the end of the file, or an unreadable file, prints no excerpt.
	b.Reset()
	WriteText(&b, []Diagnostic{{File: "gone.yaml", Line: 3, Column: 1, Message: "m"}}, func(string) []byte { return nil }, TextOptions{})
	if b.String() != "gone.yaml:3:1: error: m\n" {
		t.Errorf("no source: %q", b.String())
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("WriteJSON(nil) = %q, %v; want []", b.String(), err)
	}
	b.Reset()
	WriteJSON(&b, sample[2:3])
	want := `[
  {
    "file": "deals/a.yaml",
    "line": 3,
    "column": 1,
    "severity": "error",
    "code": "x",
    "message": "m"
  }
]
`
	if b.String() != want {
		t.Errorf("WriteJSON = %s, want %s", b.String(), want)
	}
}

func TestWriteGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := WriteGitHub(&b, sample); err != nil {
		t.Fatal(err)
	}
	want := `::warning file=deals/b.yaml,line=2,col=3,title=pipegen no-value::w%0Ahint: h
::error file=deals/a.yaml,line=14,col=5,title=pipegen bad-transition::move from "lead" to "won" is not allowed%0Ahint: from "lead" a deal can move to "qualified" or "lost"
::error file=deals/a.yaml,line=3,col=1,title=pipegen x::m
::error file=deals/a%2Cb%3Ac.yaml,title=pipegen case-conflict::100%25 wrong%0Asecond line
`
	if b.String() != want {
		t.Errorf("WriteGitHub =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteTextContext(t *testing.T) {
	src := []byte("a: 1\nb: 2\nc: [\nd: 4\n")
	var b bytes.Buffer
	WriteText(&b, []Diagnostic{{File: "f", Line: 3, Column: 4, Message: "m", Hint: "h"}}, func(string) []byte { return src }, TextOptions{Context: 1})
	want := "f:3:4: error: m\n 2 | b: 2\n 3 | c: [\n   |    ^\n 4 | d: 4\nhint: h\n"
	if b.String() != want {
		t.Errorf("with context:\n%q\nwant\n%q", b.String(), want)
	}
}

// Control characters in a file never reach the terminal.
func TestWriteTextControlCharacters(t *testing.T) {
	src := []byte("owner: \x1b[31mred\x1b[0m\x00\x07end\n")
	var b bytes.Buffer
	WriteText(&b, []Diagnostic{{File: "f", Line: 1, Column: 8, Message: "m"}}, func(string) []byte { return src }, TextOptions{})
	if strings.ContainsAny(b.String(), "\x1b\x00\x07") {
		t.Errorf("control characters in the output: %q", b.String())
	}
	if !strings.Contains(b.String(), " 1 | owner: \uFFFD[31mred\uFFFD[0m\uFFFD\uFFFDend\n   |        ^\n") {
		t.Errorf("excerpt = %q", b.String())
	}
}

// A very long line is cut around the column, and the caret still points at it.
func TestWriteTextLongLine(t *testing.T) {
	line := strings.Repeat("a", 500) + "X" + strings.Repeat("b", 500)
	var b bytes.Buffer
	WriteText(&b, []Diagnostic{{File: "f", Line: 1, Column: 501, Message: "m"}}, func(string) []byte { return []byte(line) }, TextOptions{})
	lines := strings.Split(b.String(), "\n")
	if len(lines[1]) > 200 || !strings.Contains(lines[1], "…") {
		t.Fatalf("excerpt not cut: %d bytes", len(lines[1]))
	}
	caret := strings.Index(lines[2], "^")
	if []rune(lines[1])[len([]rune(lines[2][:caret]))] != 'X' {
		t.Errorf("the caret does not point at the column:\n%s\n%s", lines[1], lines[2])
	}
}
