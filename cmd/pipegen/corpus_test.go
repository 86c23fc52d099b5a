package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected output of golden tests")

// TestBrokenCorpus runs pipegen check on each repository of
// testdata/broken/*.txtar and compares its output and exit code with the
// archive's check.out section. An archive without pipeline.yaml is checked
// against testdata/broken/pipeline.yaml, unless it has a "no-pipeline" file.
// Run with -update to rewrite check.out after a deliberate change.
func TestBrokenCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/broken/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 70 {
		t.Errorf("the corpus has %d cases, want at least 70", len(files))
	}
	defaultPipeline, err := os.ReadFile("testdata/broken/pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			hasPipeline, outIndex := false, -1
			for i, f := range ar.Files {
				switch f.Name {
				case "check.out":
					outIndex = i
					continue
				case "pipeline.yaml", "no-pipeline":
					hasPipeline = true
					if f.Name == "no-pipeline" {
						continue
					}
				}
				writeFile(t, filepath.Join(dir, f.Name), f.Data)
			}
			if !hasPipeline {
				writeFile(t, filepath.Join(dir, "pipeline.yaml"), defaultPipeline)
			}
			var stdout, stderr bytes.Buffer
			// Every case, hostile ones included, must end at once; two
			// seconds is a hang detector, not a performance target.
			ended := make(chan int, 1)
			go func() {
				ended <- exitCode(run(context.Background(), []string{"check", "--dir", dir}, &stdout, &stderr), &stderr)
			}()
			var code int
			select {
			case code = <-ended:
			case <-time.After(2 * time.Second):
				t.Fatalf("pipegen check did not end within 2s")
			}
			if code != 0 && code != 1 {
				t.Errorf("exit code %d, want 0 or 1", code)
			}
			got := fmt.Sprintf("%s%sexit %d\n", stdout.String(), stderr.String(), code)
			if strings.Contains(got, "goroutine ") || strings.Contains(got, "panic:") {
				t.Fatalf("check crashed:\n%s", got)
			}
			if *update {
				if outIndex < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "check.out"})
					outIndex = len(ar.Files) - 1
				}
				ar.Files[outIndex].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if outIndex < 0 {
				t.Fatalf("%s has no check.out section; run go test -update", file)
			}
			if want := string(ar.Files[outIndex].Data); got != want {
				t.Errorf("pipegen check output differs (run go test -update to accept)\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
