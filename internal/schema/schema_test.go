package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// root is this project's own pipeline repository: the demo pipeline.
const root = "../.."

// compile compiles a schema the way a strict validator does: formats such as
// date are asserted too, not only annotated.
func compile(t *testing.T, src []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// instance reads YAML as an editor's language server does: as JSON values.
func instance(t *testing.T, src string) any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(src))
	if err != nil {
		t.Fatalf("YAMLToJSON: %v\n%s", err, src)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatalf("UnmarshalJSON: %v\n%s", err, j)
	}
	return v
}

func demoPipeline(t *testing.T) *model.Pipeline {
	t.Helper()
	p, diags := load.ReadPipeline(root)
	if diag.HasErrors(diags) {
		t.Fatalf("demo pipeline.yaml has errors: %v", diags)
	}
	return p
}

func dealSchema(t *testing.T, p *model.Pipeline) *jsonschema.Schema {
	t.Helper()
	b, err := Deal(p)
	if err != nil {
		t.Fatal(err)
	}
	return compile(t, b)
}

func pipelineSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := Pipeline()
	if err != nil {
		t.Fatal(err)
	}
	return compile(t, b)
}

// checkErrors returns the errors that pipegen's loader and checks find, as
// pipegen check would: in one deal with the pipeline p, or, when p is nil,
// in the pipeline read from pipelineSrc (with the deal, if any).
func checkErrors(p *model.Pipeline, pipelineSrc, dealSrc string) []diag.Diagnostic {
	var diags []diag.Diagnostic
	if p == nil {
		p, diags = load.ParsePipeline("pipeline.yaml", []byte(pipelineSrc))
	}
	repo := &model.Repo{Pipeline: p}
	if dealSrc != "" {
		d, dd := load.ParseDeal("deals/acme.yaml", "acme", []byte(dealSrc))
		diags = append(diags, dd...)
		repo.Deals = []*model.Deal{d}
	}
	diags = append(diags, check.Check(repo, check.Options{Today: model.DateOf(time.Now()), AsOf: p.AsOf})...)
	var errs []diag.Diagnostic
	for _, d := range diags {
		if d.Severity == diag.Error {
			errs = append(errs, d)
		}
	}
	return errs
}

func TestDemoFilesValidate(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root, load.PipelineFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := pipelineSchema(t).Validate(instance(t, string(src))); err != nil {
		t.Errorf("pipeline.yaml: %v", err)
	}

	files, _, err := load.DealFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found %d demo deals, want the demo's ~100", len(files))
	}
	s := dealSchema(t, demoPipeline(t))
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(instance(t, string(src))); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

const minimalDeal = `title: Acme — analytics suite
owner: sofia
history:
  - stage: lead
    date: 2026-09-02
`

const wonDeal = `title: Acme — analytics suite
owner: dana
value: 52000.50
expected_close: 2026-06-30
history:
  - stage: qualified
    date: 2026-04-02
  - stage: demo
    date: 2026-04-10
  - stage: proposal
    date: 2026-04-20
  - stage: negotiation
    date: 2026-05-18
  - stage: won
    date: 2026-06-12
`

// Deals that pipegen accepts (with the demo pipeline), and so must the
// schema: it must never flag in an editor what pipegen check accepts.
var goodDeals = []struct{ name, src string }{
	{"minimal", minimalDeal},
	{"every field", `title: Acme — analytics suite
company: Acme Corp
owner: sofia
source: webinar
value: 36000
expected_close: 2026-12-20
probability: 0.6
contacts:
  - name: Maria Anders
    email: maria@acme.example
    role: CFO
  - name: Tom
history:
  - stage: lead
    date: 2026-09-02
  - stage: qualified
    date: "2026-09-10"
emails:
  sent: 14
  opened: 9
notes: |
  Champion is the **CFO**.
`},
	{"won, onboarded and churned", wonDeal + "onboarding:\n  status: succeeded\n  date: 2026-07-20\nchurned: 2026-11-02\n"},
	{"onboarding in progress has no date", wonDeal + "onboarding:\n  status: in_progress\n"},
	{"lost with a reason, in flow style", minimalDeal + "  - {stage: lost, date: 2026-09-20, reason: budget}\n"},
	{"a reason on a move that is not lost", minimalDeal + "  - {stage: qualified, date: 2026-09-20, reason: referral came in}\nvalue: 100\n"},
	{"value 0 and probability 1", minimalDeal + "value: 0\nprobability: 1\n"},
	{"value with one decimal, plus sign", minimalDeal + "value: +1250.5\n"},
	{"probability .5", minimalDeal + "probability: .5\n"},
	{"empty emails", minimalDeal + "emails: {}\n"},
	{"no contacts", minimalDeal + "contacts: []\n"},
}

