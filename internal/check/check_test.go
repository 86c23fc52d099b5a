package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// basePipeline is the pipeline of DESIGN.md, which most rule tests check
// deals against.
const basePipeline = `name: Northwind Sales
currency: USD
owners:
  - id: olena
    name: Olena Kovalenko
  - id: marco
sources: [webinar, referral]
lost_reasons: [budget, competitor]
stages:
  - id: lead
    probability: 0.05
    rot_after: 14
  - id: qualified
    probability: 0.2
    entry: true
    requires: [value]
  - id: proposal
    probability: 0.5
    requires: [value, expected_close]
  - id: negotiation
    probability: 0.8
  - id: won
    type: won
  - id: lost
    type: lost
    requires: [reason]
transitions:
  negotiation: [proposal, won, lost]
`

var today = mustDate("2026-11-27")

func mustDate(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// run loads a pipeline and deals given as text and checks them, returning
// the loader's and the checker's diagnostics together, as pipegen check does.
func run(t *testing.T, pipeline string, deals map[string]string, opt Options) []diag.Diagnostic {
	t.Helper()
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(pipeline))
	repo := &model.Repo{Pipeline: p}
	for i, name := range sortedKeys(deals) {
		file := "deals/" + name + ".yaml"
		src := deals[name]
		if len(deals) > 1 {
			// Deals made by deal() share a title: tell them apart, so that
			// they are not duplicates of each other (TestDuplicates).
			src = strings.Replace(src, "title: Acme\n", fmt.Sprintf("title: Acme %d\n", i), 1)
		}
		d, dd := load.ParseDeal(file, name, []byte(src))
		repo.Deals = append(repo.Deals, d)
		diags = append(diags, dd...)
	}
	if opt.Today == 0 {
		opt.Today = today
	}
	diags = append(diags, Check(repo, opt)...)
	diag.Sort(diags)
	return diags
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// want is one expected diagnostic: "file:line:col code: message fragment".
type want struct {
	file      string
	line, col int
	code      string
	msg       string // a fragment of the message
}

func (w want) String() string {
	return fmt.Sprintf("%s:%d:%d %s: %s", w.file, w.line, w.col, w.code, w.msg)
}

func format(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n\t%s:%d:%d %s %s: %s", d.File, d.Line, d.Column, d.Severity, d.Code, d.Message)
	}
	return b.String()
}

func match(t *testing.T, got []diag.Diagnostic, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d diagnostics:%s\nwant %d: %v", len(got), format(got), len(wants), wants)
	}
	for i, w := range wants {
		g := got[i]
		file := w.file
		if file == "" {
			file = "deals/d.yaml"
		}
		if g.File != file || g.Line != w.line || g.Column != w.col || g.Code != w.code || !strings.Contains(g.Message, w.msg) {
			t.Errorf("diagnostic %d = %s:%d:%d %s: %q, want %v", i, g.File, g.Line, g.Column, g.Code, g.Message, w)
		}
		if g.Hint == "" {
			t.Errorf("diagnostic %d (%s) has no hint", i, g.Code)
		}
	}
}

// deal builds a deal file around a history block and extra fields.
func deal(extra, history string) string {
	return "title: Acme\nowner: olena\nvalue: 1000\nexpected_close: 2026-12-20\n" + extra + "history:\n" + history
}

func TestValidDeals(t *testing.T) {
	deals := map[string]string{
		"open": deal("", "  - {stage: lead, date: 2026-09-02}\n  - {stage: qualified, date: 2026-09-10}\n  - {stage: proposal, date: 2026-10-01}\n"),
		"won": deal("source: referral\nonboarding: {status: succeeded, date: 2026-11-01}\nchurned: 2026-11-20\nemails: {sent: 4, opened: 4}\n",
			"  - {stage: qualified, date: 2026-09-02}\n  - {stage: proposal, date: 2026-09-02}\n  - {stage: negotiation, date: 2026-09-20}\n"+
				"  - {stage: proposal, date: 2026-09-25}\n  - {stage: negotiation, date: 2026-10-01}\n  - {stage: won, date: 2026-10-10}\n"),
		"lost":       deal("", "  - {stage: lead, date: 2026-09-02}\n  - {stage: lost, date: 2026-09-05, reason: budget}\n"),
		"onboarding": deal("onboarding: {status: in_progress}\n", "  - {stage: lead, date: 2026-09-02}\n  - {stage: qualified, date: 2026-09-03}\n  - {stage: proposal, date: 2026-09-04}\n  - {stage: negotiation, date: 2026-09-05}\n  - {stage: won, date: 2026-11-27}\n"),
		"nested/sub": deal("probability: 0.6\n", "  - {stage: lead, date: 2026-11-27}\n"),
	}
	if got := run(t, basePipeline, deals, Options{}); len(got) != 0 {
		t.Errorf("valid deals gave diagnostics:%s", format(got))
	}
}

