package load

import (
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
)

// ImportMap is a mapping file of pipegen import (map.yaml): which CSV
// column gives each deal field, how the export's stage, owner, source and
// lost-reason values translate to pipeline.yaml's ids, how its dates are
// written and which rows to leave out. It is read with the same decoder as
// the repository's files, so its mistakes are diagnostics with positions.
type ImportMap struct {
	// Columns maps a deal field (title, owner, created…) to a CSV column or
	// a template such as "{account} — {product}". An empty value means the
	// field is not imported, even where a CRM's columns would give it.
	Columns []Pair
	// Stages, Owners, Sources and LostReasons map a value as the export
	// writes it to an id of pipeline.yaml.
	Stages, Owners, Sources, LostReasons []Pair
	// Entered maps a stage id to the column holding the date the deal
	// entered that stage.
	Entered []Pair
	// DateFormats are Go layouts, tried in order.
	DateFormats []model.Item
	// SkipWhenEmpty names fields whose empty value leaves the row out.
	SkipWhenEmpty []model.Item
}

// Pair is one "key: value" line of a mapping file, with where each was
// written.
type Pair struct {
	Key, Value       string
	KeyPos, ValuePos model.Pos
}

// ImportFields are the deal fields a mapping file's columns may name.
var ImportFields = []string{"id", "title", "company", "owner", "source", "value", "currency", "created", "stage", "status",
	"stage_changed", "closed", "expected_close", "lost_reason", "next_step"}

var importMapKind = docKind{fields: "the mapping file", missing: "the mapping file", empty: "mapping file",
	hint: "a mapping file names the CSV column of each deal field under columns:; see docs/import.md"}

var importMapFields = []string{"columns", "stages", "owners", "sources", "lost_reasons", "entered", "date_format", "skip_when_empty"}

// ParseImportMap parses a mapping file of pipegen import. Like ParseDeal it
// returns what it could read along with every problem it found.
func ParseImportMap(file string, src []byte) (*ImportMap, []diag.Diagnostic) {
	d := &decoder{file: file}
	m := &ImportMap{}
	d.document(src, importMapKind, importMapFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "columns":
			d.fields(v, "columns", ImportFields, func(field string, fp model.Pos, fv ast.Node) {
				col, _ := d.text(fv, field) // an empty value unmaps the field
				m.Columns = append(m.Columns, Pair{Key: field, Value: col, KeyPos: fp, ValuePos: valuePos(fv, fp)})
			})
		case "stages":
			m.Stages = d.pairs(v, key)
		case "owners":
			m.Owners = d.pairs(v, key)
		case "sources":
			m.Sources = d.pairs(v, key)
		case "lost_reasons":
			m.LostReasons = d.pairs(v, key)
		case "entered":
			m.Entered = d.pairs(v, key)
		case "date_format":
			if _, isList := v.(*ast.SequenceNode); isList {
				m.DateFormats = d.items(v, key, "[2006-01-02, 01/02/2006]")
			} else if s, ok := d.text(v, key); ok {
				m.DateFormats = []model.Item{{ID: s, Pos: valuePos(v, kp)}}
			}
		case "skip_when_empty":
			m.SkipWhenEmpty = d.items(v, key, "[created]")
			for _, it := range m.SkipWhenEmpty {
				if !contains(ImportFields, it.ID) {
					d.errorf(it.Pos, "unknown-field", "the fields are "+strings.Join(ImportFields, ", "), "skip_when_empty names %q, which is not a deal field of columns", it.ID)
				}
			}
		}
	})
	return m, d.done()
}

// pairs reads a mapping of free text keys to text values, such as the
// export's stage names and the stage ids they stand for.
func (d *decoder) pairs(n ast.Node, what string) []Pair {
	n = d.resolve(n)
	if isNull(n) {
		return nil
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		d.errorf(posOf(n), "wrong-type", "write "+what+" as \"value in the export: id\" lines", "%s must be a mapping, not %s", what, kind(n))
		return nil
	}
	out := make([]Pair, 0, len(m.Values))
	for _, mv := range m.Values {
		key, keyOK := d.text(d.resolve(mv.Key), what+" key")
		if !keyOK {
			continue
		}
		kp := posOf(mv.Key)
		v := d.resolve(mv.Value)
		if isNull(v) {
			d.errorf(kp, "missing-field", "write the id after the colon, or remove the line", "%s: %q has no value", what, key)
			continue
		}
		val, ok := d.text(v, what+" value")
		if !ok {
			continue
		}
		out = append(out, Pair{Key: key, Value: val, KeyPos: kp, ValuePos: posOf(v)})
	}
	return out
}
