package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/edit"
	"github.com/pipegen/pipegen/internal/model"
)

// draft is a row of the export turned into a deal, before its file is
// named and checked.
type draft struct {
	rec           *record
	idBase        string
	title         string
	company       string
	owner         string
	source        string
	nextStep      string
	value         string // as the deal file writes it; "" when none
	currency      string // the value's, when not the pipeline's
	expectedClose model.Date
	steps         []step
	reason        string
	crmID         string
	// cols holds the column each written field came from, by field.
	cols     map[string]int
	problems []diag.Diagnostic
	missing  []Missing
	skip     string // why the row is left out, when it is
}

// problem reports what is wrong with the row, at the field of column col
// (the row's start when col < 0), naming the column.
func (d *draft) problem(pl *plan, col int, code, hint, format string, args ...any) {
	at := d.rec.at(col)
	msg := fmt.Sprintf(format, args...)
	if col >= 0 && col < len(pl.header) {
		msg = fmt.Sprintf("column %q: %s", pl.header[col], msg)
	}
	for _, p := range d.problems {
		if p.Line == at.line && p.Column == at.col && p.Message == msg {
			return // a column read for two fields (HubSpot's close date)
		}
	}
	d.problems = append(d.problems, diag.Diagnostic{File: pl.csvName, Line: at.line, Column: at.col, Severity: diag.Error,
		Code: code, Message: msg, Hint: hint})
}