// Each rule: a case that breaks it, with the exact place and code expected.
// A valid case for each is in TestValidDeals or is the same input fixed.
func TestDealRules(t *testing.T) {
	lead := "  - {stage: lead, date: 2026-09-02}\n"
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"unknown owner", strings.Replace(deal("", lead), "olena", "olenna", 1),
			[]want{{line: 2, col: 8, code: "unknown-owner", msg: `owner "olenna" is not in the owners of pipeline.yaml — did you mean "olena"?`}}},
		{"unknown source", deal("source: webinr\n", lead),
			[]want{{line: 5, col: 9, code: "unknown-source", msg: `source "webinr" is not in the sources of pipeline.yaml — did you mean "webinar"?`}}},
		{"negative value", strings.Replace(deal("", lead), "1000", "-5", 1),
			[]want{{line: 3, col: 8, code: "negative-value", msg: "value -5 is negative"}}},
		{"probability above 1", deal("probability: 1.5\n", lead),
			[]want{{line: 5, col: 14, code: "bad-probability", msg: "probability 1.5 is outside 0..1"}}},
		{"opened more than sent", deal("emails:\n  sent: 3\n  opened: 5\n", lead),
			[]want{{line: 7, col: 11, code: "bad-emails", msg: "emails.opened (5) is more than emails.sent (3)"}}},
		{"opened without sent", deal("emails:\n  opened: 11\n", lead),
			[]want{{line: 6, col: 11, code: "bad-emails", msg: "emails.opened (11) is given without emails.sent"}}},
		{"unknown stage", deal("", lead+"  - {stage: qualifed, date: 2026-09-03}\n"),
			[]want{{line: 7, col: 13, code: "unknown-stage", msg: `unknown stage "qualifed" — did you mean "qualified"?`}}},
		{"first entry not an entry stage", deal("", "  - {stage: proposal, date: 2026-09-02}\n"),
			[]want{{line: 6, col: 13, code: "bad-entry", msg: `a deal cannot start in stage "proposal"`}}},
		{"move not allowed", deal("", lead+"  - stage: won\n    date: 2026-09-03\n"),
			[]want{{line: 7, col: 12, code: "bad-transition", msg: `move from "lead" to "won" is not allowed`}}},
		{"move not allowed by explicit transitions", deal("", "  - {stage: qualified, date: 2026-09-02}\n  - {stage: proposal, date: 2026-09-03}\n  - {stage: negotiation, date: 2026-09-04}\n  - {stage: qualified, date: 2026-09-05}\n"),
			[]want{{line: 9, col: 13, code: "bad-transition", msg: `move from "negotiation" to "qualified" is not allowed`}}},
		{"same stage twice", deal("", lead+"  - {stage: lead, date: 2026-09-03}\n"),
			[]want{{line: 7, col: 13, code: "bad-transition", msg: `move from "lead" to "lead"`}}},
		{"move out of a final stage", deal("", lead+"  - {stage: lost, date: 2026-09-03, reason: budget}\n  - {stage: lead, date: 2026-09-04}\n"),
			[]want{{line: 8, col: 13, code: "final-stage", msg: `move from "lost" to "lead": a deal cannot leave a lost stage`}}},
		{"dates go backwards", deal("", lead+"  - {stage: qualified, date: 2026-09-01}\n"),
			[]want{{line: 7, col: 30, code: "date-order", msg: "move date 2026-09-01 is before the previous move's date 2026-09-02"}}},
		{"date in the future", deal("", lead+"  - {stage: qualified, date: 2026-11-28}\n"),
			[]want{{line: 7, col: 30, code: "future-date", msg: "move date 2026-11-28 is in the future"}}},
		{"lost without reason", deal("", lead+"  - {stage: lost, date: 2026-09-03}\n"),
			[]want{{line: 7, col: 13, code: "missing-reason", msg: `move to "lost" has no reason`}}},
		{"unknown lost reason", deal("", lead+"  - {stage: lost, date: 2026-09-03, reason: budjet}\n"),
			[]want{{line: 7, col: 45, code: "unknown-reason", msg: `lost reason "budjet" is not in the lost_reasons of pipeline.yaml — did you mean "budget"?`}}},
		{"reason on a move that is not lost", deal("", lead+"  - {stage: qualified, date: 2026-09-03, reason: budget}\n"),
			[]want{{line: 7, col: 50, code: "unused-reason", msg: `reason on a move to "qualified" is not used`}}},
		{"required field missing", "title: Acme\nowner: olena\nvalue: 1000\nhistory:\n" + lead + "  - {stage: qualified, date: 2026-09-03}\n  - {stage: proposal, date: 2026-09-04}\n",
			[]want{{line: 7, col: 13, code: "missing-required", msg: `deal has reached stage "proposal", which requires expected_close`}}},
		{"required field of a stage skipped by transitions is still required", "title: Acme\nowner: olena\nhistory:\n" + lead + "  - {stage: qualified, date: 2026-09-03}\n",
			[]want{{line: 5, col: 13, code: "missing-required", msg: `deal has reached stage "qualified", which requires value`}}},
		{"onboarding on an open deal", deal("onboarding: {status: succeeded, date: 2026-10-01}\n", lead),
			[]want{{line: 5, col: 1, code: "not-won", msg: `onboarding on a deal that is not won (its stage is "lead")`}}},
		{"churned on a lost deal", deal("churned: 2026-10-01\n", lead+"  - {stage: lost, date: 2026-09-03, reason: budget}\n"),
			[]want{{line: 5, col: 10, code: "not-won", msg: `churned on a deal that is not won (its stage is "lost")`}}},
		{"onboarding before the win", deal("onboarding: {status: failed, date: 2026-09-01}\n", "  - {stage: qualified, date: 2026-09-02}\n  - {stage: proposal, date: 2026-09-02}\n  - {stage: negotiation, date: 2026-09-03}\n  - {stage: won, date: 2026-09-04}\n"),
			[]want{{line: 5, col: 36, code: "before-win", msg: "onboarding date 2026-09-01 is before the deal was won (2026-09-04)"}}},
		{"churned before the win", deal("churned: 2026-09-03\n", "  - {stage: qualified, date: 2026-09-02}\n  - {stage: proposal, date: 2026-09-02}\n  - {stage: negotiation, date: 2026-09-03}\n  - {stage: won, date: 2026-09-04}\n"),
			[]want{{line: 5, col: 10, code: "before-win", msg: "churned date 2026-09-03 is before the deal was won (2026-09-04)"}}},
		{"finished onboarding without a date", deal("onboarding:\n  status: succeeded\n", "  - {stage: qualified, date: 2026-09-02}\n  - {stage: proposal, date: 2026-09-02}\n  - {stage: negotiation, date: 2026-09-03}\n  - {stage: won, date: 2026-09-04}\n"),
			[]want{{line: 6, col: 11, code: "missing-field", msg: "onboarding that succeeded has no date"}}},
		{"open deal without value warns", "title: Acme\nowner: olena\nhistory:\n" + lead,
			[]want{{line: 1, col: 1, code: "no-value", msg: "open deal has no value"}}},
		{"missing title and owner", "value: 5\nhistory:\n" + lead,
			[]want{{line: 1, col: 1, code: "missing-field", msg: "deal has no owner"}, {line: 1, col: 1, code: "missing-field", msg: "deal has no title"}}},
		{"missing history", "title: Acme\nowner: olena\n",
			[]want{{line: 1, col: 1, code: "missing-field", msg: "deal has no history"}}},
		{"empty history", "title: Acme\nowner: olena\nhistory: []\n",
			[]want{{line: 3, col: 1, code: "missing-field", msg: "history is empty"}}},
		{"move without date", deal("", "  - stage: lead\n"),
			[]want{{line: 6, col: 5, code: "missing-field", msg: "history entry has no date"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, basePipeline, map[string]string{"d": tt.in}, Options{})
			match(t, got, tt.want)
		})
	}
}

