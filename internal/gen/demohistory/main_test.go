package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errs strings.Builder
	if code := run(context.Background(), []string{"--deals", "30", "--months", "2", dir}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "go run ./cmd/pipegen serve --dir "+dir) {
		t.Errorf("the output does not say how to see the dashboard:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		t.Error(err)
	}
	p, err := os.ReadFile(filepath.Join(dir, "pipeline.yaml"))
	if err != nil || !strings.Contains(string(p), "as_of: 2026-11-27\n") || strings.Contains(string(p), "repository:") {
		t.Errorf("pipeline.yaml pins as_of and has no repository: %v\n%s", err, p)
	}

	// A folder with files in it is refused; so are bad flags.
	for _, args := range [][]string{{dir}, {"--end", "2026-13-01", t.TempDir()}, {"--deals", "0", t.TempDir()}, {}} {
		errs.Reset()
		if code := run(context.Background(), args, &out, &errs); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if !strings.Contains(errs.String(), "usage") {
		t.Errorf("no DIR: %q, want the usage", errs.String())
	}
}
