package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/model"
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
	// The open pipeline is what the CRM's board shows for the export: the
	// deals not in a closed stage, and the sum of their Amount.
	f, err := os.Open("docs/examples/hubspot-deals.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	stage, amount := slices.Index(rows[0], "Deal Stage"), slices.Index(rows[0], "Amount")
	open, cents := 0, int64(0)
	for _, r := range rows[1:] {
		if r[stage] == "Closed Won" || r[stage] == "Closed Lost" {
			continue
		}
		open++
		if r[amount] != "" {
			m, err := model.ParseMoney(r[amount])
			if err != nil {
				t.Fatal(err)
			}
			cents += int64(m)
		}
	}
	var report struct {
		Current struct {
			OpenDeals int     `json:"open_deals"`
			OpenValue float64 `json:"open_value"`
		} `json:"current"`
	}
	if err := json.Unmarshal([]byte(pipegen("metrics", "--dir", repo, "--as-of", "2026-11-27", "--format", "json")), &report); err != nil {
		t.Fatal(err)
	}
	if report.Current.OpenDeals != open || int64(math.Round(report.Current.OpenValue*100)) != cents {
		t.Errorf("open deals %d worth %.2f; the export has %d open rows worth %.2f", report.Current.OpenDeals, report.Current.OpenValue, open, float64(cents)/100)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(doc)), " "), fmt.Sprintf("%d deals not in a closed stage", open)) {
		t.Errorf("docs/import.md does not say how many deals the export has open (%d)", open)
	}

	deal := regexp.MustCompile("(?s)```yaml\n(title: Dunmore Foods.*?)```").FindSubmatch(doc)
	written, err := os.ReadFile(filepath.Join(repo, "deals", "dunmore-foods-40-seats.yaml"))
	if err != nil || deal == nil || string(deal[1]) != string(written) {
		t.Errorf("docs/import.md shows the deal file\n%s\nthe import wrote (%v)\n%s", deal, err, written)
	}
}
