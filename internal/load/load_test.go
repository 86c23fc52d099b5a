package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
)

const pipelineSrc = `name: Demo
currency: USD
stages:
  - {id: lead, probability: 0.1}
  - {id: won, type: won}
`

const dealSrc = `title: Acme — analytics
company: Acme Corp
owner: 0123
source: webinar
value: 36000.5
expected_close: 2026-12-20
probability: 0.6
contacts:
  - name: Maria Anders
    email: maria@acme.example
    role: CFO
history:
  - stage: lead
    date: 2026-09-02
  - {stage: won, date: 2026-09-10, reason: "price: fine"}
emails: {sent: 14, opened: 9}
onboarding:
  status: succeeded
  date: 2026-10-01
churned: 2026-11-01
notes: |
  Champion is the **CFO**.
`

func TestParseDeal(t *testing.T) {
	d, diags := ParseDeal("deals/acme.yaml", "acme", []byte(dealSrc))
	if len(diags) != 0 {
		t.Fatalf("ParseDeal: unexpected diagnostics %v", diags)
	}
	date := func(s string) model.Date {
		v, err := model.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := &model.Deal{
		ID: "acme", File: "deals/acme.yaml",
		Title: "Acme — analytics", Company: "Acme Corp", Owner: "0123", Source: "webinar",
		Value: 3600050, HasValue: true, ExpectedClose: date("2026-12-20"), Probability: 0.6, HasProb: true,
		Contacts: []model.Contact{{Name: "Maria Anders", Email: "maria@acme.example", Role: "CFO", Pos: model.Pos{Line: 9, Col: 5}}},
		History: []model.Move{
			{Stage: "lead", Date: date("2026-09-02"), Pos: model.Pos{Line: 13, Col: 5}, StagePos: model.Pos{Line: 13, Col: 12}, DatePos: model.Pos{Line: 14, Col: 11}},
			{Stage: "won", Date: date("2026-09-10"), Reason: "price: fine", Pos: model.Pos{Line: 15, Col: 6},
				StagePos: model.Pos{Line: 15, Col: 13}, DatePos: model.Pos{Line: 15, Col: 24}, ReasonPos: model.Pos{Line: 15, Col: 44}},
		},
		Emails:     model.Emails{Sent: 14, Opened: 9, Set: true, SentPos: model.Pos{Line: 16, Col: 16}, OpenedPos: model.Pos{Line: 16, Col: 28}},
		Onboarding: &model.Onboarding{Status: "succeeded", Date: date("2026-10-01"), Pos: model.Pos{Line: 17, Col: 1}, StatusPos: model.Pos{Line: 18, Col: 11}, DatePos: model.Pos{Line: 19, Col: 9}},
		Churned:    date("2026-11-01"),
		Notes:      "Champion is the **CFO**.\n",
		Pos: model.DealPos{
			Title: model.Pos{Line: 1, Col: 1}, Company: model.Pos{Line: 2, Col: 1}, Owner: model.Pos{Line: 3, Col: 8},
			Source: model.Pos{Line: 4, Col: 9}, Value: model.Pos{Line: 5, Col: 8}, ExpectedClose: model.Pos{Line: 6, Col: 17},
			Probability: model.Pos{Line: 7, Col: 14}, Contacts: model.Pos{Line: 8, Col: 1}, History: model.Pos{Line: 12, Col: 1},
			Emails: model.Pos{Line: 16, Col: 1}, Onboarding: model.Pos{Line: 17, Col: 1}, Churned: model.Pos{Line: 20, Col: 10},
			Notes: model.Pos{Line: 21, Col: 1},
		},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("ParseDeal mismatch (-want +got):\n%s", diff)
	}
}

// A byte-order mark and Windows line endings are accepted, with the same
// values and positions as the plain file.
func TestParseDealBOMAndCRLF(t *testing.T) {
	plain, _ := ParseDeal("d.yaml", "d", []byte(dealSrc))
	crlf := "\xef\xbb\xbf" + strings.ReplaceAll(dealSrc, "\n", "\r\n")
	got, diags := ParseDeal("d.yaml", "d", []byte(crlf))
	if len(diags) != 0 {
		t.Fatalf("BOM+CRLF: diagnostics %v", diags)
	}
	// A block scalar keeps the file's line endings; compare without them.
	got.Notes = strings.ReplaceAll(got.Notes, "\r\n", "\n")
	if diff := cmp.Diff(plain, got); diff != "" {
		t.Errorf("BOM+CRLF deal differs (-plain +crlf):\n%s", diff)
	}
}

// No input may crash the parser: every prefix of a valid file, and every
// file with one byte changed to a YAML-significant character, gives a deal
// and diagnostics, never a panic.
func TestParseDealNeverPanics(t *testing.T) {
	src := []byte(dealSrc)
	for i := range len(src) + 1 {
		ParseDeal("d.yaml", "d", src[:i])
		ParsePipeline("p.yaml", []byte(pipelineSrc)[:min(i, len(pipelineSrc))])
	}
	for i := range src {
		for _, c := range []byte("-:{}[]&*!|>'\"%@`#,?\t\n \x00\xff") {
			mut := append([]byte(nil), src...)
			mut[i] = c
			if d, _ := ParseDeal("d.yaml", "d", mut); d == nil {
				t.Fatalf("ParseDeal returned no deal for input %q", mut)
			}
		}
	}
}

func FuzzParseDeal(f *testing.F) {
	f.Add([]byte(dealSrc))
	f.Add([]byte("title: [\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, diags := ParseDeal("d.yaml", "d", src)
		if d == nil {
			t.Fatal("no deal")
		}
		for _, x := range diags {
			if x.Code == "" || x.Message == "" || x.Line < 0 || x.Column < 0 {
				t.Fatalf("malformed diagnostic %+v", x)
			}
		}
	})
}

func FuzzParsePipeline(f *testing.F) {
	f.Add([]byte(pipelineSrc))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, _ := ParsePipeline("pipeline.yaml", src)
		if p == nil {
			t.Fatal("no pipeline")
		}
		for _, s := range p.Stages {
			p.Allowed(s.ID)
		}
	})
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const minimalDeal = "title: X\nowner: o\nvalue: 1\nhistory:\n  - {stage: lead, date: 2026-01-01}\n"

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pipeline.yaml", pipelineSrc)
	write(t, dir, "deals/b.yaml", minimalDeal)
	write(t, dir, "deals/a.yaml", minimalDeal)
	write(t, dir, "deals/emea/de/c.yaml", minimalDeal)
	write(t, dir, "deals/.hidden.yaml", "garbage: [")
	write(t, dir, "deals/.git/x.yaml", "garbage: [")
	write(t, dir, "deals/README.md", "not a deal")
	write(t, dir, "deals/old.yml", minimalDeal)
	write(t, dir, "deals/big.yaml", "notes: "+strings.Repeat("x", DefaultMaxFileSize))
	if err := os.Symlink(filepath.Join(dir, "deals", "a.yaml"), filepath.Join(dir, "deals", "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "deals", "emea"), filepath.Join(dir, "deals", "linked-dir")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "deals", "fifo.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}

	repo, diags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range repo.Deals {
		ids = append(ids, d.ID)
	}
	wantIDs := []string{"a", "b", "big", "emea/de/c", "fifo", "link"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("deal ids (-want +got):\n%s", diff)
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.File+" "+d.Code)
	}
	want := []string{
		"deals/big.yaml file-too-large",
		"deals/fifo.yaml not-regular",
		"deals/link.yaml not-regular",
		"deals/linked-dir not-regular",
		"deals/old.yml wrong-extension",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if repo.Pipeline.Name != "Demo" || len(repo.Pipeline.Stages) != 2 {
		t.Errorf("pipeline = %+v", repo.Pipeline)
	}
}