func TestGoodDeals(t *testing.T) {
	p := demoPipeline(t)
	s, generic := dealSchema(t, p), dealSchema(t, nil)
	for _, tc := range goodDeals {
		if errs := checkErrors(p, "", tc.src); len(errs) > 0 {
			t.Fatalf("%s: the test deal itself has errors: %v", tc.name, errs)
		}
		if err := s.Validate(instance(t, tc.src)); err != nil {
			t.Errorf("%s: rejected with the demo pipeline: %v", tc.name, err)
		}
		if err := generic.Validate(instance(t, tc.src)); err != nil {
			t.Errorf("%s: rejected by the generic schema: %v", tc.name, err)
		}
	}
}

// Deals that pipegen check rejects (with the demo pipeline), with where the
// schema must reject them: the instance location in the validator's error.
var badDeals = []struct{ name, src, at string }{
	{"unknown field at the top", minimalDeal + "expected_clos: 2026-12-20\n", ""},
	{"unknown field in a contact", minimalDeal + "contacts:\n  - name: Maria\n    phone: 555-0100\n", "/contacts/0"},
	{"unknown field in a move", minimalDeal + "  - {stage: qualified, date: 2026-09-20, note: call}\n", "/history/1"},
	{"unknown field in emails", minimalDeal + "emails: {sent: 3, clicked: 1}\n", "/emails"},
	{"unknown field in onboarding", wonDeal + "onboarding: {status: in_progress, owner: kim}\n", "/onboarding"},
	{"quoted value", minimalDeal + "value: \"36000\"\n", "/value"},
	{"title as a list", "title: [a, b]\nowner: sofia\nhistory:\n  - {stage: lead, date: 2026-09-02}\n", "/title"},
	{"history as a mapping", "title: Acme\nowner: sofia\nhistory:\n  stage: lead\n  date: 2026-09-02\n", "/history"},
	{"history entry as text", "title: Acme\nowner: sofia\nhistory:\n  - lead\n", "/history/0"},
	{"negative value", minimalDeal + "value: -5\n", "/value"},
	{"three decimals", minimalDeal + "value: 12.345\n", "/value"},
	{"value over the limit", minimalDeal + "value: 1000000000001\n", "/value"},
	{"date without leading zeros", minimalDeal + "expected_close: 2026-9-2\n", "/expected_close"},
	{"date with a time", "title: Acme\nowner: sofia\nhistory:\n  - stage: lead\n    date: 2026-09-02T10:00:00Z\n", "/history/0/date"},
	{"date with slashes", minimalDeal + "churned: 2026/09/02\n", "/churned"},
	{"impossible date", minimalDeal + "expected_close: 2026-02-30\n", "/expected_close"},
	{"probability 2", minimalDeal + "probability: 2\n", "/probability"},
	{"negative probability", minimalDeal + "probability: -0.1\n", "/probability"},
	{"unknown stage", "title: Acme\nowner: sofia\nhistory:\n  - {stage: pitch, date: 2026-09-02}\n", "/history/0/stage"},
	{"unknown owner", "title: Acme\nowner: olena\nhistory:\n  - {stage: lead, date: 2026-09-02}\n", "/owner"},
	{"unknown source", minimalDeal + "source: podcast\n", "/source"},
	{"unknown lost reason", minimalDeal + "  - {stage: lost, date: 2026-09-20, reason: price}\n", "/history/1/reason"},
	{"lost without a reason", minimalDeal + "  - {stage: lost, date: 2026-09-20}\n", "/history/1"},
	{"bad onboarding status", wonDeal + "onboarding:\n  status: done\n  date: 2026-07-20\n", "/onboarding/status"},
	{"onboarding without status", wonDeal + "onboarding:\n  date: 2026-07-20\n", "/onboarding"},
	{"finished onboarding without date", wonDeal + "onboarding:\n  status: failed\n", "/onboarding"},
	{"missing title", "owner: sofia\nhistory:\n  - {stage: lead, date: 2026-09-02}\n", ""},
	{"blank title", "title: '  '\nowner: sofia\nhistory:\n  - {stage: lead, date: 2026-09-02}\n", "/title"},
	{"missing owner", "title: Acme\nhistory:\n  - {stage: lead, date: 2026-09-02}\n", ""},
	{"missing history", "title: Acme\nowner: sofia\n", ""},
	{"empty history", "title: Acme\nowner: sofia\nhistory: []\n", "/history"},
	{"move without a date", "title: Acme\nowner: sofia\nhistory:\n  - stage: lead\n", "/history/0"},
	{"move without a stage", "title: Acme\nowner: sofia\nhistory:\n  - date: 2026-09-02\n", "/history/0"},
	{"contact without a name", minimalDeal + "contacts:\n  - email: maria@acme.example\n", "/contacts/0"},
	{"contact as text", minimalDeal + "contacts:\n  - Maria Anders\n", "/contacts/0"},
	{"name and address as the email", minimalDeal + "contacts:\n  - {name: Maria, email: Maria <maria@acme.example>}\n", "/contacts/0/email"},
	{"negative emails sent", minimalDeal + "emails: {sent: -1}\n", "/emails/sent"},
	{"fractional emails opened", minimalDeal + "emails: {sent: 3, opened: 1.5}\n", "/emails/opened"},
	{"a list as the whole file", "- title: Acme\n", ""},
}

