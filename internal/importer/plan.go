package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/edit"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
)

// source is where a deal field's value comes from in each row: columns
// read in order (the first that is not empty gives the value), or a
// template of text and columns.
type source struct {
	cols  []int
	tmpl  []part
	label string // the column's name, or the template, for messages
}

// part is a piece of a template: text, or a column (col >= 0).
type part struct {
	text string
	col  int
}

// get returns the field's value in a row and the column it came from (the
// first column of a template), or -1 when the field is not imported.
func (s *source) get(r *record) (string, int) {
	if s == nil {
		return "", -1
	}
	if s.tmpl != nil {
		var b strings.Builder
		first := -1
		for _, p := range s.tmpl {
			if p.col < 0 {
				b.WriteString(p.text)
				continue
			}
			if first < 0 {
				first = p.col
			}
			b.WriteString(r.value(p.col))
		}
		// A column that is empty must not leave "Acme — " behind.
		return strings.Trim(text(b.String()), " -–—,:;/|"), first
	}
	for _, c := range s.cols {
		if v := strings.TrimSpace(r.value(c)); v != "" {
			return v, c
		}
	}
	if len(s.cols) > 0 {
		return "", s.cols[0]
	}
	return "", -1
}

// plan is a mapping resolved against an export's header and a pipeline:
// the column of every field, and the pipeline's id for every value the
// export may write.
type plan struct {
	kind    Kind
	info    kindInfo
	csvName string
	header  []string
	fields  map[string]*source
	entered []stageColumn
	dates   dateLayouts
	skip    []string
	p       *model.Pipeline
	// Values of the export, folded, to ids of pipeline.yaml.
	stages, owners, sources, reasons map[string]string
	// The first won and lost stage, for a status that says won or lost.
	won, lost string
}