// Loading in parallel gives the same result every time, in file order.
func TestLoadDeterministic(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pipeline.yaml", pipelineSrc)
	for i := range 300 {
		content := minimalDeal
		if i%7 == 0 {
			content = "title: [\n"
		}
		write(t, dir, filepath.Join("deals", strings.Repeat("x", i%5), "d"+string(rune('a'+i%26))+strings.Repeat("0", i/26)+".yaml"), content)
	}
	first, firstDiags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, againDiags, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again, cmp.AllowUnexported(model.Pipeline{})); diff != "" {
			t.Fatalf("second load differs:\n%s", diff)
		}
		if diff := cmp.Diff(firstDiags, againDiags); diff != "" {
			t.Fatalf("second load's diagnostics differ:\n%s", diff)
		}
	}
	if len(first.Deals) != 300 {
		t.Errorf("loaded %d deals, want 300", len(first.Deals))
	}
}

func TestLoadMissing(t *testing.T) {
	if _, _, err := Load(filepath.Join(t.TempDir(), "nope")); !os.IsNotExist(err) {
		t.Errorf("Load of a missing dir: err = %v, want not-exist", err)
	}
	dir := t.TempDir()
	repo, diags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Deals) != 0 || len(diags) != 1 || diags[0].Code != "missing-file" || diags[0].Severity != diag.Error {
		t.Errorf("empty dir: deals %d, diags %v", len(repo.Deals), diags)
	}
}