func TestBadDeals(t *testing.T) {
	p := demoPipeline(t)
	b, err := Deal(p)
	if err != nil {
		t.Fatal(err)
	}
	strict, lax := compile(t, b), compileLax(t, b)
	for _, tc := range badDeals {
		if errs := checkErrors(p, "", tc.src); len(errs) == 0 {
			t.Errorf("%s: pipegen check accepts the test deal, so the schema must too", tc.name)
		}
		rejected(t, strict, tc.name, tc.src, tc.at)
		if !formatOnly[tc.name] {
			rejected(t, lax, tc.name+" (formats not asserted)", tc.src, tc.at)
		}
	}
}

// formatOnly names the cases that only a validator that asserts formats
// rejects: the patterns catch every date that is not written YYYY-MM-DD,
// but not a day that does not exist.
var formatOnly = map[string]bool{"impossible date": true}

// compileLax compiles a schema as most editors use it: formats are only
// annotations, so the patterns must do the work.
func compileLax(t *testing.T, src []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	return c.MustCompile("schema.json")
}

// rejected checks that s rejects src with an error about the value at path.
func rejected(t *testing.T, s *jsonschema.Schema, name, src, path string) {
	t.Helper()
	err := s.Validate(instance(t, src))
	if err == nil {
		t.Errorf("%s: accepted, want rejected at %q:\n%s", name, path, src)
		return
	}
	if want := "at '" + path + "'"; !strings.Contains(err.Error(), want) {
		t.Errorf("%s: rejected with %v, want an error %s", name, err, want)
	}
}

// TestGenericDeal: without a pipeline, the ids a deal refers to are free
// text, and everything else is checked as with one.
func TestGenericDeal(t *testing.T) {
	s := dealSchema(t, nil)
	free := "title: Acme\nowner: olena\nsource: podcast\nhistory:\n  - {stage: pitch, date: 2026-09-02}\n  - {stage: lost, date: 2026-09-20, reason: price}\n"
	if err := s.Validate(instance(t, free)); err != nil {
		t.Errorf("generic schema rejects unknown ids: %v", err)
	}
	needPipeline := map[string]bool{"unknown stage": true, "unknown owner": true, "unknown source": true,
		"unknown lost reason": true, "lost without a reason": true}
	for _, tc := range badDeals {
		if needPipeline[tc.name] {
			continue
		}
		if err := s.Validate(instance(t, tc.src)); err == nil {
			t.Errorf("%s: accepted by the generic schema", tc.name)
		}
	}
}