func TestFutureDateWithAsOf(t *testing.T) {
	in := deal("", "  - {stage: lead, date: 2026-12-05}\n")
	if got := run(t, basePipeline, map[string]string{"d": in}, Options{AsOf: mustDate("2026-12-31")}); len(got) != 0 {
		t.Errorf("a date before a later --as-of is not in the future:%s", format(got))
	}
	got := run(t, basePipeline, map[string]string{"d": in}, Options{AsOf: mustDate("2026-10-01")})
	match(t, got, []want{{line: 6, col: 25, code: "future-date", msg: "move date 2026-12-05 is in the future"}})
}

func TestCaseConflict(t *testing.T) {
	d := deal("", "  - {stage: lead, date: 2026-09-02}\n")
	got := run(t, basePipeline, map[string]string{"Acme": d, "acme": d, "other": d}, Options{})
	match(t, got, []want{{file: "deals/acme.yaml", code: "case-conflict", msg: `deal id "acme" differs from "Acme" (deals/Acme.yaml) only in case`}})
}

func TestPipelineRules(t *testing.T) {
	tests := []struct {
		name     string
		pipeline string
		want     []want
	}{
		{"duplicate stage", strings.Replace(basePipeline, "  - id: negotiation", "  - id: proposal", 1),
			[]want{{line: 20, col: 9, code: "duplicate-id", msg: `stage "proposal" is defined twice`},
				{line: 28, col: 3, code: "unknown-stage", msg: `transitions name unknown stage "negotiation"`}}},
		{"no open stage", "name: x\ncurrency: USD\nstages:\n  - {id: won, type: won}\n",
			[]want{{line: 3, col: 1, code: "no-open-stage", msg: "the pipeline has no open stage"}}},
		{"no won stage", "name: x\ncurrency: USD\nstages:\n  - {id: lead, probability: 0.1}\n",
			[]want{{line: 3, col: 1, code: "no-won-stage", msg: "the pipeline has no won stage"}}},
		{"probability outside 0..1", strings.Replace(basePipeline, "0.8", "80", 1),
			[]want{{line: 21, col: 18, code: "bad-probability", msg: `stage "negotiation" has probability 80, outside 0..1`}}},
		{"transition from unknown stage", strings.Replace(basePipeline, "  negotiation: [", "  negotiaton: [", 1),
			[]want{{line: 28, col: 3, code: "unknown-stage", msg: `transitions name unknown stage "negotiaton" — did you mean "negotiation"?`}}},
		{"transition to unknown stage", strings.Replace(basePipeline, "[proposal, won, lost]", "[proposal, won, lose]", 1),
			[]want{{line: 28, col: 32, code: "unknown-stage", msg: `transitions name unknown stage "lose"`}}},
		{"target for unknown owner", basePipeline + "targets:\n  - period: 2026-Q4\n    owner: bob\n    revenue: 100\n",
			[]want{{line: 31, col: 12, code: "unknown-owner", msg: `target owner "bob" is not in the owners of pipeline.yaml`}}},
		{"spend for unknown source", basePipeline + "spend:\n  - {month: 2026-10, source: radio, amount: 100}\n",
			[]want{{line: 30, col: 30, code: "unknown-source", msg: `spend source "radio" is not in the sources of pipeline.yaml`}}},
		{"malformed period", basePipeline + "targets:\n  - period: 2026-Q5\n    revenue: 100\n",
			[]want{{line: 30, col: 13, code: "bad-period", msg: `"2026-Q5" is not a period`}}},
		{"spend for a quarter", basePipeline + "spend:\n  - {month: 2026-Q4, amount: 100}\n",
			[]want{{line: 30, col: 13, code: "bad-period", msg: `month "2026-Q4" is not a month`}}},
		{"duplicate target", basePipeline + "targets:\n  - {period: 2026, revenue: 1}\n  - {period: 2026, revenue: 2}\n",
			[]want{{line: 31, col: 6, code: "duplicate-target", msg: "a second target for the whole pipeline in 2026"}}},
		{"negative spend", basePipeline + "spend:\n  - {month: 2026-10, amount: -100}\n",
			[]want{{line: 30, col: 30, code: "negative-value", msg: "spend amount -100 is negative"}}},
		{"unknown required field", strings.Replace(basePipeline, "requires: [value]", "requires: [valeu]", 1),
			[]want{{line: 16, col: 16, code: "bad-requires", msg: `stage "qualified" requires "valeu", which is not a deal field — did you mean "value"?`}}},
		{"duplicate owner", strings.Replace(basePipeline, "  - id: marco", "  - id: olena", 1),
			[]want{{line: 6, col: 9, code: "duplicate-id", msg: `owner "olena" is defined twice`}}},
		{"bad id", strings.Replace(basePipeline, "  - id: marco", "  - id: marco polo", 1),
			[]want{{line: 6, col: 9, code: "bad-id", msg: `owner id "marco polo" is not a valid id`}}},
		{"unknown qualified stage", "qualified_stage: qualifyed\n" + basePipeline,
			[]want{{line: 1, col: 18, code: "unknown-stage", msg: `qualified_stage names unknown stage "qualifyed"`}}},
		{"bad review", "review: weakly\n" + basePipeline,
			[]want{{line: 1, col: 9, code: "bad-value", msg: `review "weakly" is not one of "weekly", "biweekly" or "monthly" — did you mean "weekly"?`}}},
		{"bad currency", strings.Replace(basePipeline, "USD", "dollars", 1),
			[]want{{line: 2, col: 11, code: "bad-setting", msg: `currency "dollars" is not a currency code`}}},
		{"missing name and stages", "currency: USD\n",
			[]want{{line: 1, col: 1, code: "missing-field", msg: "pipeline.yaml has no name"}, {line: 1, col: 1, code: "missing-field", msg: "pipeline.yaml has no stages"}}},
		{"open stage without probability warns", strings.Replace(basePipeline, "    probability: 0.8\n", "", 1),
			[]want{{line: 20, col: 9, code: "no-probability", msg: `open stage "negotiation" has no probability`}}},
		{"funnel_days zero", "funnel_days: 0\n" + basePipeline,
			[]want{{line: 1, col: 14, code: "bad-setting", msg: "funnel_days must be between 1 and 3650 days"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.pipeline, nil, Options{})
			for i := range tt.want {
				tt.want[i].file = "pipeline.yaml"
			}
			match(t, got, tt.want)
		})
	}
	if got := run(t, basePipeline, nil, Options{}); len(got) != 0 {
		t.Errorf("the base pipeline is valid, got:%s", format(got))
	}
}