// convert turns a row into a draft deal, reporting every problem of the
// row rather than the first.
func (pl *plan) convert(rec *record) *draft {
	d := &draft{rec: rec, cols: map[string]int{}}
	for i, f := range rec.fields {
		if !utf8.ValidString(f) {
			d.problem(pl, i, "bad-encoding", "export the file as UTF-8 (in a spreadsheet: save as \"CSV UTF-8\")", "the text is not UTF-8")
			return d
		}
	}
	if len(rec.fields) != len(pl.header) {
		d.problem(pl, -1, "bad-row", "a field that holds the separator or a line break must be in double quotes",
			"the row has %d fields and the header %d", len(rec.fields), len(pl.header))
		return d
	}
	get := func(field string) (string, int) { return pl.fields[field].get(rec) }
	for _, f := range pl.skip {
		if v, col := get(f); v == "" {
			d.skip = fmt.Sprintf("the %s is empty", fieldNames[f])
			if col >= 0 {
				d.skip = fmt.Sprintf("the %s (column %q) is empty", fieldNames[f], pl.header[col])
			}
			return d
		}
	}
	empty := func(field string, col int, why string) {
		if col < 0 {
			d.problem(pl, -1, "missing-value", fmt.Sprintf("name the column of the %s in the mapping file", fieldNames[field]), "no column gives the deal's %s", fieldNames[field])
			return
		}
		d.problem(pl, col, "missing-value", "fill it in, or leave such rows out with skip_when_empty in a mapping file", "%s", why)
	}
	date := func(field string) fact {
		v, col := get(field)
		if v == "" {
			return fact{col: col}
		}
		day, err := pl.dates.parse(v)
		if err != nil {
			d.problem(pl, col, "bad-date", "set date_format in a mapping file to the export's form of dates", "%v", err)
			return fact{col: col}
		}
		return fact{date: day, col: col}
	}

	var col int
	d.title, col = get("title")
	d.title = text(d.title)
	d.cols["title"] = col
	if d.title == "" {
		empty("title", col, "the title is empty: a deal needs one")
	}
	d.company, d.cols["company"] = get("company")
	d.company = text(d.company)
	d.nextStep, d.cols["next_step"] = get("next_step")
	d.nextStep = text(d.nextStep)
	d.crmID, _ = get("crm_id")
	d.crmID = text(d.crmID)
	d.idBase = edit.Slug(d.title)
	if id, _ := get("id"); text(id) != "" {
		d.idBase = edit.Slug(id)
	}

	owner, col := get("owner")
	owner = text(owner)
	d.cols["owner"] = col
	if owner == "" {
		empty("owner", col, "the owner is empty: a deal needs one")
	} else if id, ok := pl.ownerOf(owner); ok {
		d.owner = id
	} else {
		d.missing = append(d.missing, Missing{What: "owner", Value: owner, ID: id})
		d.problem(pl, col, "unknown-owner", "add the owner to pipeline.yaml, or map the name to an owner id in a mapping file (the lines to add follow)",
			"owner %q is not in the owners of pipeline.yaml%s", owner, didYouMean(owner, ownerNames(pl.p)))
	}
	d.source = d.listed(pl, "source", "source", "sources", "unknown-source", pl.sources, pl.p.Sources, pl.p.HasSources)
	if v, col := get("value"); v != "" {
		d.cols["value"] = col
		if m, err := parseAmount(v); err != nil {
			d.problem(pl, col, "bad-amount", "write an amount like 36000, 36,000.00 or 36.000,00, with at most two decimals", "%v", err)
		} else {
			d.value = m.String()
		}
	}
	if v, col := get("currency"); text(v) != "" {
		d.cols["currency"] = col
		switch c := strings.ToUpper(text(v)); {
		case !model.IsCurrencyCode(c):
			d.problem(pl, col, "bad-currency", "a currency is a three-letter code, like EUR", "%q is not a currency code", text(v))
		case c != pl.p.Currency:
			d.currency = c
		}
	}
	created := date("created")
	if v, col := get("created"); v == "" {
		empty("created", col, "the created date is empty: it is the date of the deal's first move")
	}
	if f := date("expected_close"); !f.date.IsZero() {
		d.expectedClose = f.date
		d.cols["expected_close"] = f.col
	}

	// The stage now, and the stage reached before a status closed it.
	stageVal, stageCol := get("stage")
	final, ok := pl.stageOf(stageVal)
	switch {
	case stageVal == "":
		empty("stage", stageCol, "the stage is empty: a deal is in a stage")
	case !ok:
		d.missing = append(d.missing, Missing{What: "stage", Value: stageVal})
		d.problem(pl, stageCol, "unknown-stage", "map it to a stage id under stages: in a mapping file (the lines to add follow)",
			"stage %q is not a stage of pipeline.yaml", stageVal)
	}
	d.cols["stage"] = stageCol
	reached := ""
	status, statusCol := get("status")
	switch fold(status) {
	case "", "open":
	case "won", "lost":
		if ok && pl.p.Stage(final).Type == model.Open {
			reached = final
		}
		final = pl.won
		if fold(status) == "lost" {
			final = pl.lost
		}
		if final == "" {
			d.problem(pl, statusCol, "unknown-stage", "add a stage of type "+fold(status)+" to pipeline.yaml", "the deal is %s, and pipeline.yaml has no %s stage", fold(status), fold(status))
		}
		d.cols["stage"] = statusCol
	case "deleted":
		d.skip = fmt.Sprintf("the deal is deleted in %s", pl.info.title)
		return d
	default:
		d.problem(pl, statusCol, "bad-status", "a deal's status is open, won or lost", "status %q is not open, won or lost", status)
	}
	if s := pl.p.Stage(final); s != nil && s.Type == model.Lost {
		d.reason = d.listed(pl, "lost_reason", "lost reason", "lost_reasons", "unknown-reason", pl.reasons, pl.p.LostReasons, pl.p.HasLostReasons)
	}
	if len(d.problems) > 0 {
		return d
	}

	// When the deal entered each stage, as far as the export says.
	f := facts{created: created, final: final}
	changed := date("stage_changed")
	if pl.p.Stage(final).Type != model.Open {
		f.finalAt = date("closed")
	}
	if reached == "" {
		if f.finalAt.date.IsZero() {
			f.finalAt = changed
		}
	} else {
		at := changed
		if at.date.IsZero() {
			at = f.finalAt
			at.inferred = true
		}
		f.entered = append(f.entered, stageFact{stage: reached, fact: at})
	}
	for _, e := range pl.entered {
		v := rec.value(e.col)
		if strings.TrimSpace(v) == "" {
			continue
		}
		day, err := pl.dates.parse(strings.TrimSpace(v))
		if err != nil {
			d.problem(pl, e.col, "bad-date", "set date_format in a mapping file to the export's form of dates", "%v", err)
			continue
		}
		f.entered = append(f.entered, stageFact{stage: e.stage, fact: fact{date: day, col: e.col}})
	}
	if len(d.problems) > 0 {
		return d
	}
	steps, err := pl.history(f)
	switch {
	case errors.Is(err, errBeforeCreated):
		d.problem(pl, f.finalAt.col, "bad-date", "check the export: a deal closes on or after the day it was created",
			"%s is before the deal was created on %s", f.finalAt.date, created.date)
	case errors.Is(err, errNoCloseDate):
		_, col := get("closed")
		if col < 0 {
			col = d.col("stage")
		}
		d.problem(pl, col, "missing-value", "fill in the close date, or name the column that has it in a mapping file (columns: closed:)",
			"the deal is %s but no close date is given", pl.p.Stage(final).Type)
	case err != nil:
		d.problem(pl, d.col("stage"), "no-path", "allow the moves in transitions: of pipeline.yaml, or map the stage to another under stages: in a mapping file", "%v", err)
	}
	d.steps = steps
	// A closed deal's expected close is the day it closed, when the export
	// gives no other: stages may require it of every deal that passed them.
	if d.expectedClose.IsZero() && err == nil && pl.p.Stage(final).Type != model.Open {
		last := steps[len(steps)-1]
		d.expectedClose, d.cols["expected_close"] = last.date, last.col
	}
	return d
}