// TestDealLists covers pipelines whose lists differ from the demo's.
func TestDealLists(t *testing.T) {
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(`name: Lists
currency: EUR
lost_reasons: [budget]
stages:
  - {id: new, probability: 0.1}
  - {id: closed, type: won}
  - {id: dropped, type: lost}
  - {id: parked, probability: 0, requires: [reason]}
`))
	if diag.HasErrors(diags) {
		t.Fatal(diags)
	}
	s := dealSchema(t, p)
	const start = "title: A\nowner: anyone\nsource: anything\nhistory:\n  - {stage: new, date: 2026-01-02}\n"
	for _, tc := range []struct {
		name, src string
		ok        bool
	}{
		{"no owners or sources declared: any will do", start, true},
		{"lost move without a reason: not required here", start + "  - {stage: dropped, date: 2026-01-03}\n", true},
		{"lost reason checked", start + "  - {stage: dropped, date: 2026-01-03, reason: timing}\n", false},
		{"reason required into a stage that is not lost", start + "  - {stage: parked, date: 2026-01-03}\n", false},
		{"and any reason will do there", start + "  - {stage: parked, date: 2026-01-03, reason: summer}\n", true},
	} {
		agree(t, p, s, tc.name, tc.src, tc.ok)
	}

	// A list declared empty is enforced: no owner will do.
	p, diags = load.ParsePipeline("pipeline.yaml", []byte(minimalPipeline+"owners: []\n"))
	if diag.HasErrors(diags) {
		t.Fatal(diags)
	}
	if err := dealSchema(t, p).Validate(instance(t, minimalDeal)); err == nil {
		t.Error("owners: [] accepts an owner")
	}
}

const minimalPipeline = `name: Acme Sales
currency: USD
stages:
  - id: lead
    probability: 0.1
  - id: won
    type: won
`

var goodPipelines = []struct{ name, src string }{
	{"minimal", minimalPipeline},
	{"a year as a bare number", minimalPipeline + "targets:\n  - {period: 2026, revenue: 100}\n"},
	{"every period form", minimalPipeline + "targets:\n  - {period: \"2026\", revenue: 1}\n  - {period: 2026-Q4, revenue: 2}\n  - {period: 2026-10, revenue: 3, owner: ann}\nowners: [{id: ann}]\n"},
	{"every setting", `name: Acme Sales
currency: EUR
review: monthly
as_of: 2026-11-27
repository: https://github.com/acme/sales-pipeline
qualified_stage: qualified
funnel_days: 1
owners:
  - id: olena
    name: Olena Kovalenko
    team: EMEA
  - id: dana.w
sources: [webinar, referral]
lost_reasons: [budget, no-decision]
stages:
  - id: lead
    name: Prospecting
    type: open
    probability: 0.05
    rot_after: 0
    guide: |
      Find the budget holder.
  - id: qualified
    probability: 0.2
    entry: true
    requires: [value, expected_close, probability, company, source, contacts, emails, notes]
  - {id: won, type: won}
  - {id: lost, type: lost, requires: [reason]}
transitions:
  qualified: [lead, won, lost]
  lost: []
targets:
  - {period: 2026-Q4, revenue: 400000.50}
spend:
  - {month: 2026-10, source: webinar, amount: 8000}
  - {month: 2026-10, amount: 0}
`},
	{"owners declared empty", minimalPipeline + "owners: []\nsources: []\n"},
	{"rates and fields", minimalPipeline + "rates:\n  - {currency: EUR, rate: 1.08, from: 2026-01-01}\nfields:\n  - {id: industry, title: Industry, values: [retail]}\n  - {id: seats, type: number}\n"},
}

func TestGoodPipelines(t *testing.T) {
	s := pipelineSchema(t)
	for _, tc := range goodPipelines {
		if errs := checkErrors(nil, tc.src, ""); len(errs) > 0 {
			t.Fatalf("%s: the test pipeline itself has errors: %v", tc.name, errs)
		}
		if err := s.Validate(instance(t, tc.src)); err != nil {
			t.Errorf("%s: rejected: %v", tc.name, err)
		}
	}
}

