package diag

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/pipegen/pipegen/internal/term"
)

// Sources returns the content of a file named in a diagnostic, or nil when it
// cannot be read; it gives text output its source excerpts.
type Sources func(file string) []byte

// DirSources reads the files of diagnostics from the folder they are
// relative to; a file that is not a regular file of at most limit bytes
// has no excerpt.
func DirSources(dir string, limit int64) Sources {
	return func(file string) []byte {
		full := filepath.Join(dir, filepath.FromSlash(file))
		info, err := os.Lstat(full)
		if err != nil || !info.Mode().IsRegular() || info.Size() > limit {
			return nil
		}
		b, err := os.ReadFile(full)
		if err != nil {
			return nil
		}
		return b
	}
}

// TextOptions tunes text output.
type TextOptions struct {
	Color bool
	// Context is the number of source lines shown before and after the
	// line of each diagnostic.
	Context int
}

const (
	bold   = "\x1b[1m"
	red    = "\x1b[1;31m"
	yellow = "\x1b[1;33m"
	cyan   = "\x1b[36m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

// WriteText writes each diagnostic as "file:line:col: error: message", the
// source line with a caret under the column, and a "hint:" line.
func WriteText(w io.Writer, ds []Diagnostic, src Sources, opt TextOptions) error {
	bw := bufio.NewWriter(w)
	paint := func(style, s string) string {
		if !opt.Color {
			return s
		}
		return style + s + reset
	}
	cache := make(map[string][]string)
	lines := func(file string) []string {
		l, ok := cache[file]
		if !ok && src != nil {
			if b := src(file); b != nil {
				l = splitLines(b)
			}
			cache[file] = l
		}
		return l
	}
	for _, d := range ds {
		sev := paint(red, "error")
		if d.Severity == Warning {
			sev = paint(yellow, "warning")
		}
		fmt.Fprintf(bw, "%s: %s: %s\n", paint(bold, term.Clean(d.Location())), sev, paint(bold, term.Clean(d.Message)))
		if l := lines(d.File); d.Line > 0 && d.Line <= len(l) {
			first, last := max(1, d.Line-opt.Context), min(len(l), d.Line+opt.Context)
			width := len(fmt.Sprint(last))
			for n := first; n <= last; n++ {
				col := 0
				if n == d.Line {
					col = d.Column
				}
				writeExcerpt(bw, l[n-1], n, width, col, paint)
			}
		}
		if d.Hint != "" {
			fmt.Fprintf(bw, "%s %s\n", paint(cyan, "hint:"), strings.ReplaceAll(term.Lines(d.Hint), "\n", "\n      "))
		}
	}
	return bw.Flush()
}

// excerptWidth is the most characters of a source line shown; a longer
// line is cut around the column, with "…" where text was left out.
const excerptWidth = 120

func writeExcerpt(w io.Writer, line string, n, width, col int, paint func(style, s string) string) {
	if runes := []rune(line); len(runes) > excerptWidth {
		from := max(0, min(col-1-excerptWidth/3, len(runes)-excerptWidth))
		cut := string(runes[from : from+excerptWidth])
		if from > 0 {
			cut = "…" + cut
			if col > 0 {
				col = col - from + 1
			}
		}
		if from+excerptWidth < len(runes) {
			cut += "…"
		}
		line = cut
	}
	num := fmt.Sprintf("%*d", width, n)
	gutter := strings.Repeat(" ", width)
	fmt.Fprintf(w, " %s %s %s\n", paint(dim, num), paint(dim, "|"), line)
	if col < 1 {
		return
	}
	// Keep tabs as tabs so the caret lines up whatever the tab width is.
	var pad strings.Builder
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		i++
	}
	fmt.Fprintf(w, " %s %s %s%s\n", gutter, paint(dim, "|"), pad.String(), paint(red, "^"))
}

func splitLines(b []byte) []string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	raw := strings.Split(string(b), "\n")
	for i, l := range raw {
		l = strings.TrimSuffix(l, "\r")
		if !utf8.ValidString(l) {
			l = strings.ToValidUTF8(l, "\uFFFD")
		}
		raw[i] = strings.Map(term.Rune, l)
	}
	return raw
}

// Summary is the last line of a check: "3 errors in 2 files (61 deals checked)".
func Summary(ds []Diagnostic, deals int) string {
	errs, warns, files := Count(ds)
	checked := fmt.Sprintf("(%d %s checked)", deals, plural(deals, "deal", "deals"))
	switch {
	case errs == 0 && warns == 0:
		return "no problems " + checked
	case warns == 0:
		return fmt.Sprintf("%d %s in %d %s %s", errs, plural(errs, "error", "errors"), files, plural(files, "file", "files"), checked)
	case errs == 0:
		return fmt.Sprintf("no errors, %d %s in %d %s %s", warns, plural(warns, "warning", "warnings"), files, plural(files, "file", "files"), checked)
	}
	return fmt.Sprintf("%d %s and %d %s in %d %s %s", errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"), files, plural(files, "file", "files"), checked)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WriteJSON writes the diagnostics as a JSON array, [] when there are none.
func WriteJSON(w io.Writer, ds []Diagnostic) error {
	if ds == nil {
		ds = []Diagnostic{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ds)
}

// WriteGitHub writes one workflow command per diagnostic, which GitHub shows
// as an annotation on the line:
// ::error file=deals/acme.yaml,line=14,col=5,title=bad-transition::message
func WriteGitHub(w io.Writer, ds []Diagnostic) error {
	bw := bufio.NewWriter(w)
	for _, d := range ds {
		props := "file=" + escapeProperty(term.Clean(d.File))
		if d.Line > 0 {
			props += fmt.Sprintf(",line=%d", d.Line)
			if d.Column > 0 {
				props += fmt.Sprintf(",col=%d", d.Column)
			}
		}
		props += ",title=" + escapeProperty("pipegen "+d.Code)
		msg := term.Lines(d.Message)
		if d.Hint != "" {
			msg += "\nhint: " + term.Lines(d.Hint)
		}
		fmt.Fprintf(bw, "::%s %s::%s\n", d.Severity, props, escapeData(msg))
	}
	return bw.Flush()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
