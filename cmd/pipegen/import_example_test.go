package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestImportExample runs the example of docs/import.md — init, a dry run,
// the owners it asks for added, the import, check and metrics — and checks
// that every line the page shows is a line the commands print, and that the
// deal file it shows is the file written.
func TestImportExample(t *testing.T) {
	t.Chdir("../..") // the example runs from the repository's root
	doc, err := os.ReadFile("docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(t.TempDir(), "sales-pipeline")
	pipegen := func(args ...string) string {
		var out bytes.Buffer
		run(context.Background(), args, &out, &out)
		return out.String()
	}
	importArgs := []string{"import", "hubspot", "docs/examples/hubspot-deals.csv", "--map", "docs/examples/hubspot-map.yaml", "--dir", repo}

	pipegen("init", repo)
	if err := os.Remove(filepath.Join(repo, "deals", "example-deal.yaml")); err != nil {
		t.Fatal(err)
	}
	var outputs []string
	outputs = append(outputs, pipegen(append(importArgs, "--dry-run")...))
	pipeline, err := os.ReadFile(filepath.Join(repo, "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	owners := "  - id: priya-shah\n    name: Priya Shah\n  - id: tom-becker\n    name: Tom Becker\n"
	if !strings.Contains(outputs[0], "owners:\n"+owners) {
		t.Fatalf("the dry run does not ask for the owners:\n%s", outputs[0])
	}
	pipeline = bytes.Replace(pipeline, []byte("owners:\n"), []byte("owners:\n"+owners), 1)
	if err := os.WriteFile(filepath.Join(repo, "pipeline.yaml"), pipeline, 0o644); err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, pipegen(importArgs...))
	outputs = append(outputs, pipegen("check", "--dir", repo)+pipegen("metrics", "--dir", repo, "--as-of", "2026-11-27"))

	blocks := regexp.MustCompile("(?s)```text\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) != len(outputs) {
		t.Fatalf("docs/import.md shows %d outputs, the example has %d steps", len(blocks), len(outputs))
	}
	for i, b := range blocks {
		printed := map[string]bool{}
		for _, l := range strings.Split(outputs[i], "\n") {
			printed[strings.TrimRight(l, " ")] = true
		}
		for _, l := range strings.Split(strings.TrimSuffix(b[1], "\n"), "\n") {
			if !printed[strings.TrimRight(l, " ")] {
				t.Errorf("docs/import.md shows %q, which step %d does not print; it prints:\n%s", l, i+1, outputs[i])
			}
		}
	}
	deal := regexp.MustCompile("(?s)```yaml\n(title: Dunmore Foods.*?)```").FindSubmatch(doc)
	written, err := os.ReadFile(filepath.Join(repo, "deals", "dunmore-foods-40-seats.yaml"))
	if err != nil || deal == nil || string(deal[1]) != string(written) {
		t.Errorf("docs/import.md shows the deal file\n%s\nthe import wrote (%v)\n%s", deal, err, written)
	}
}