var badPipelines = []struct{ name, src, at string }{
	{"unknown field at the top", minimalPipeline + "stage_order: [lead]\n", ""},
	{"unknown field in a stage", minimalPipeline + "  - {id: lost, type: lost, rot_afer: 3}\n", "/stages/2"},
	{"unknown field in an owner", minimalPipeline + "owners: [{id: ann, email: ann@acme.example}]\n", "/owners/0"},
	{"unknown field in a target", minimalPipeline + "targets: [{period: 2026, revenue: 1, deals: 3}]\n", "/targets/0"},
	{"missing name", "currency: USD\nstages: [{id: lead, probability: 0.1}, {id: won, type: won}]\n", ""},
	{"missing currency", "name: A\nstages: [{id: lead, probability: 0.1}, {id: won, type: won}]\n", ""},
	{"missing stages", "name: A\ncurrency: USD\n", ""},
	{"currency in lower case", strings.Replace(minimalPipeline, "USD", "usd", 1), "/currency"},
	{"currency sign", strings.Replace(minimalPipeline, "USD", "$", 1), "/currency"},
	{"bad review", minimalPipeline + "review: daily\n", "/review"},
	{"bad as_of", minimalPipeline + "as_of: 27.11.2026\n", "/as_of"},
	{"repository that is not a web address", minimalPipeline + "repository: git@github.com:acme/sales.git\n", "/repository"},
	{"funnel_days 0", minimalPipeline + "funnel_days: 0\n", "/funnel_days"},
	{"stage without id", minimalPipeline + "  - {type: lost}\n", "/stages/2"},
	{"stage id with a space", minimalPipeline + "  - {id: closed lost, type: lost}\n", "/stages/2/id"},
	{"bad stage type", minimalPipeline + "  - {id: lost, type: closed}\n", "/stages/2/type"},
	{"stage probability 1.5", minimalPipeline + "  - {id: later, probability: 1.5}\n", "/stages/2/probability"},
	{"negative rot_after", minimalPipeline + "  - {id: later, probability: 0.5, rot_after: -1}\n", "/stages/2/rot_after"},
	{"entry as text", minimalPipeline + "  - {id: later, probability: 0.5, entry: yes please}\n", "/stages/2/entry"},
	{"unknown requires", minimalPipeline + "  - {id: later, probability: 0.5, requires: [budget]}\n", "/stages/2/requires/0"},
	{"transition to a single stage, not a list", minimalPipeline + "transitions:\n  lead: won\n", "/transitions/lead"},
	{"bad period", minimalPipeline + "targets: [{period: 2026-Q5, revenue: 1}]\n", "/targets/0/period"},
	{"period in words", minimalPipeline + "targets: [{period: Q4 2026, revenue: 1}]\n", "/targets/0/period"},
	{"target without revenue", minimalPipeline + "targets: [{period: 2026}]\n", "/targets/0"},
	{"negative revenue", minimalPipeline + "targets: [{period: 2026, revenue: -1}]\n", "/targets/0/revenue"},
	{"spend for a quarter", minimalPipeline + "spend: [{month: 2026-Q4, amount: 1}]\n", "/spend/0/month"},
	{"spend with three decimals", minimalPipeline + "spend: [{month: 2026-10, amount: 0.001}]\n", "/spend/0/amount"},
	{"owner without id", minimalPipeline + "owners: [{name: Ann}]\n", "/owners/0"},
	{"sources as text", minimalPipeline + "sources: webinar\n", "/sources"},
}

func TestBadPipelines(t *testing.T) {
	b, err := Pipeline()
	if err != nil {
		t.Fatal(err)
	}
	strict, lax := compile(t, b), compileLax(t, b)
	for _, tc := range badPipelines {
		if errs := checkErrors(nil, tc.src, ""); len(errs) == 0 {
			t.Errorf("%s: pipegen check accepts the test pipeline, so the schema must too", tc.name)
		}
		rejected(t, strict, tc.name, tc.src, tc.at)
		rejected(t, lax, tc.name+" (formats not asserted)", tc.src, tc.at)
	}
}

