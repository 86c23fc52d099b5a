package load

import (
	"github.com/goccy/go-yaml/ast"

	"github.com/pipegen/pipegen/internal/model"
)

// document is the top-level mapping of a file as read: where each field's
// key was and which fields had a problem, so that a required field is
// reported once — as missing, or as broken, never both.
type document struct {
	kind   docKind
	start  model.Pos
	keys   map[string]model.Pos
	broken map[string]bool
}

// docKind names a kind of file in a user's words.
type docKind struct {
	fields  string // whose fields: "a deal", "pipeline.yaml"
	missing string // what lacks a field: "deal", "pipeline.yaml"
	empty   string // what is empty: "deal file", "pipeline.yaml"
	hint    string // what an empty file needs
}

// document parses src and walks its top-level mapping, calling set for each
// known field. ok is false when there is nothing more to check: the file
// does not parse, is empty or is not a mapping.
func (d *decoder) document(src []byte, kind docKind, names []string, set func(key string, kp model.Pos, v ast.Node)) (doc *document, ok bool) {
	body, ok := d.parse(src)
	if !ok {
		return nil, false
	}
	if body == nil {
		d.errorf(model.Pos{Line: 1, Col: 1}, "empty-file", kind.hint, "%s is empty", kind.empty)
		return nil, false
	}
	doc = &document{kind: kind, keys: map[string]model.Pos{}, broken: map[string]bool{}}
	if !d.fields(body, kind.fields, names, func(key string, kp model.Pos, v ast.Node) {
		doc.keys[key] = kp
		set(key, kp, v)
		doc.broken[key] = d.fieldBroken()
	}) {
		return nil, false
	}
	doc.start = posOf(d.resolve(body))
	return doc, true
}

// need reports a required field that is empty, at its key when it has one
// and at the start of the file otherwise, unless its value was reported
// already.
func (d *decoder) need(doc *document, field string, empty bool, hint string) {
	if !empty || doc.broken[field] {
		return
	}
	at, ok := doc.keys[field]
	if !ok {
		d.missing(doc.start, doc.kind.missing, field, hint)
		return
	}
	d.errorf(at, "missing-field", hint, "%s is empty", field) // "title:" with nothing after it
}