// A problem deep inside a field marks the whole field broken, even when
// later entries of the same field are fine.
func TestBrokenFieldsNested(t *testing.T) {
	src := "title: X\nowner: o\nvalue: 1\ncontacts:\n  - name: A\n    email: nope\n  - name: B\nhistory:\n  - {stage: lead, date: 2026-13-01}\n  - {stage: lead, date: 2026-01-02}\ntitle2: x\n"
	d, diags := ParseDeal("d.yaml", "d", []byte(src))
	if !d.Broken["contacts"] || !d.Broken["history"] || d.Broken["title"] || d.Broken["value"] {
		t.Errorf("Broken = %v, want contacts and history only", d.Broken)
	}
	if len(diags) != 3 {
		t.Errorf("diagnostics: %v", diags)
	}
}

// Hostile nesting and bytes end quickly with one clear diagnostic.
func TestHostileShapes(t *testing.T) {
	tests := []struct {
		name, src, code string
		line, col       int
	}{
		{"deep flow lists", "title: " + strings.Repeat("[", 100000), "too-deep", 1, 40},
		{"deep flow maps", "title: x\nnotes: " + strings.Repeat("{a: ", 5000), "too-deep", 2, 136},
		{"deep indentation", "title: x\nnotes:\n" + strings.Repeat(" ", 70) + "a: 1\n", "too-deep", 3, 65},
		{"brackets in quotes are text", "title: \"" + strings.Repeat("[", 100) + "\"\nowner: o\nvalue: 1\nhistory: [{stage: lead, date: 2026-01-01}]\n", "", 0, 0},
		{"not UTF-8", "title: ok\nowner: \xff\xfe\n", "bad-encoding", 2, 8},
		{"brackets in a block scalar are text", "title: x\nowner: o\nvalue: 1\nnotes: |\n  " + strings.Repeat("[", 100) + "\n  done\nhistory: [{stage: lead, date: 2026-01-01}]\n", "", 0, 0},
		{"an apostrophe does not hide nesting", "title: O'Brien " + strings.Repeat("[", 100), "too-deep", 1, 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan []diag.Diagnostic, 1)
			go func() {
				_, diags := ParseDeal("d.yaml", "d", []byte(tt.src))
				done <- diags
			}()
			var diags []diag.Diagnostic
			select {
			case diags = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("parsing did not end") // a hang, not a timing
			}
			if tt.code == "" {
				for _, d := range diags {
					if d.Code == "too-deep" || d.Code == "yaml-syntax" {
						t.Errorf("unexpected %v", d)
					}
				}
				return
			}
			if len(diags) != 1 || diags[0].Code != tt.code || diags[0].Line != tt.line || diags[0].Column != tt.col {
				t.Errorf("diagnostics %v, want %s at %d:%d", diags, tt.code, tt.line, tt.col)
			}
		})
	}
}

