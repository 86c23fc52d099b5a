package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

const pipelineSrc = "name: Test\ncurrency: USD\nstages: [{id: lead, probability: 0.1}, {id: won, type: won}, {id: lost, type: lost}]\n"

func date(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// noon is midday UTC on a day: today is that day in UTC, and the next day
// in UTC+14.
func noon(day string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", day+" 12:00")
	if err != nil {
		panic(err)
	}
	return t
}

// repoDir writes a repository of files (slash paths → content) into a new
// folder.
func repoDir(t *testing.T, files map[string]string) string {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	return dir
}

func deal(moveDate string) string {
	return "title: A\nowner: ann\nhistory:\n  - {stage: lead, date: " + moveDate + "}\n"
}

// The as-of date is the option, else as_of in pipeline.yaml, else today.
// A history date after today is an error unless the as-of date is later;
// an as-of date in the past does not make later moves errors.
func TestAsOf(t *testing.T) {
	tests := []struct {
		name     string
		pinned   string // as_of in pipeline.yaml
		option   string
		wantAsOf string
		errs     []string // codes of the errors
	}{
		{"today", "", "", "2026-11-20", []string{"future-date"}},
		{"pipeline as_of", "2026-11-27", "", "2026-11-27", nil},
		{"option wins", "2026-11-27", "2026-11-30", "2026-11-30", nil},
		{"option in the past", "", "2026-11-10", "2026-11-10", []string{"future-date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := pipelineSrc
			if tt.pinned != "" {
				src += "as_of: " + tt.pinned + "\n"
			}
			dir := repoDir(t, map[string]string{"pipeline.yaml": src, "deals/a.yaml": deal("2026-11-25")})
			opt := Options{Now: noon("2026-11-20")}
			if tt.option != "" {
				opt.AsOf = date(tt.option)
			}
			proj, err := Load(dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			if proj.AsOf != date(tt.wantAsOf) {
				t.Errorf("AsOf = %s, want %s", proj.AsOf, tt.wantAsOf)
			}
			var codes []string
			for _, d := range proj.Errors() {
				codes = append(codes, d.Code)
			}
			if diff := cmp.Diff(tt.errs, codes); diff != "" {
				t.Errorf("error codes (-want +got):\n%s", diff)
			}
			if proj.HasErrors() != (len(tt.errs) > 0) {
				t.Errorf("HasErrors = %v with errors %v", proj.HasErrors(), codes)
			}
		})
	}
}

// The loader's and the rules' diagnostics come back together, sorted, and
// the loader's limits apply.
func TestDiagnostics(t *testing.T) {
	dir := repoDir(t, map[string]string{
		"pipeline.yaml": pipelineSrc,
		"deals/b.yaml":  "title: B\nowner: ann\nhistory:\n  - {stage: won, date: 2026-01-02}\n",
		"deals/a.yaml":  "title: [\n",
		"deals/c.yaml":  deal("2026-01-02") + "notes: " + strings.Repeat("x", 200) + "\n",
		"deals/old.yml": deal("2026-01-02"),
	})
	proj, err := Load(dir, Options{Now: noon("2026-11-20"), Loader: load.Loader{MaxFileSize: 150}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range proj.Diagnostics {
		got = append(got, d.File+" "+d.Code)
	}
	want := []string{"deals/a.yaml yaml-syntax", "deals/b.yaml bad-entry", "deals/c.yaml file-too-large", "deals/old.yml wrong-extension"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if _, err := Load(filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("Load of a missing folder: no error")
	}
}

// CheckDeal returns the errors of the one file, as check would report them
// in the repository.
func TestCheckDeal(t *testing.T) {
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(pipelineSrc))
	if diag.HasErrors(diags) {
		t.Fatal(diags)
	}
	opt := Options{Now: noon("2026-11-20")}
	if errs := CheckDeal(p, "deals/a.yaml", []byte(deal("2026-11-20")), opt); len(errs) != 0 {
		t.Errorf("a good deal: %v", errs)
	}
	errs := CheckDeal(p, "deals/a.yaml", []byte("title: A\nowner: ann\nhistory:\n  - {stage: lead, date: 2026-11-01}\n  - {stage: qualified, date: 2026-11-02}\n"), opt)
	if len(errs) != 1 || errs[0].Code != "unknown-stage" || errs[0].File != "deals/a.yaml" || errs[0].Line != 5 {
		t.Errorf("a deal moved to an unknown stage: %v", errs)
	}
}

// A move dated today anywhere on Earth is not in the future, wherever the
// check runs; the day the numbers are computed as of is today in UTC. A rep
// in New Zealand moving a deal in the morning used to pass check on their
// machine and fail in CI.
func TestTodayAnywhereOnEarth(t *testing.T) {
	now := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC) // 2026-11-21 00:00 in Auckland (UTC+13)
	for moved, future := range map[string]bool{"2026-11-20": false, "2026-11-21": false, "2026-11-22": true} {
		dir := repoDir(t, map[string]string{"pipeline.yaml": pipelineSrc, "deals/a.yaml": deal(moved)})
		proj, err := Load(dir, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if proj.HasErrors() != future {
			t.Errorf("a move on %s at %s: errors %v, want errors: %v", moved, now, proj.Errors(), future)
		}
		if proj.AsOf != date("2026-11-20") {
			t.Errorf("as of %s, want 2026-11-20 (today in UTC)", proj.AsOf)
		}
	}
}

// The usable part of a revision: deals with errors left out, and a
// pipeline.yaml that is missing or breaks a rule replaced by the one now.
func TestUsable(t *testing.T) {
	now, _ := load.ParsePipeline("pipeline.yaml", []byte(pipelineSrc))
	good, broken := deal("2026-11-02"), "title: B\nowner: ann\nhistory:\n  - {stage: lead}\n"
	for name, tt := range map[string]struct {
		files map[string][]byte
		want  []string // skipped
	}{
		"a broken deal":         {map[string][]byte{"pipeline.yaml": []byte(pipelineSrc), "deals/a.yaml": []byte(good), "deals/b.yaml": []byte(broken)}, []string{"deals/b.yaml"}},
		"no pipeline.yaml":      {map[string][]byte{"deals/a.yaml": []byte(good)}, []string{"pipeline.yaml"}},
		"a pipeline rule error": {map[string][]byte{"pipeline.yaml": []byte("name: T\ncurrency: USD\nstages: [{id: lead, probability: 0.1}]\n"), "deals/a.yaml": []byte(good)}, []string{"pipeline.yaml"}},
	} {
		repo, diags := load.FromFiles(tt.files)
		usable, skipped := Usable(repo, diags, now, Options{Now: noon("2026-11-20")})
		if diff := cmp.Diff(tt.want, skipped); diff != "" {
			t.Errorf("%s: skipped (-want +got):\n%s", name, diff)
		}
		if len(usable.Deals) != 1 || usable.Deals[0].ID != "a" || Check(usable, nil, Options{Now: noon("2026-11-20")}).HasErrors() {
			t.Errorf("%s: the usable part is not the good deal, checked clean", name)
		}
	}
}

// The day the numbers are computed as of is today in the pipeline's time
// zone.
func TestTodayInThePipelinesZone(t *testing.T) {
	now := time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC) // 2026-11-21 01:00 in Kyiv
	for zone, want := range map[string]string{"": "2026-11-20", "timezone: Europe/Kyiv\n": "2026-11-21", "timezone: America/New_York\n": "2026-11-20"} {
		dir := repoDir(t, map[string]string{"pipeline.yaml": pipelineSrc + zone, "deals/a.yaml": deal("2026-11-02")})
		proj, err := Load(dir, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if proj.HasErrors() || proj.AsOf != date(want) {
			t.Errorf("%q: as of %s with %v, want %s", zone, proj.AsOf, proj.Errors(), want)
		}
	}
}
