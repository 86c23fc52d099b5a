package importer

// The exports under testdata follow each CRM's documented columns. Where the
// column names come from (the pages as stored and searched on 2026-12-01):
//
// Pipedrive — the deal's fields as "Deal - <field>" columns: Deal - ID,
// Title, Organization, Owner, Value, Currency, Pipeline, Stage, Status
// (Open, Won, Lost, Deleted), Deal created, Last stage change, Won time,
// Lost time, Deal closed on, Lost reason, Expected close date, Source
// channel. The fields and their meaning: Pipedrive's API reference of a
// deal (add_time, stage_change_time, won_time, lost_time, close_time,
// expected_close_date, lost_reason, status, origin/channel), in the
// documentation of its official clients, pipedrive/client-php
// "docs/versions/v2/Model/Deal.md" and pipedrive/client-nodejs
// "docs/NewDeal.md"; "Import fields" and "Deals: what they are and how to
// add them" on support.pipedrive.com. Pipedrive's own page on exports was
// not among the stored pages: the "Deal - " labels are those of its data
// fields as exports write them, checked against public code that reads
// real exports.
//
// HubSpot — "HubSpot's default deal properties"
// (https://knowledge.hubspot.com/crm-deals/hubspots-default-deal-properties):
// Deal Name, Deal Stage, Pipeline, Amount, Close Date (the expected date of
// an open deal, the real one once it is closed), Create Date, Deal owner,
// Closed Lost Reason, Original Source Type, Next step, Record ID; "Use stage
// calculated properties"
// (https://knowledge.hubspot.com/properties/stage-calculated-properties):
// one "Date entered [stage]" property a stage, exported as
// Date entered "<stage> (<pipeline>)". The default stages (Appointment
// Scheduled, Qualified To Buy, Presentation Scheduled, Decision Maker
// Bought-In, Contract Sent, Closed Won, Closed Lost) are those of the same
// knowledge base.
//
// Salesforce — "Opportunity Fields" in Salesforce Help
// (https://help.salesforce.com/s/articleView?id=sales.opp_fields.htm), the
// labels a report exports: Opportunity Owner, Account Name, Opportunity
// Name, Stage, Amount, Close Date, Created Date, Next Step, Lead Source,
// Type, Probability (%), Fiscal Period, Age, Last Stage Change Date,
// Opportunity ID; the API names Data Loader writes (Id, Name, StageName,
// CloseDate, CreatedDate, LeadSource, LastStageChangeDate, NextStep, with
// Account.Name and Owner.Name for related records) from the Salesforce
// Field Reference, "Opportunity"
// (https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-opportunity.html),
// and the Data Loader Guide's "Export Data". Salesforce has no standard
// lost-reason field: the export here has none, and its lost deal is
// reported.
//
// CSV — the columns of a public sales-opportunity dataset (opportunity_id,
// sales_agent, product, account, deal_stage, engage_date, close_date,
// close_value), read through the mapping file of DESIGN.md.

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/project"
)

var update = flag.Bool("update", false, "rewrite the expected output of the golden tests")

// importCase imports testdata/<name>/export.csv (with its map.yaml, when
// there is one) into a new repository with testdata/pipeline.yaml.
func importCase(t *testing.T, name string, kind Kind, dry bool) (dir string, res *Result) {
	t.Helper()
	dir = t.TempDir()
	pipeline, err := os.ReadFile("testdata/pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pipeline.yaml"), pipeline, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, importInto(t, dir, name, kind, dry)
}

