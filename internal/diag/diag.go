// Package diag holds diagnostics — a user's mistake pointed at a file, line
// and column, with what is wrong and how to fix it — and writes them for a
// terminal, as JSON, or as GitHub workflow annotations.
package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity says whether a diagnostic fails a check.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem in one file. Line and Column are 1-based; a zero
// Line means the problem is with the file as a whole.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s: %s", d.Location(), d.Severity, d.Message)
}

// Location writes file:line:column, leaving out what is unknown.
func (d Diagnostic) Location() string {
	switch {
	case d.Line == 0:
		return d.File
	case d.Column == 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Column)
}

// Sort orders diagnostics by file, line and column, then code and message,
// so output is the same on every run.
func Sort(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns the number of errors and warnings, and the number of files
// they are in.
func Count(ds []Diagnostic) (errors, warnings, files int) {
	seen := make(map[string]bool)
	for _, d := range ds {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
		if !seen[d.File] {
			seen[d.File] = true
			files++
		}
	}
	return errors, warnings, files
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}
