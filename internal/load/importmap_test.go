package load

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pipegen/pipegen/internal/model"
)

func TestParseImportMap(t *testing.T) {
	src := `# the design's example
columns:
  id: opportunity_id
  title: "{account} — {product}"
  owner: sales_agent
  value: 0123
  expected_close: ""
  source:
stages:
  Engaging: qualified
  "Closed: won": won
  0123: lead
owners: {Moses Frase: ann}
entered:
  demo: demo_date
date_format: 02/01/2006
skip_when_empty: [created]
`
	m, diags := ParseImportMap("map.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatalf("ParseImportMap: %v", diags)
	}
	want := &ImportMap{
		Columns: []Pair{
			{Key: "id", Value: "opportunity_id", KeyPos: model.Pos{Line: 3, Col: 3}, ValuePos: model.Pos{Line: 3, Col: 7}},
			{Key: "title", Value: "{account} — {product}", KeyPos: model.Pos{Line: 4, Col: 3}, ValuePos: model.Pos{Line: 4, Col: 10}},
			{Key: "owner", Value: "sales_agent", KeyPos: model.Pos{Line: 5, Col: 3}, ValuePos: model.Pos{Line: 5, Col: 10}},
			{Key: "value", Value: "0123", KeyPos: model.Pos{Line: 6, Col: 3}, ValuePos: model.Pos{Line: 6, Col: 10}},
			{Key: "expected_close", Value: "", KeyPos: model.Pos{Line: 7, Col: 3}, ValuePos: model.Pos{Line: 7, Col: 19}},
			{Key: "source", Value: "", KeyPos: model.Pos{Line: 8, Col: 3}, ValuePos: model.Pos{Line: 8, Col: 3}},
		},
		Stages: []Pair{
			{Key: "Engaging", Value: "qualified", KeyPos: model.Pos{Line: 10, Col: 3}, ValuePos: model.Pos{Line: 10, Col: 13}},
			{Key: "Closed: won", Value: "won", KeyPos: model.Pos{Line: 11, Col: 3}, ValuePos: model.Pos{Line: 11, Col: 18}},
			{Key: "0123", Value: "lead", KeyPos: model.Pos{Line: 12, Col: 3}, ValuePos: model.Pos{Line: 12, Col: 9}},
		},
		Owners:        []Pair{{Key: "Moses Frase", Value: "ann", KeyPos: model.Pos{Line: 13, Col: 10}, ValuePos: model.Pos{Line: 13, Col: 23}}},
		Entered:       []Pair{{Key: "demo", Value: "demo_date", KeyPos: model.Pos{Line: 15, Col: 3}, ValuePos: model.Pos{Line: 15, Col: 9}}},
		DateFormats:   []model.Item{{ID: "02/01/2006", Pos: model.Pos{Line: 16, Col: 14}}},
		SkipWhenEmpty: []model.Item{{ID: "created", Pos: model.Pos{Line: 17, Col: 19}}},
	}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("ParseImportMap (-want +got):\n%s", d)
	}
}

func TestParseImportMapErrors(t *testing.T) {
	for src, want := range map[string]string{
		"colums:\n  title: a\n":                    `map.yaml:1:1: unknown field "colums" in the mapping file — did you mean "columns"?`,
		"columns:\n  titel: a\n":                   `map.yaml:2:3: unknown field "titel" in columns — did you mean "title"?`,
		"columns:\n  title: [a, b]\n":              `map.yaml:2:10: title must be text, not a list`,
		"stages: [a, b]\n":                         `map.yaml:1:9: stages must be a mapping, not a list`,
		"stages:\n  Won:\n":                        `map.yaml:2:3: stages: "Won" has no value`,
		"skip_when_empty: [created, crated]\n":     `map.yaml:1:28: skip_when_empty names "crated", which is not a deal field of columns`,
		"columns: &c {title: a}\nstages: *c\n":     `map.yaml:2:9: YAML aliases (*name) are not supported in pipegen files`,
		"columns:\n\ttitle: a\n":                   `map.yaml:2:1: YAML does not parse`,
		"":                                         `map.yaml:1:1: mapping file is empty`,
		"date_format: {a: b}\n":                    `map.yaml:1:15: date_format must be text, not a mapping`,
		"columns:\n  title: a\n---\ncolumns: {}\n": `map.yaml:3:1: a second YAML document (after ---) is not allowed here`,
	} {
		_, diags := ParseImportMap("map.yaml", []byte(src))
		if len(diags) == 0 {
			t.Errorf("ParseImportMap(%q): no problem, want %s", src, want)
			continue
		}
		if got := diags[0].Location() + ": " + diags[0].Message; !strings.HasPrefix(got, want) {
			t.Errorf("ParseImportMap(%q) = %s, want %s", src, got, want)
		}
	}
}