// importInto imports testdata/<name> into the repository in dir.
func importInto(t *testing.T, dir, name string, kind Kind, dry bool) *Result {
	t.Helper()
	p, pd := load.ReadPipeline(dir)
	if diag.HasErrors(pd) {
		t.Fatal(pd)
	}
	var m *load.ImportMap
	mapFile := filepath.Join("testdata", name, "map.yaml")
	if src, err := os.ReadFile(mapFile); err == nil {
		var md []diag.Diagnostic
		if m, md = load.ParseImportMap("map.yaml", src); len(md) > 0 {
			t.Fatal(md)
		}
	}
	export, err := os.Open(filepath.Join("testdata", name, "export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer export.Close()
	res, err := Import(Options{Kind: kind, CSV: export, CSVName: "export.csv", Map: m, MapName: "map.yaml",
		Pipeline: p, Dir: dir, DryRun: dry, Limit: load.DefaultMaxFileSize})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// summary writes what an import did, for a golden file: the counts, the
// problems as the command prints them (without excerpts), and the lines it
// proposes for pipeline.yaml and the mapping file.
func summary(res *Result, pipelineDir string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "rows: %d\nwritten: %s\nexisting: %s\nskipped: %d\nfailed: %d\n\n",
		res.Rows, strings.Join(res.Written, " "), strings.Join(res.Existing, " "), res.Skipped, res.Failed)
	diag.WriteText(&b, res.Diagnostics, nil, diag.TextOptions{})
	if len(res.Missing) > 0 {
		p, _ := load.ReadPipeline(pipelineDir)
		fmt.Fprintf(&b, "\npipeline.yaml lacks:\n%s\nmap lines:\n%s", PipelineLines(res.Missing), MapLines(res.Missing, p))
	}
	return b.String()
}

// TestImportGolden imports a sample export of each kind and compares the
// deal files written and the summary with testdata/<kind>/want; every
// file written must pass check with the rest of the repository.
func TestImportGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		kind Kind
	}{{"pipedrive", Pipedrive}, {"hubspot", HubSpot}, {"salesforce", Salesforce}, {"csv", CSV}, {"hostile", CSV}, {"currency", CSV}} {
		t.Run(c.name, func(t *testing.T) {
			dir, res := importCase(t, c.name, c.kind, false)
			want := filepath.Join("testdata", c.name, "want")
			got := map[string]string{"summary.txt": summary(res, dir)}
			for _, rel := range res.Written {
				b, err := os.ReadFile(filepath.Join(dir, rel))
				if err != nil {
					t.Fatal(err)
				}
				got[rel] = string(b)
			}
			if *update {
				os.RemoveAll(want)
				for rel, text := range got {
					os.MkdirAll(filepath.Dir(filepath.Join(want, rel)), 0o755)
					if err := os.WriteFile(filepath.Join(want, rel), []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			var wantFiles []string
			filepath.WalkDir(want, func(p string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() {
					rel, _ := filepath.Rel(want, p)
					wantFiles = append(wantFiles, filepath.ToSlash(rel))
				}
				return nil
			})
			var gotFiles []string
			for rel := range got {
				gotFiles = append(gotFiles, rel)
			}
			slices.Sort(gotFiles)
			if !slices.Equal(gotFiles, wantFiles) {
				t.Errorf("files = %v, want %v", gotFiles, wantFiles)
			}
			for _, rel := range wantFiles {
				b, _ := os.ReadFile(filepath.Join(want, rel))
				if got[rel] != string(b) {
					t.Errorf("%s =\n%s\nwant\n%s", rel, got[rel], b)
				}
			}
			proj, err := project.Load(dir, project.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if errs := proj.Errors(); len(errs) > 0 {
				t.Errorf("the repository does not pass check after the import: %v", errs)
			}
		})
	}
}

// Hostile titles and ids — "../", absolute paths, names Windows keeps for
// devices, dot files, escape sequences, YAML syntax — become plain file
// names under deals/: nothing is written anywhere else.
func TestImportStaysInDeals(t *testing.T) {
	dir, res := importCase(t, "hostile", CSV, false)
	if len(res.Written) < 10 {
		t.Fatalf("only %d of the hostile rows were written: %v", len(res.Written), res.Diagnostics)
	}
	name := regexp.MustCompile(`^deals/[a-z0-9]+(-[a-z0-9]+)*\.yaml$`)
	var files []string
	filepath.WalkDir(filepath.Dir(dir), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".yaml")
		switch {
		case f == "pipeline.yaml":
		case !name.MatchString(f):
			t.Errorf("a file was written outside deals/ or with an unsafe name: %q", f)
		case slices.Contains([]string{"con", "prn", "aux", "nul", "com1", "lpt1"}, base):
			t.Errorf("a file has a name Windows keeps for a device: %q", f)
		}
	}
	if len(files) != len(res.Written)+1 {
		t.Errorf("files under the repository's folder = %v, want pipeline.yaml and %v", files, res.Written)
	}
}

// A dry run checks every row as an import does and writes nothing.
func TestDryRun(t *testing.T) {
	dir, dry := importCase(t, "pipedrive", Pipedrive, true)
	if _, err := os.Stat(filepath.Join(dir, "deals")); !os.IsNotExist(err) {
		t.Errorf("a dry run made deals/: %v", err)
	}
	_, real := importCase(t, "pipedrive", Pipedrive, false)
	if !slices.Equal(dry.Written, real.Written) || dry.Failed != real.Failed || len(dry.Diagnostics) != len(real.Diagnostics) {
		t.Errorf("a dry run reports %v (%d failed), the import %v (%d failed)", dry.Written, dry.Failed, real.Written, real.Failed)
	}
}

// Importing the same export again leaves every file as it is, and a file
// of the same name in another case counts as the same file.
func TestImportAgain(t *testing.T) {
	dir, first := importCase(t, "hubspot", HubSpot, false)
	before := map[string][]byte{}
	for _, rel := range first.Written {
		before[rel], _ = os.ReadFile(filepath.Join(dir, rel))
		os.WriteFile(filepath.Join(dir, rel), append(before[rel], "# edited after the import\n"...), 0o644)
	}
	os.Rename(filepath.Join(dir, "deals/juliet.yaml"), filepath.Join(dir, "deals/Juliet.yaml"))
	again := importInto(t, dir, "hubspot", HubSpot, false)
	if len(again.Written) != 0 || len(again.Existing) != len(first.Written) {
		t.Errorf("second import wrote %v and found %v existing, want none written and %v existing", again.Written, again.Existing, first.Written)
	}
	for rel, b := range before {
		if rel == "deals/juliet.yaml" {
			rel = "deals/Juliet.yaml"
		}
		now, _ := os.ReadFile(filepath.Join(dir, rel))
		if !bytes.HasSuffix(now, []byte("# edited after the import\n")) || !bytes.HasPrefix(now, b) {
			t.Errorf("%s was changed by the second import:\n%s", rel, now)
		}
	}
	for _, d := range again.Diagnostics {
		if d.Code == "exists" && d.Severity != diag.Warning {
			t.Errorf("an existing deal is reported as an error: %v", d)
		}
	}
}

// Whatever the export holds, the import never fails and names only files
// directly under deals/, and what it would write passes check.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"pipedrive", "hubspot", "salesforce", "csv", "hostile"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name, "export.csv")); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("title,owner,stage,created\n\"a\nb\",ann,lead,2026-01-02\n")
	p, pd := load.ParsePipeline("pipeline.yaml", []byte(testPipeline))
	if diag.HasErrors(pd) {
		f.Fatal(pd)
	}
	m, md := load.ParseImportMap("map.yaml", []byte("columns: {title: title, owner: owner, stage: stage, created: created, value: value, closed: closed}\n"))
	if len(md) > 0 {
		f.Fatal(md)
	}
	name := regexp.MustCompile(`^deals/[a-z0-9]+(-[a-z0-9]+)*\.yaml$`)
	f.Fuzz(func(t *testing.T, export string) {
		for _, kind := range []Kind{CSV, Pipedrive, HubSpot} {
			mapping := m
			if kind != CSV {
				mapping = nil
			}
			res, err := Import(Options{Kind: kind, CSV: strings.NewReader(export), CSVName: "export.csv", Map: mapping, MapName: "map.yaml",
				Pipeline: p, Dir: t.TempDir(), DryRun: true, Limit: load.DefaultMaxFileSize})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			for _, rel := range res.Written {
				if !name.MatchString(rel) {
					t.Errorf("a deal would be written as %q", rel)
				}
			}
			if res.Failed+res.Skipped+len(res.Written)+len(res.Existing) != res.Rows {
				t.Errorf("%d rows: %d failed, %d skipped, %d written, %d existing", res.Rows, res.Failed, res.Skipped, len(res.Written), len(res.Existing))
			}
		}
	})
}