// A deal whose history cannot be judged yields no cascade of requirement
// errors, and a broken value is not reported again as missing.
func TestNoCascade(t *testing.T) {
	in := "title: Acme\nowner: olena\nvalue: 12.345\nhistory:\n  - {stage: lead, date: 2026-09-02}\n  - {stage: won, date: 2026-09-03}\n"
	got := run(t, basePipeline, map[string]string{"d": in}, Options{})
	match(t, got, []want{
		{line: 3, col: 8, code: "bad-number", msg: "more than two decimals"},
		{line: 6, col: 13, code: "bad-transition", msg: `move from "lead" to "won" is not allowed`},
	})
	broken := "name: x\ncurrency: USD\nstages: [\n"
	got = run(t, broken, map[string]string{"d": deal("", "  - {stage: anything, date: 2026-09-02}\n")}, Options{})
	if len(got) != 1 || got[0].Code != "yaml-syntax" {
		t.Errorf("with a broken pipeline.yaml, want only its syntax error, got:%s", format(got))
	}
}

// FuzzCheck runs the whole check of a small repository — a pipeline and
// two deals, one of them fuzzed — and requires well-formed diagnostics and
// no panic, whatever the text.
func FuzzCheck(f *testing.F) {
	f.Add(basePipeline, deal("", "  - {stage: lead, date: 2026-09-02}\n  - {stage: won, date: 2026-09-01}\n"))
	f.Add("name: x\ncurrency: USD\nstages: [{id: a, type: won}]\ntransitions: {a: [a, b]}\n", "history: [{stage: a, date: 2026-01-01}, {stage: a, date: 2026-01-01}]\nonboarding: {status: failed}\nchurned: 2020-01-01\n")
	// The inputs of the hardening round: opens without sends, settings and
	// counts beyond any bound, owners that would be paths, control
	// characters, empty and explicit keys, a tagged history.
	f.Add(basePipeline, deal("emails: {opened: 11}\n", "  - {stage: lead, date: 2026-09-02}\n"))
	f.Add("name: x\ncurrency: USD\nfunnel_days: 2147483648\nstages: [{id: a, rot_after: 99999}, {id: w, type: won}]\n", "title: A\nowner: o\nemails: {sent: 99999999999999999999}\nhistory: [{stage: a, date: 2026-01-01}]\n")
	f.Add(basePipeline, "title: A\nowner: \"../../../PWNED\\0\\e[31m\"\nsource: \"a?b#c\"\nhistory: !!seq\n  - {stage: lead, date: 2026-09-02}\n")
	f.Add(basePipeline, "? title\n&o owner: olena\n!!str company: C\nhistory: []\n")
	f.Fuzz(func(t *testing.T, pipeline, dealSrc string) {
		p, diags := load.ParsePipeline("pipeline.yaml", []byte(pipeline))
		repo := &model.Repo{Pipeline: p}
		for _, name := range []string{"a", "A"} {
			d, dd := load.ParseDeal("deals/"+name+".yaml", name, []byte(dealSrc))
			repo.Deals = append(repo.Deals, d)
			diags = append(diags, dd...)
		}
		diags = append(diags, Check(repo, Options{Today: today})...)
		for _, d := range diags {
			if d.Code == "" || d.Message == "" || d.File == "" || d.Line < 0 || d.Column < 0 {
				t.Fatalf("malformed diagnostic %+v", d)
			}
		}
	})
}