// stageColumn is a column holding the date a deal entered a stage.
type stageColumn struct {
	stage string
	col   int
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// newPlan resolves the columns of kind's export, and the mapping file m
// (nil without one), against the header. Problems in the mapping file are
// reported at their place in mapFile; a column the export lacks at the
// header line of the export.
func newPlan(kind Kind, header []string, m *load.ImportMap, mapFile, csvName string, p *model.Pipeline) (*plan, []diag.Diagnostic) {
	pl := &plan{kind: kind, info: kinds[kind], csvName: csvName, header: header, fields: map[string]*source{}, p: p,
		stages: map[string]string{}, owners: map[string]string{}, sources: map[string]string{}, reasons: map[string]string{}}
	if m == nil {
		m = &load.ImportMap{}
	}
	var diags []diag.Diagnostic
	mapErr := func(at model.Pos, hint, format string, args ...any) {
		diags = append(diags, diag.Diagnostic{File: mapFile, Line: at.Line, Column: at.Col, Severity: diag.Error,
			Code: "bad-map", Message: fmt.Sprintf(format, args...), Hint: hint})
	}
	colOf := map[string]int{}
	for i, h := range header {
		if _, dup := colOf[fold(h)]; !dup {
			colOf[fold(h)] = i
		}
	}
	column := func(name string, at model.Pos) (int, bool) {
		if c, ok := colOf[fold(name)]; ok {
			return c, true
		}
		msg := fmt.Sprintf("%s has no column %q", csvName, name)
		if s := suggest.Closest(name, header); s != "" {
			msg += fmt.Sprintf(" — did you mean %q?", s)
		}
		mapErr(at, "the columns are "+suggest.Quoted(header, "and"), "%s", msg)
		return 0, false
	}

	mapped, broken := map[string]bool{}, map[string]bool{}
	for _, c := range m.Columns {
		mapped[c.Key] = true
		before := len(diags)
		switch {
		case c.Value == "":
			// not imported, even where the CRM's export has it
		case strings.ContainsAny(c.Value, "{}"):
			tmpl, ok := template(c.Value, func(name string) (int, bool) { return column(name, c.ValuePos) })
			if len(diags) > before {
				broken[c.Key] = true
				continue
			}
			if !ok {
				broken[c.Key] = true
				mapErr(c.ValuePos, `write a template as text with column names in braces, like "{account} — {product}"`, "template %q has a brace that is not closed or opened", c.Value)
				continue
			}
			pl.fields[c.Key] = &source{tmpl: tmpl, label: c.Value}
		default:
			if col, ok := column(c.Value, c.ValuePos); ok {
				pl.fields[c.Key] = &source{cols: []int{col}, label: header[col]}
			} else {
				broken[c.Key] = true
			}
		}
	}
	for field, names := range pl.info.columns {
		if mapped[field] {
			continue
		}
		s := &source{}
		for _, n := range names {
			if c, ok := colOf[fold(n)]; ok {
				s.cols = append(s.cols, c)
			}
		}
		if len(s.cols) > 0 {
			s.label = header[s.cols[0]]
			pl.fields[field] = s
		}
	}
	if pl.fields["crm_id"] == nil {
		pl.fields["crm_id"] = pl.fields["id"]
	}
	for _, f := range required {
		if pl.fields[f] != nil || broken[f] {
			continue
		}
		hint := fmt.Sprintf("name the column that holds it in the mapping file: columns: %s: \"…\"", f)
		if kind == CSV {
			diags = append(diags, diag.Diagnostic{File: mapFile, Line: 1, Column: 1, Severity: diag.Error, Code: "bad-map",
				Message: fmt.Sprintf("columns does not name the column of the deal's %s", fieldNames[f]), Hint: hint})
			continue
		}
		hint = "export that column too, or " + hint + " (with --map)"
		if other := lookalike(header); other != "" && other != kind {
			hint = fmt.Sprintf("the columns are those of a %s export: pipegen import %s", kinds[other].title, other)
		}
		diags = append(diags, diag.Diagnostic{File: csvName, Line: 1, Column: 1, Severity: diag.Error, Code: "missing-column",
			Message: fmt.Sprintf("no column gives the deal's %s: a %s export names it %s", fieldNames[f], pl.info.title, suggest.Quoted(pl.info.columns[f], "or")),
			Hint:    hint})
	}

	stages := stageIDs(p)
	for _, s := range p.Stages {
		pl.stages[fold(s.ID)] = s.ID
		if s.Type == model.Won && pl.won == "" {
			pl.won = s.ID
		}
		if s.Type == model.Lost && pl.lost == "" {
			pl.lost = s.ID
		}
	}
	for _, s := range p.Stages {
		if _, taken := pl.stages[fold(s.Name)]; s.Name != "" && !taken {
			pl.stages[fold(s.Name)] = s.ID
		}
	}
	// The words CRMs use for their closed stages (HubSpot's internal ids
	// too) stand for the pipeline's won and lost stages.
	for _, w := range []string{"won", "closed won", "closed-won", "closedwon"} {
		if _, taken := pl.stages[w]; !taken && pl.won != "" {
			pl.stages[w] = pl.won
		}
	}
	for _, w := range []string{"lost", "closed lost", "closed-lost", "closedlost"} {
		if _, taken := pl.stages[w]; !taken && pl.lost != "" {
			pl.stages[w] = pl.lost
		}
	}
	section := func(pairs []load.Pair, into map[string]string, what, list string, valid []string, enforced bool) {
		for _, pr := range pairs {
			if enforced && !contains(valid, pr.Value) {
				msg := fmt.Sprintf("%s: %q is not %s of pipeline.yaml", list, pr.Value, what)
				if s := suggest.Closest(pr.Value, valid); s != "" {
					msg += fmt.Sprintf(" — did you mean %q?", s)
				}
				mapErr(pr.ValuePos, "the "+list+" of pipeline.yaml are "+suggest.Quoted(valid, "and"), "%s", msg)
				continue
			}
			into[fold(pr.Key)] = pr.Value
		}
	}
	// The mapping file's own lines win over the names pipeline.yaml gives.
	mapStages := map[string]string{}
	section(m.Stages, mapStages, "a stage", "stages", stages, true)
	for k, v := range mapStages {
		pl.stages[k] = v
	}
	section(m.Owners, pl.owners, "an owner", "owners", ownerIDs(p), p.HasOwners)
	section(m.Sources, pl.sources, "a source", "sources", itemIDs(p.Sources), p.HasSources)
	section(m.LostReasons, pl.reasons, "a lost reason", "lost_reasons", itemIDs(p.LostReasons), p.HasLostReasons)

	for _, e := range m.Entered {
		if !contains(stages, e.Key) {
			mapErr(e.KeyPos, "the stages are "+suggest.Quoted(stages, "and"), "entered: %q is not a stage of pipeline.yaml%s", e.Key, didYouMean(e.Key, stages))
			continue
		}
		if col, ok := column(e.Value, e.ValuePos); ok {
			pl.entered = append(pl.entered, stageColumn{stage: e.Key, col: col})
		}
	}
	if re := pl.info.entered; re != nil {
		for i, h := range header {
			if sm := re.FindStringSubmatch(h); sm != nil {
				if id, ok := pl.stages[fold(withoutPipeline(sm[1]))]; ok {
					pl.entered = append(pl.entered, stageColumn{stage: id, col: i})
				}
			}
		}
	}

	pl.dates = dateLayouts{layouts: pl.info.dates, zone: p.Zone()}
	if len(m.DateFormats) > 0 {
		pl.dates.layouts = nil
		for _, f := range m.DateFormats {
			if err := checkLayout(f.ID); err != nil {
				mapErr(f.Pos, "write a Go layout of the date 2 January 2006, like 2006-01-02, 01/02/2006 or 02.01.2006 15:04", "%v", err)
				continue
			}
			pl.dates.layouts = append(pl.dates.layouts, f.ID)
		}
	}
	for _, s := range m.SkipWhenEmpty {
		pl.skip = append(pl.skip, s.ID)
	}
	return pl, diags
}

// lookalike returns the CRM whose export has every column that pipegen
// needs among the header's, if any.
func lookalike(header []string) Kind {
	have := map[string]bool{}
	for _, h := range header {
		have[fold(h)] = true
	}
	for _, k := range Kinds {
		found := k != CSV
		for _, f := range required {
			found = found && slices.ContainsFunc(kinds[k].columns[f], func(c string) bool { return have[fold(c)] })
		}
		if found {
			return k
		}
	}
	return ""
}

// template reads "{account} — {product}" into its parts; ok is false for
// a brace without its pair.
func template(t string, column func(string) (int, bool)) ([]part, bool) {
	var parts []part
	for t != "" {
		open := strings.IndexByte(t, '{')
		if cl := strings.IndexByte(t, '}'); cl >= 0 && (open < 0 || cl < open) {
			return nil, false
		}
		if open < 0 {
			parts = append(parts, part{text: t, col: -1})
			break
		}
		if open > 0 {
			parts = append(parts, part{text: t[:open], col: -1})
		}
		end := strings.IndexByte(t[open:], '}')
		if end < 0 {
			return nil, false
		}
		name := t[open+1 : open+end]
		col, ok := column(name)
		if !ok {
			col = -1 // reported; keep reading for more problems
		}
		parts = append(parts, part{col: col, text: ""})
		t = t[open+end+1:]
	}
	return parts, true
}

// withoutPipeline drops the pipeline's name from a stage's label in a
// HubSpot column: "Closed Won (Sales Pipeline)" is "Closed Won".
func withoutPipeline(label string) string {
	label = strings.TrimSpace(label)
	if strings.HasSuffix(label, ")") {
		if i := strings.LastIndex(label, " ("); i > 0 {
			return label[:i]
		}
	}
	return label
}

// stageOf returns the stage id an export's stage value stands for.
func (pl *plan) stageOf(v string) (string, bool) {
	id, ok := pl.stages[fold(v)]
	return id, ok
}

// ownerOf returns the owner id an export's owner value stands for: the
// mapping file's, an owner of pipeline.yaml with that id or name, or, when
// pipeline.yaml lists no owners, an id made from the value.
func (pl *plan) ownerOf(v string) (string, bool) {
	if id, ok := pl.owners[fold(v)]; ok {
		return id, true
	}
	for _, o := range pl.p.Owners {
		if strings.EqualFold(o.ID, v) || o.Name != "" && strings.EqualFold(o.Name, v) {
			return o.ID, true
		}
	}
	id := personID(v)
	if !pl.p.HasOwners {
		return id, true
	}
	for _, o := range pl.p.Owners {
		if o.ID == id {
			return id, true
		}
	}
	return id, false
}

// itemOf returns the id of pipeline.yaml's list (sources, lost reasons)
// that an export's value stands for; without a list, an id made from it.
func (pl *plan) itemOf(v string, mapped map[string]string, list []model.Item, enforced bool) (string, bool) {
	if id, ok := mapped[fold(v)]; ok {
		return id, true
	}
	id := edit.Slug(v)
	if !enforced {
		return id, true
	}
	for _, it := range list {
		if strings.EqualFold(it.ID, v) || it.ID == id {
			return it.ID, true
		}
	}
	return id, false
}

// personID makes an owner id from a name or an email address:
// "Jordan Lee" is jordan-lee, "jordan@acme.example" is jordan.
func personID(v string) string {
	if at := strings.IndexByte(v, '@'); at > 0 && !strings.ContainsAny(v[:at], " \t") {
		v = v[:at]
	}
	return edit.Slug(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func didYouMean(s string, options []string) string {
	if c := suggest.Closest(s, options); c != "" && c != s {
		return fmt.Sprintf(" — did you mean %q?", c)
	}
	return ""
}