// TestDeterministic: the same input prints the same bytes, as pretty JSON,
// which an editor can load.
func TestDeterministic(t *testing.T) {
	p := demoPipeline(t)
	for name, f := range map[string]func() ([]byte, error){
		"deal":         func() ([]byte, error) { return Deal(nil) },
		"demo deal":    func() ([]byte, error) { return Deal(p) },
		"reread deal":  func() ([]byte, error) { return Deal(demoPipeline(t)) },
		"pipeline":     Pipeline,
		"pipeline too": Pipeline,
	} {
		a, err := f()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := f()
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ", name)
		}
		if !json.Valid(a) {
			t.Errorf("%s: not valid JSON", name)
		}
		var compact, indented bytes.Buffer
		json.Compact(&compact, a)
		json.Indent(&indented, compact.Bytes(), "", "  ")
		indented.WriteByte('\n')
		if !bytes.Equal(a, indented.Bytes()) {
			t.Errorf("%s: not pretty-printed with two spaces and a final newline", name)
		}
		var top map[string]any
		json.Unmarshal(a, &top)
		if top["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %v", name, top["$schema"])
		}
		if id, _ := top["$id"].(string); !strings.Contains(id, "pipegen") {
			t.Errorf("%s: $id = %q, want one naming pipegen", name, id)
		}
		if title, _ := top["title"].(string); !strings.Contains(title, "pipegen") {
			t.Errorf("%s: title = %q, want one naming pipegen", name, title)
		}
	}
	x, _ := Deal(p)
	y, _ := Deal(demoPipeline(t))
	if !bytes.Equal(x, y) {
		t.Error("the demo deal schema differs between two reads of pipeline.yaml")
	}
}

// TestDescriptions: every property of both schemas tells the editor's user
// what it is, and every object refuses fields the loader does not know.
func TestDescriptions(t *testing.T) {
	p := demoPipeline(t)
	for name, f := range map[string]func() ([]byte, error){
		"deal":      func() ([]byte, error) { return Deal(nil) },
		"demo deal": func() ([]byte, error) { return Deal(p) },
		"pipeline":  Pipeline,
	} {
		b, err := f()
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		props := 0
		var walk func(v any, at string)
		walk = func(v any, at string) {
			switch v := v.(type) {
			case []any:
				for _, x := range v {
					walk(x, at)
				}
			case map[string]any:
				if ps, ok := v["properties"].(map[string]any); ok {
					for k, p := range ps {
						props++
						if d, _ := p.(map[string]any)["description"].(string); strings.TrimSpace(d) == "" {
							t.Errorf("%s: property %s%s has no description", name, at, k)
						}
					}
				}
				if v["type"] == "object" {
					if ap, ok := v["additionalProperties"]; !ok || (ap != false && !strings.HasSuffix(at, "transitions.") && !(name == "deal" && at == "fields.")) {
						t.Errorf("%s: object %s has additionalProperties %v, want false", name, at, ap)
					}
				}
				for k, x := range v {
					if k == "properties" {
						for pk, px := range x.(map[string]any) {
							walk(px, at+pk+".")
						}
						continue
					}
					walk(x, at)
				}
			}
		}
		walk(doc, "")
		if props < 15 {
			t.Errorf("%s: found %d properties, the walk is broken", name, props)
		}
	}
}

// TestFieldsMatchLoader: the schemas have exactly the fields that the
// loader reads. The loader names them in the hint of an
// unknown field, so a field added to it fails this test until added here.
func TestFieldsMatchLoader(t *testing.T) {
	var deal, pipeline map[string]any
	db, _ := Deal(nil)
	pb, _ := Pipeline()
	json.Unmarshal(db, &deal)
	json.Unmarshal(pb, &pipeline)

	const h = "history:\n  - {stage: lead, date: 2026-09-02}\n"
	dealHint := func(src string) string {
		_, diags := load.ParseDeal("deals/x.yaml", "x", []byte(src))
		return unknownHint(t, diags)
	}
	pipelineHint := func(src string) string {
		_, diags := load.ParsePipeline("pipeline.yaml", []byte(src))
		return unknownHint(t, diags)
	}
	for _, tc := range []struct {
		hint string
		obj  any
	}{
		{dealHint("zzz: 1\n"), deal},
		{dealHint(h + "contacts: [{zzz: 1}]\n"), at(deal, "contacts", "items")},
		{dealHint("history: [{zzz: 1}]\n"), at(deal, "history", "items")},
		{dealHint(h + "emails: {zzz: 1}\n"), at(deal, "emails")},
		{dealHint(h + "onboarding: {zzz: 1}\n"), at(deal, "onboarding")},
		{pipelineHint("zzz: 1\n"), pipeline},
		{pipelineHint("owners: [{zzz: 1}]\n"), at(pipeline, "owners", "items")},
		{pipelineHint("stages: [{zzz: 1}]\n"), at(pipeline, "stages", "items")},
		{pipelineHint("targets: [{zzz: 1}]\n"), at(pipeline, "targets", "items")},
		{pipelineHint("spend: [{zzz: 1}]\n"), at(pipeline, "spend", "items")},
	} {
		_, list, ok := strings.Cut(tc.hint, " are ")
		if !ok {
			t.Errorf("unknown-field hint %q does not list the fields", tc.hint)
			continue
		}
		want := strings.Split(list, ", ")
		slices.Sort(want)
		got := propertyNames(tc.obj)
		if !slices.Equal(got, want) {
			t.Errorf("schema fields %v, loader fields %v", got, want)
		}
	}
}