// café.yaml with é as one code point (NFC) and as e and a combining accent
// (NFD) are one file on macOS: two deals would be one.
func TestNormalisationConflict(t *testing.T) {
	d := deal("", "  - {stage: lead, date: 2026-09-02}\n")
	nfc, nfd := "caf\u00e9", "cafe\u0301"
	got := run(t, basePipeline, map[string]string{nfc: d, nfd: d}, Options{})
	match(t, got, []want{{file: "deals/" + nfc + ".yaml", code: "case-conflict",
		msg: `deal id "` + nfc + `" differs from "` + nfd + `" (deals/` + nfd + `.yaml) only in how its accented letters are encoded (Unicode NFC and NFD)`}})
}

// Two files that look like one deal — the same title, or the same company
// and first move — are a warning on the later one: a copied file would
// count its value twice.
func TestDuplicates(t *testing.T) {
	one := "title: Acme renewal\nowner: olena\ncompany: Acme\nvalue: 10\nhistory:\n  - {stage: lead, date: 2026-09-02}\n"
	other := "title: Acme add-on\nowner: olena\ncompany: ACME\nvalue: 10\nhistory:\n  - {stage: lead, date: 2026-09-02}\n"
	third := "title: Acme later\nowner: olena\ncompany: Acme\nvalue: 10\nhistory:\n  - {stage: lead, date: 2026-10-02}\n"
	got := run(t, basePipeline, map[string]string{"a": one, "b": one, "c": other, "d": third}, Options{})
	match(t, got, []want{
		{file: "deals/b.yaml", line: 1, col: 1, code: "duplicate-deal", msg: "this deal looks like a (deals/a.yaml): the same title, or the same company and first move"},
		{file: "deals/c.yaml", line: 1, col: 1, code: "duplicate-deal", msg: "this deal looks like a (deals/a.yaml): the same title, or the same company and first move"},
	})
}

