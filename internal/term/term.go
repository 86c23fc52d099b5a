// Package term keeps user text from taking over a terminal. Deal files,
// pipeline.yaml and file names are written by anyone who can edit the
// repository; printed raw, an escape sequence in a stage name could
// recolour or rewrite the screen of whoever runs pipegen, a carriage return
// could hide a line, a bidirectional override could make text read
// backwards, and a newline in a file name could forge a line of output.
// Every terminal write of user text goes through Clean.
package term

import (
	"strings"
	"unicode"
)

// Replacement stands in for each character that is not shown, so that
// columns still line up.
const Replacement = '\uFFFD'

// Rune returns r, or Replacement for a character that must not reach a
// terminal: control characters (tabs aside), line and paragraph
// separators, and the bidirectional embeddings, overrides and isolates.
func Rune(r rune) rune {
	switch {
	case r == '\t':
		return r
	case unicode.IsControl(r), r == '\u2028', r == '\u2029',
		r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return Replacement
	}
	return r
}

// Clean returns s with every character Rune refuses replaced. A newline
// is refused too: user text is printed on one line.
func Clean(s string) string {
	for _, r := range s {
		if Rune(r) != r {
			return strings.Map(Rune, s)
		}
	}
	return s
}

// Lines cleans each line of a text of several lines (a hint that quotes
// YAML), keeping its line breaks.
func Lines(s string) string {
	if !strings.Contains(s, "\n") {
		return Clean(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Clean(l)
	}
	return strings.Join(lines, "\n")
}