func unknownHint(t *testing.T, diags []diag.Diagnostic) string {
	t.Helper()
	for _, d := range diags {
		if d.Code == "unknown-field" {
			return d.Hint
		}
	}
	t.Fatalf("no unknown-field diagnostic in %v", diags)
	return ""
}

// at follows properties and items down a schema.
func at(s any, path ...string) any {
	for _, k := range path {
		m := s.(map[string]any)
		if k == "items" {
			s = m["items"]
			continue
		}
		s = m["properties"].(map[string]any)[k]
	}
	return s
}

// propertyNames lists an object schema's properties, sorted.
func propertyNames(s any) []string {
	var names []string
	for k := range s.(map[string]any)["properties"].(map[string]any) {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func TestDealForRepo(t *testing.T) {
	generic, _ := Deal(nil)

	demo, note, err := DealForRepo(root)
	if err != nil || note != "" {
		t.Fatalf("DealForRepo(demo) = note %q, err %v; want no note", note, err)
	}
	want, _ := Deal(demoPipeline(t))
	if !bytes.Equal(demo, want) {
		t.Error("DealForRepo(demo) is not the demo pipeline's deal schema")
	}
	abs, _ := filepath.Abs(root)
	if bytes.Contains(demo, []byte(abs)) {
		t.Errorf("the schema names the machine path %s", abs)
	}

	write := func(files map[string]string) string {
		dir := t.TempDir()
		for name, src := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	for _, tc := range []struct {
		name     string
		dir      string
		note     string // what the note must say; "" for none
		specific bool
	}{
		{"no pipeline.yaml", write(nil), "no pipeline.yaml in ", false},
		{"pipeline.yaml that does not parse", write(map[string]string{"pipeline.yaml": "name: [\n"}), "pipeline.yaml has errors", false},
		{"pipeline.yaml with an unknown field", write(map[string]string{"pipeline.yaml": minimalPipeline + "colour: red\n"}), "pipeline.yaml has errors", false},
		{"pipeline.yaml with a warning only", write(map[string]string{"pipeline.yaml": minimalPipeline + "  - id: later\n"}), "", true},
	} {
		got, note, err := DealForRepo(tc.dir)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tc.note == "" && note != "" || !strings.Contains(note, tc.note) {
			t.Errorf("%s: note %q, want one with %q", tc.name, note, tc.note)
		}
		if strings.Contains(note, "\n") {
			t.Errorf("%s: note %q is more than one line", tc.name, note)
		}
		if tc.note != "" && !strings.Contains(note, "generic deal schema") {
			t.Errorf("%s: note %q does not say the schema is generic", tc.name, note)
		}
		if specific := !bytes.Equal(got, generic); specific != tc.specific {
			t.Errorf("%s: specific schema = %v, want %v", tc.name, specific, tc.specific)
		}
		if tc.specific && !bytes.Contains(got, []byte(`"later"`)) {
			t.Errorf("%s: the stages of pipeline.yaml are not in the schema", tc.name)
		}
	}

	if _, _, err := DealForRepo(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: err = %v, want fs.ErrNotExist", err)
	}
	file := write(map[string]string{"pipeline.yaml": minimalPipeline})
	if _, _, err := DealForRepo(filepath.Join(file, "pipeline.yaml")); err == nil {
		t.Error("a file as the dir: no error")
	}
}

// schema --write writes both schemas; check warns when one no longer says
// what pipeline.yaml says, naming what changed, and not for a copy that
// only differs in layout.
func TestWriteAndStale(t *testing.T) {
	dir := t.TempDir()
	pipeline := "name: X\ncurrency: USD\nowners: [{id: ann}, {id: bo}]\nstages:\n  - {id: lead, probability: 0.1}\n  - {id: won, type: won}\n"
	writeFile := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	readPipeline := func() *model.Pipeline {
		p, diags := load.ReadPipeline(dir)
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		return p
	}
	writeFile("pipeline.yaml", pipeline)
	if got := Stale(dir, readPipeline()); len(got) != 0 {
		t.Errorf("Stale without .pipegen = %v", got)
	}
	written, note, err := Write(dir)
	if err != nil || note != "" || strings.Join(written, ",") != DealFile+","+PipelineFile {
		t.Fatalf("Write = %v, %q, %v", written, note, err)
	}
	if got := Stale(dir, readPipeline()); len(got) != 0 {
		t.Errorf("Stale right after Write = %v", got)
	}
	// The same JSON with CRLF line endings, as a Windows checkout has it.
	b, _ := os.ReadFile(filepath.Join(dir, DealFile))
	writeFile(DealFile, strings.ReplaceAll(string(b), "\n", "\r\n"))
	if got := Stale(dir, readPipeline()); len(got) != 0 {
		t.Errorf("Stale of a CRLF copy = %v", got)
	}
	writeFile("pipeline.yaml", strings.Replace(pipeline, "{id: bo}", "{id: cy}", 1))
	got := Stale(dir, readPipeline())
	want := `.pipegen/deal.schema.json is out of date: it does not offer "cy", and it still offers "bo"`
	if len(got) != 1 || got[0].Message != want || got[0].Severity != diag.Warning || got[0].Code != "stale-schema" {
		t.Errorf("Stale after a new owner = %v, want %q", got, want)
	}
	// A link in place of the folder is never written through.
	other := t.TempDir()
	os.RemoveAll(filepath.Join(dir, Folder))
	if err := os.Symlink(other, filepath.Join(dir, Folder)); err != nil {
		t.Skip(err)
	}
	if _, _, err := Write(dir); err == nil {
		t.Error("Write through a linked .pipegen folder: no error")
	}
	if entries, _ := os.ReadDir(other); len(entries) != 0 {
		t.Errorf("Write wrote outside the repository: %v", entries)
	}
}

// The deal schema of a pipeline with rates and fields offers its
// currencies and declared fields, as check judges them.
func TestDealCurrencyAndFields(t *testing.T) {
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(minimalPipeline+`rates:
  - {currency: EUR, rate: 1.08, from: 2026-01-01}
fields:
  - {id: industry, values: [retail, health]}
  - {id: seats, type: number}
`))
	if diag.HasErrors(diags) {
		t.Fatal(diags)
	}
	s := dealSchema(t, p)
	const start = "title: A\nowner: anyone\nhistory:\n  - {stage: lead, date: 2026-01-02}\n"
	for _, tc := range []struct {
		name, src string
		ok        bool
	}{
		{"declared fields", start + "currency: EUR\nfields: {industry: retail, seats: 12}\n", true},
		{"the pipeline's currency", start + "currency: USD\n", true},
		{"a currency without rates", start + "currency: GBP\n", false},
		{"an undeclared field", start + "fields: {region: emea}\n", false},
		{"a value not in the list", start + "fields: {industry: helth}\n", false},
		{"a numeric field as text", start + "fields: {seats: many}\n", false},
	} {
		agree(t, p, s, tc.name, tc.src, tc.ok)
	}
}

// agree checks that pipegen check and the deal schema s both accept src,
// or both refuse it.
func agree(t *testing.T, p *model.Pipeline, s *jsonschema.Schema, name, src string, ok bool) {
	t.Helper()
	if errs := checkErrors(p, "", src); (len(errs) == 0) != ok {
		t.Fatalf("%s: pipegen check gives %v, want ok = %v", name, errs, ok)
	}
	err := s.Validate(instance(t, src))
	if ok && err != nil {
		t.Errorf("%s: rejected: %v", name, err)
	}
	if !ok && err == nil {
		t.Errorf("%s: accepted", name)
	}
}