func TestMaxFileSize(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pipeline.yaml", pipelineSrc)
	big := minimalDeal + "notes: " + strings.Repeat("x", DefaultMaxFileSize) + "\n"
	write(t, dir, "deals/big.yaml", big)
	write(t, dir, "deals/small.yaml", minimalDeal)

	var l Loader
	codes := func() []string {
		_, diags, err := l.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range diags {
			got = append(got, d.File+" "+d.Code)
		}
		return got
	}
	if diff := cmp.Diff([]string{"deals/big.yaml file-too-large"}, codes()); diff != "" {
		t.Errorf("default limit (-want +got):\n%s", diff)
	}

	l = Loader{MaxFileSize: 2 << 20} // raised: the big file is read
	if got := codes(); len(got) != 0 {
		t.Errorf("limit 2 MiB: got %v, want no diagnostics", got)
	}
	repo, _ := l.FromFiles(map[string][]byte{"pipeline.yaml": []byte(pipelineSrc), "deals/big.yaml": []byte(big)})
	if len(repo.Deals) != 1 || repo.Deals[0].Title == "" {
		t.Errorf("FromFiles with limit 2 MiB did not parse the deal: %+v", repo.Deals)
	}

	l = Loader{MaxFileSize: int64(len(minimalDeal)) - 1} // lowered: even the small deal and pipeline.yaml are refused
	want := []string{"deals/big.yaml file-too-large", "deals/small.yaml file-too-large", "pipeline.yaml file-too-large"}
	if diff := cmp.Diff(want, codes()); diff != "" {
		t.Errorf("tiny limit (-want +got):\n%s", diff)
	}
	_, diags := l.FromFiles(map[string][]byte{"pipeline.yaml": []byte(pipelineSrc), "deals/small.yaml": []byte(minimalDeal)})
	var got []string
	for _, d := range diags {
		got = append(got, d.File+" "+d.Code)
	}
	if diff := cmp.Diff([]string{"deals/small.yaml file-too-large", "pipeline.yaml file-too-large"}, got); diff != "" {
		t.Errorf("FromFiles with a tiny limit (-want +got):\n%s", diff)
	}
}

// Folders on disk and the files of a git revision follow one rule for
// which files are deals.
func TestDealFilesAgreeWithFromFiles(t *testing.T) {
	names := []string{
		"deals/a.yaml", "deals/emea/b.yaml", "deals/.hidden.yaml", "deals/.git/c.yaml", "deals/emea/.d/e.yaml",
		"deals/old.yml", "deals/UP.YAML", "deals/README.md", "deals/x.yaml.bak", "deals.yaml", "other/f.yaml",
	}
	dir := t.TempDir()
	write(t, dir, "pipeline.yaml", pipelineSrc)
	files := map[string][]byte{"pipeline.yaml": []byte(pipelineSrc)}
	for _, n := range names {
		write(t, dir, n, minimalDeal)
		files[n] = []byte(minimalDeal)
	}
	onDisk, diags, err := DealFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"deals/a.yaml", "deals/emea/b.yaml"}, onDisk); diff != "" {
		t.Errorf("DealFiles (-want +got):\n%s", diff)
	}
	var reported []string
	for _, d := range diags {
		reported = append(reported, d.File+" "+d.Code)
	}
	if diff := cmp.Diff([]string{"deals/UP.YAML wrong-extension", "deals/old.yml wrong-extension"}, reported); diff != "" {
		t.Errorf("DealFiles diagnostics (-want +got):\n%s", diff)
	}
	repo, _ := FromFiles(files)
	var fromGit []string
	for _, d := range repo.Deals {
		fromGit = append(fromGit, d.File)
	}
	if diff := cmp.Diff(onDisk, fromGit); diff != "" {
		t.Errorf("FromFiles reads other files than DealFiles (-disk +git):\n%s", diff)
	}
}

// Messages say what is wrong in the user's words: an explicit key "? title"
// is the field title, with nothing in it; a key with an anchor or a
// harmless tag is its plain name. They used to read "a field name must be
// plain text, not text" and "unknown field "&"".
func TestKeyForms(t *testing.T) {
	const rest = "owner: o\nhistory: [{stage: lead, date: 2026-01-01}]\n"
	tests := []struct{ src, want string }{
		{"? title\n" + rest, "1:1 missing-field title is empty"},
		{"title:\n" + rest, "1:1 missing-field title is empty"},
		{rest, "1:1 missing-field deal has no title"},
		{"&a title: A\n" + rest, ""},
		{"!!str title: A\n" + rest, ""},
	}
	for _, tt := range tests {
		_, diags := ParseDeal("d.yaml", "d", []byte(tt.src))
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%d:%d %s %s", d.Line, d.Column, d.Code, d.Message))
		}
		if tt.want == "" && len(got) > 0 || tt.want != "" && (len(got) == 0 || got[0] != tt.want) {
			t.Errorf("ParseDeal(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
