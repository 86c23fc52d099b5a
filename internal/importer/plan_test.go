package importer

import (
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
)

// planDiags resolves a mapping file against a header and the test
// pipeline, and returns the problems as "file:line:col: message" lines.
func planDiags(t *testing.T, kind Kind, header []string, mapping string) (*plan, []string) {
	t.Helper()
	var m *load.ImportMap
	if mapping != "" {
		var md []diag.Diagnostic
		m, md = load.ParseImportMap("map.yaml", []byte(mapping))
		if len(md) > 0 {
			t.Fatalf("the mapping does not parse: %v", md)
		}
	}
	base := testPlan(t, testPipeline)
	pl, diags := newPlan(kind, header, m, "map.yaml", "deals.csv", base.p)
	var out []string
	for _, d := range diags {
		out = append(out, d.Location()+": "+d.Message)
	}
	return pl, out
}

func TestPlanErrors(t *testing.T) {
	header := []string{"Account", "Product", "Agent", "Stage", "Engaged", "Closed"}
	_, got := planDiags(t, CSV, header, `columns:
  title: "{acount} — {Product}"
  owner: agnet
  stage: Stage
  created: Engaged
  closed: "{Closed"
stages:
  Engaging: qualifed
owners:
  Moses: nobody
entered:
  demo: Demo date
  quals: Engaged
date_format: [2006-01-02, dd/mm/yyyy]
`)
	want := []string{
		`map.yaml:2:10: deals.csv has no column "acount" — did you mean "Account"?`,
		`map.yaml:3:10: deals.csv has no column "agnet" — did you mean "Agent"?`,
		`map.yaml:6:11: template "{Closed" has a brace that is not closed or opened`,
		`map.yaml:8:13: stages: "qualifed" is not a stage of pipeline.yaml — did you mean "qualified"?`,
		`map.yaml:10:10: owners: "nobody" is not an owner of pipeline.yaml`,
		`map.yaml:12:9: deals.csv has no column "Demo date"`,
		`map.yaml:13:3: entered: "quals" is not a stage of pipeline.yaml`,
		`map.yaml:14:27: date format "dd/mm/yyyy" does not write a year, a month and a day`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A CRM export without a column pipegen needs is reported at its header,
// with the column's name in that CRM; csv needs every field in the map.
func TestPlanMissingColumns(t *testing.T) {
	_, got := planDiags(t, HubSpot, []string{"Deal Name", "Deal Stage", "Amount"}, "")
	want := []string{
		`deals.csv:1:1: no column gives the deal's owner: a HubSpot export names it "Deal owner"`,
		`deals.csv:1:1: no column gives the deal's created date: a HubSpot export names it "Create Date" or "Created Date"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, got = planDiags(t, CSV, []string{"a"}, "columns:\n  title: a\n")
	if len(got) != 3 || !strings.Contains(got[0], "columns does not name the column of the deal's owner") {
		t.Errorf("csv without owner, stage, created: %v", got)
	}
	// A column the mapping file unmaps is not read, even from a CRM export.
	pl, got := planDiags(t, Pipedrive, []string{"Deal - Title", "Deal - Owner", "Deal - Stage", "Deal - Deal created", "Deal - Value"}, "columns:\n  value: \"\"\n")
	if len(got) > 0 || pl.fields["value"] != nil || pl.fields["title"] == nil {
		t.Errorf("unmapping value: %v, %+v", got, pl.fields)
	}
}

// Stage values are the mapping file's first, then the pipeline's ids and
// names in any case, then the words CRMs use for closed stages.
func TestStageOf(t *testing.T) {
	pl, diags := planDiags(t, CSV, []string{"t", "o", "s", "c"}, `columns: {title: t, owner: o, stage: s, created: c}
stages:
  Prospecting: qualified
  Negotiation/Review: negotiation
`)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for in, want := range map[string]string{
		"Prospecting":        "qualified", // the map wins over the stage named Prospecting
		"LEAD":               "lead",
		" demo ":             "demo",
		"negotiation/review": "negotiation",
		"Closed Won":         "won",
		"closedlost":         "lost",
		"Closed won":         "won",
		"lost":               "lost",
	} {
		if got, ok := pl.stageOf(in); !ok || got != want {
			t.Errorf("stageOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := pl.stageOf("Contract Sent"); ok {
		t.Errorf("stageOf(an unknown stage) = %q", got)
	}
}

func TestOwnerOf(t *testing.T) {
	pl := testPlan(t, testPipeline)
	for in, want := range map[string]string{"ann": "ann", "ANN": "ann", "Ann Smith": "ann", "ann smith": "ann", "Bob Jones": "bob", "bob@acme.example": "bob"} {
		if got, ok := pl.ownerOf(in); !ok || got != want {
			t.Errorf("ownerOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if id, ok := pl.ownerOf("Dmitri Petrov"); ok || id != "dmitri-petrov" {
		t.Errorf("ownerOf(an unknown owner) = %q, %v; want dmitri-petrov, false", id, ok)
	}
	// Without an owners list, any owner goes, as an id.
	open := testPlan(t, strings.Replace(testPipeline, "owners:\n  - {id: ann, name: Ann Smith}\n  - {id: bob, name: Bob Jones}\n", "", 1))
	if id, ok := open.ownerOf("Dmitri Petrov"); !ok || id != "dmitri-petrov" {
		t.Errorf("ownerOf without a list = %q, %v", id, ok)
	}
}
