package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/pipegen/pipegen/internal/diag"
)

func TestColor(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	tests := []struct {
		terminal bool
		vars     map[string]string
		want     bool
	}{
		{true, nil, true},
		{true, map[string]string{"TERM": "xterm-256color"}, true},
		{true, map[string]string{"NO_COLOR": "1"}, false},
		{true, map[string]string{"NO_COLOR": "yes", "TERM": "xterm"}, false},
		{true, map[string]string{"TERM": "dumb"}, false},
		{false, nil, false},
	}
	for _, tt := range tests {
		if got := useColor(tt.terminal, env(tt.vars)); got != tt.want {
			t.Errorf("useColor(%v, %v) = %v, want %v", tt.terminal, tt.vars, got, tt.want)
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) {
		t.Errorf("a regular file or a buffer is not a terminal")
	}
	var b bytes.Buffer
	ds := []diag.Diagnostic{{File: "a.yaml", Line: 1, Column: 1, Code: "x", Message: "m", Hint: "h"}}
	if err := diag.WriteText(&b, ds, nil, diag.TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("\x1b[1;31merror\x1b[0m")) {
		t.Errorf("coloured output has no red error: %q", b.String())
	}
}