// The fields of version 2: forecast categories, next steps; a next step
// due before the day of the review is a warning on an open deal only.
func TestForecastAndNextSteps(t *testing.T) {
	day := Options{Day: mustDate("2026-11-27")}
	lead := "  - {stage: lead, date: 2026-09-02}\n"
	tests := []struct {
		name string
		src  string
		want []want
	}{
		{"next step ahead", deal("forecast: commit\nnext_step: Call the CFO\nnext_step_date: 2026-11-30\n", lead), nil},
		{"next step due on the day", deal("next_step: Call\nnext_step_date: 2026-11-27\n", lead), nil},
		{"next step overdue", deal("next_step: Call\nnext_step_date: 2026-11-20\n", lead),
			[]want{{line: 6, col: 17, code: "overdue-next-step", msg: "the next step was due on 2026-11-20, before 2026-11-27"}}},
		{"closed deal", deal("next_step_date: 2026-11-20\n", lead+"  - {stage: lost, date: 2026-10-02, reason: budget}\n"), nil},
		{"bad category", deal("forecast: maybe\n", lead),
			[]want{{line: 5, col: 11, code: "bad-value", msg: `forecast "maybe" is not one of "commit", "best_case", "pipeline" or "omitted"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, run(t, basePipeline, map[string]string{"d": tt.src}, day), tt.want)
		})
	}
}

func TestPipelineV2Settings(t *testing.T) {
	for src, want := range map[string]string{
		"timezone: Europe/Kyiv\nrate_days: 90\n": "",
		"timezone: Mars/Olympus\n":               `timezone "Mars/Olympus" is not an IANA time zone name`,
		"timezone: Local\n":                      `timezone "Local" is not an IANA time zone name`,
		"timezone: ../../../etc/passwd\n":        `timezone "../../../etc/passwd" is not an IANA time zone name`,
		"rate_days: 0\n":                         "rate_days must be between 1 and 3650 days",
		"rate_days: 4000\n":                      "rate_days must be between 1 and 3650 days",
	} {
		p, diags := load.ParsePipeline("pipeline.yaml", []byte(basePipeline+src))
		if want == "" {
			if len(diags) != 0 || p.Timezone != "Europe/Kyiv" || p.Zone().String() != "Europe/Kyiv" || p.RateDays != 90 {
				t.Errorf("%q: %v, timezone %q, rate_days %d", src, diags, p.Timezone, p.RateDays)
			}
			continue
		}
		if len(diags) != 1 || diags[0].Message != want || diags[0].Code != "bad-setting" {
			t.Errorf("%q: %v, want %q", src, diags, want)
		}
	}
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(strings.Replace(basePipeline, "    rot_after: 14\n", "    rot_after: 14\n    forecast: omitted\n", 1)))
	if len(diags) != 0 || p.Stages[0].Forecast != model.ForecastOmitted {
		t.Errorf("stage forecast: %v, %q", diags, p.Stages[0].Forecast)
	}
}

// Team targets: a team of the owners list, never with an owner, above 0;
// targets that do not add up are a warning on the one they should add up to.
func TestTeamTargets(t *testing.T) {
	const pipeline = `name: T
currency: USD
owners:
  - {id: ann, team: EMEA}
  - {id: bob, team: EMEA}
  - {id: cy, team: APAC}
stages: [{id: lead, probability: 0.1}, {id: won, type: won}, {id: lost, type: lost}]
targets:
  - {period: 2026-Q4, revenue: 300}
  - {period: 2026-Q4, team: EMEA, revenue: 200}
  - {period: 2026-Q4, team: APAC, revenue: 100}
  - {period: 2026-Q4, owner: ann, revenue: 120}
  - {period: 2026-Q4, owner: bob, revenue: 70}
  - {period: 2026-Q4, owner: cy, revenue: 100}
  - {period: 2027, team: EMAE, revenue: 10}
  - {period: 2027, owner: ann, team: EMEA, revenue: 10}
  - {period: 2027-Q1, revenue: 0}
`
	match(t, run(t, pipeline, nil, Options{}), []want{
		{file: "pipeline.yaml", line: 9, col: 32, code: "targets-dont-add-up", msg: "the owner targets of 2026-Q4 add up to 290, not the period's 300"},
		{file: "pipeline.yaml", line: 10, col: 44, code: "targets-dont-add-up", msg: "the owner targets of 2026-Q4 add up to 190, not team EMEA's 200"},
		{file: "pipeline.yaml", line: 15, col: 26, code: "unknown-team", msg: `team "EMAE" is not a team of the owners of pipeline.yaml`},
		{file: "pipeline.yaml", line: 16, col: 38, code: "bad-target", msg: `a target names both owner "ann" and team "EMEA"`},
		{file: "pipeline.yaml", line: 17, col: 32, code: "bad-target", msg: "target revenue must be more than 0"},
	})
}

// A team target in a pipeline whose owners have no teams says how to
// declare one.
func TestTeamTargetWithoutTeams(t *testing.T) {
	got := run(t, basePipeline+"targets:\n  - {period: 2026, team: EMEA, revenue: 10}\n", nil, Options{})
	if len(got) != 1 || got[0].Code != "unknown-team" || !strings.Contains(got[0].Hint, "no owner has a team yet") {
		t.Errorf("got %v", got)
	}
}
