package format

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/pipegen/pipegen/internal/term"
)

// Table lays out rows of cells in aligned columns for the terminal, under a
// header and a rule.
type Table struct {
	Header []string
	Right  []bool // right-align column i (numbers)
	rows   [][]string
}

// Add adds a row. Cells are user text (names, ids), so each is cleaned
// for the terminal.
func (t *Table) Add(cells ...string) {
	for i, c := range cells {
		cells[i] = term.Clean(c)
	}
	t.rows = append(t.rows, cells)
}

// Write writes the table.
func (t *Table) Write(w io.Writer) {
	widths := make([]int, len(t.Header))
	for _, r := range append([][]string{t.Header}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(t.Right) && t.Right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.Header)
	total := 2 * (len(widths) - 1)
	for _, wd := range widths {
		total += wd
	}
	fmt.Fprintln(w, strings.Repeat("─", total))
	for _, r := range t.rows {
		line(r)
	}
}
