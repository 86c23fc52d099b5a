package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// golden compares got with the file testdata/golden/name, or rewrites the
// file when the tests run with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update to accept):\n--- got\n%s", path, got)
	}
}

// runOK runs a pipegen command line in-process and fails unless it exits 0.
func runOK(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := exitCode(run(context.Background(), args, &stdout, &stderr), &stderr); code != 0 {
		t.Fatalf("pipegen %v: exit %d\n%s", args, code, stderr.String())
	}
	return stdout.Bytes()
}

// The demo pipeline of this repository, pinned to its as_of date, gives
// the same report every time.
func TestDemoMetricsGolden(t *testing.T) {
	golden(t, "demo-metrics.json", runOK(t, "metrics", "--dir", "../..", "--format", "json"))
	golden(t, "demo-metrics.txt", runOK(t, "metrics", "--dir", "../.."))
	golden(t, "demo-check.txt", runOK(t, "check", "--dir", "../.."))
}