// listed reads a field whose value is an id of one of pipeline.yaml's
// lists (sources, lost reasons), and reports a value the list lacks.
func (d *draft) listed(pl *plan, field, what, list, code string, mapped map[string]string, items []model.Item, enforced bool) string {
	v, col := pl.fields[field].get(d.rec)
	d.cols[field] = col
	if v = text(v); v == "" {
		return ""
	}
	id, ok := pl.itemOf(v, mapped, items, enforced)
	if !ok {
		d.missing = append(d.missing, Missing{What: what, Value: v, ID: id})
		d.problem(pl, col, code, fmt.Sprintf("add the %s to pipeline.yaml, or map it to an id of %s in a mapping file (the lines to add follow)", what, list),
			"%s %q is not in the %s of pipeline.yaml", what, v, list)
		return ""
	}
	return id
}

// col returns the column a written field came from, or -1.
func (d *draft) col(field string) int {
	if c, ok := d.cols[field]; ok {
		return c
	}
	return -1
}

// file writes the deal file of a draft, and for each of its lines the
// export's column it came from (-1 for none), so that check's findings on
// the file can be reported at the row's field.
func (d *draft) file(pl *plan) ([]byte, []int) {
	var b bytes.Buffer
	var lines []int
	line := func(col int, format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
		lines = append(lines, col)
	}
	field := func(key, v string) {
		if v != "" {
			line(d.col(key), "%s: %s", key, edit.Scalar(v))
		}
	}
	field("title", d.title)
	field("company", d.company)
	field("owner", d.owner)
	field("source", d.source)
	if d.value != "" {
		line(d.col("value"), "value: %s", d.value)
	}
	field("currency", d.currency)
	if !d.expectedClose.IsZero() {
		line(d.col("expected_close"), "expected_close: %s", d.expectedClose)
	}
	field("next_step", d.nextStep)
	line(-1, "history:")
	var inferred []string
	for i, s := range d.steps {
		stageCol := -1
		if i == len(d.steps)-1 {
			stageCol = d.col("stage")
		}
		line(stageCol, "  - stage: %s", edit.Scalar(s.stage))
		line(s.col, "    date: %s", s.date)
		if i == len(d.steps)-1 && d.reason != "" {
			line(d.col("lost_reason"), "    reason: %s", edit.Scalar(d.reason))
		}
		if s.inferred {
			inferred = append(inferred, s.stage)
		}
	}
	line(-1, "notes: |")
	from := "a " + pl.info.title + " export"
	if d.crmID != "" {
		from += fmt.Sprintf(" (%s %s)", text(pl.fields["crm_id"].label), d.crmID)
	}
	line(-1, "  Imported from %s, line %d of %s.", from, d.rec.line, text(filepath.Base(pl.csvName)))
	if len(inferred) > 0 {
		moves := "those moves"
		if len(inferred) == 1 {
			moves = "that move"
		}
		line(-1, "  The export does not say when the deal moved to %s: the history gives %s the date of the nearest move it dates.",
			andList(inferred), moves)
	}
	return b.Bytes(), lines
}

// Missing is a value of the export that pipeline.yaml lacks: an owner, a
// source or a lost reason (with the id it would have there), or a stage.
type Missing struct {
	What  string // owner, source, lost reason or stage
	Value string // as the export writes it
	ID    string // the id it would have in pipeline.yaml
}

func ownerNames(p *model.Pipeline) []string {
	var names []string
	for _, o := range p.Owners {
		names = append(names, o.ID)
		if o.Name != "" {
			names = append(names, o.Name)
		}
	}
	return names
}

// andList writes "a", "a and b", "a, b and c".
func andList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
