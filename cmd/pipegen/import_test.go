package main

import (
	"fmt"
	"testing"

	"github.com/pipegen/pipegen/internal/diag"
)

// Importing a large export again prints the first warnings of each kind
// and counts the rest, and never leaves out an error.
func TestQuieterWarnings(t *testing.T) {
	var ds []diag.Diagnostic
	for i := range 25 {
		ds = append(ds, diag.Diagnostic{File: "deals.csv", Line: i + 2, Severity: diag.Warning, Code: "exists", Message: fmt.Sprint("exists ", i)})
		ds = append(ds, diag.Diagnostic{File: "deals.csv", Line: i + 2, Severity: diag.Error, Code: "unknown-owner", Message: fmt.Sprint("owner ", i)})
	}
	ds = append(ds, diag.Diagnostic{File: "deals.csv", Line: 40, Severity: diag.Warning, Code: "skipped", Message: "left out"})
	got := quieter(ds)
	count := map[string]int{}
	for _, d := range got {
		count[d.Code]++
	}
	if count["unknown-owner"] != 25 || count["exists"] != warningsShown+1 || count["skipped"] != 1 {
		t.Errorf("kept %v, want every error, %d warnings of a kind and one line counting the rest", count, warningsShown)
	}
	if last := got[len(got)-1]; last.Message != "15 more warnings like the ones above (exists) are not shown" {
		t.Errorf("the last line is %q", last.Message)
	}
}
