package load

import (
	"fmt"
	"strings"
	"unique"

	"github.com/goccy/go-yaml/ast"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
)

// dealKind names deal files in messages.
var dealKind = docKind{fields: "a deal", missing: "deal", empty: "deal file",
	hint: "a deal needs at least a title, an owner and a history; see docs/reference.md"}

var (
	dealFields       = []string{"title", "company", "owner", "source", "value", "currency", "expected_close", "probability", "forecast", "next_step", "next_step_date", "fields", "contacts", "history", "emails", "onboarding", "churned", "notes"}
	contactFields    = []string{"name", "email", "role"}
	moveFields       = []string{"stage", "date", "reason"}
	emailFields      = []string{"sent", "opened"}
	onboardingFields = []string{"status", "date"}
	onboardingStates = []string{model.OnboardingInProgress, model.OnboardingSucceeded, model.OnboardingFailed}
)

// ParseDeal parses one deal file. file is its path in the repository (for
// diagnostics) and id the deal's id. The deal is returned even when the file
// has problems, with what could be read; fields that could not be read are
// left empty, so later rules skip them rather than report them twice.
func ParseDeal(file, id string, src []byte) (*model.Deal, []diag.Diagnostic) {
	return parseDeal(&decoder{file: file}, id, src)
}

func parseDeal(d *decoder, id string, src []byte) (*model.Deal, []diag.Diagnostic) {
	deal := &model.Deal{ID: id, File: d.file}
	doc, ok := d.document(src, dealKind, dealFields, func(key string, kp model.Pos, v ast.Node) { d.dealField(deal, key, kp, v) })
	if !ok {
		return deal, d.done()
	}
	for key, b := range doc.broken {
		if b {
			if deal.Broken == nil {
				deal.Broken = make(map[string]bool)
			}
			deal.Broken[key] = true
		}
	}
	d.need(doc, "title", deal.Title == "", "add a line like: title: Northwind — analytics suite")
	d.need(doc, "owner", deal.Owner == "", "add a line like: owner: olena (an owner id from pipeline.yaml)")
	d.need(doc, "history", len(deal.History) == 0, "add the deal's first stage, like:\nhistory:\n  - stage: lead\n    date: 2026-09-02")
	return deal, d.done()
}

func (d *decoder) dealField(deal *model.Deal, key string, kp model.Pos, v ast.Node) {
	p := &deal.Pos
	switch key {
	case "title":
		deal.Title, _ = d.text(v, key)
		deal.Title = strings.TrimSpace(deal.Title)
		p.Title = kp
	case "company":
		deal.Company, _ = d.text(v, key)
		p.Company = kp
	case "owner":
		deal.Owner, _ = d.text(v, key)
		deal.Owner = intern(deal.Owner)
		p.Owner = valuePos(v, kp)
	case "source":
		deal.Source, _ = d.text(v, key)
		deal.Source = intern(deal.Source)
		p.Source = valuePos(v, kp)
	case "value":
		deal.Value, deal.HasValue = d.money(v, key)
		p.Value = valuePos(v, kp)
	case "currency":
		deal.Currency, p.Currency = d.currency(v, kp, "bad-value")
		deal.Currency = intern(deal.Currency)
	case "fields":
		p.Fields = kp
		deal.Fields = d.fieldValues(v)
	case "expected_close":
		deal.ExpectedClose, _ = d.date(v, key)
		p.ExpectedClose = valuePos(v, kp)
	case "probability":
		deal.Probability, deal.HasProb = d.fraction(v, key)
		p.Probability = valuePos(v, kp)
	case "contacts":
		p.Contacts = kp
		deal.Contacts = entries(d, v, key, "\n  - name: Maria Anders\n    email: maria@northwind.example", d.contact)
	case "history":
		p.History = kp
		items, _ := d.list(v, key, "\n  - stage: lead\n    date: 2026-09-02")
		for _, it := range items {
			deal.History = append(deal.History, d.move(it))
		}
	case "emails":
		p.Emails = kp
		e := &deal.Emails
		e.Set = d.fields(v, "emails", emailFields, func(key string, kp model.Pos, v ast.Node) {
			switch key {
			case "sent":
				e.Sent, _ = d.count(v, "emails.sent")
				e.SentPos = valuePos(v, kp)
			case "opened":
				e.Opened, _ = d.count(v, "emails.opened")
				e.OpenedPos = valuePos(v, kp)
			}
		})
	case "onboarding":
		p.Onboarding = kp
		o := &model.Onboarding{Pos: kp}
		if d.fields(v, "onboarding", onboardingFields, func(key string, kp model.Pos, v ast.Node) {
			switch key {
			case "status":
				o.Status, _ = d.oneOf(v, "onboarding.status", onboardingStates)
				o.StatusPos = valuePos(v, kp)
			case "date":
				o.Date, _ = d.date(v, "onboarding.date")
				o.DatePos = valuePos(v, kp)
				o.DateInvalid = d.fieldBroken()
			}
		}) {
			if o.StatusPos.Line == 0 {
				d.missing(kp, "onboarding", "status", "add status: in_progress, succeeded or failed")
			}
			deal.Onboarding = o
		}
	case "churned":
		deal.Churned, _ = d.date(v, key)
		p.Churned = valuePos(v, kp)
	case "forecast":
		deal.Forecast, _ = d.oneOf(v, key, model.ForecastCategories)
		p.Forecast = valuePos(v, kp)
	case "next_step":
		deal.NextStep, _ = d.text(v, key)
		deal.NextStep = strings.TrimSpace(deal.NextStep)
		p.NextStep = kp
	case "next_step_date":
		deal.NextStepDate, _ = d.date(v, key)
		p.NextStepDate = valuePos(v, kp)
	case "notes":
		deal.Notes, _ = d.text(v, key)
		p.Notes = kp
	}
}

// valuePos is where a field's value was written, or its key when it has none.
func valuePos(v ast.Node, kp model.Pos) model.Pos {
	if v == nil {
		return kp
	}
	return posOf(v)
}

func (d *decoder) contact(n ast.Node) (model.Contact, bool) {
	c := model.Contact{Pos: posOf(n)}
	if _, isMap := n.(*ast.MappingNode); !isMap {
		if s, ok := n.(*ast.StringNode); ok {
			d.errorf(posOf(n), "wrong-type", "write the contact as fields:\n  - name: "+s.Value+"\n    email: …", "a contact must be a mapping with name, email and role, not text")
			return c, false
		}
	}
	if !d.fields(n, "a contact", contactFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "name":
			c.Name, _ = d.text(v, "contact name")
		case "email":
			c.Email, _ = d.text(v, "contact email")
			if c.Email != "" && !looksLikeEmail(c.Email) {
				d.errorf(posOf(v), "bad-email", "write an address like maria@northwind.example", "%q is not an email address", c.Email)
			}
		case "role":
			c.Role, _ = d.text(v, "contact role")
		}
	}) {
		return c, false
	}
	if c.Name == "" {
		d.missing(c.Pos, "contact", "name", "add name: to the contact")
	}
	return c, true
}

func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t<>,;") && !strings.Contains(domain, "@")
}

// move reads one history entry. A malformed entry is kept, empty, so that the
// positions of the entries after it stay right.
func (d *decoder) move(n ast.Node) model.Move {
	m := model.Move{Pos: posOf(n)}
	if s, ok := n.(*ast.StringNode); ok {
		d.errorf(m.Pos, "wrong-type", fmt.Sprintf("write the move with its date: - {stage: %s, date: 2026-09-02}", s.Value), "history entry must be a mapping with stage and date, not text")
		return m
	}
	var stagePos, datePos model.Pos
	var stageBroken, dateBroken bool
	if !d.fields(n, "a history entry", moveFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "stage":
			m.Stage, _ = d.text(v, "stage")
			m.Stage = intern(m.Stage)
			m.StagePos, stagePos = valuePos(v, kp), kp
			stageBroken = d.fieldBroken()
		case "date":
			m.Date, _ = d.date(v, "date")
			m.DatePos, datePos = valuePos(v, kp), kp
			dateBroken = d.fieldBroken()
		case "reason":
			m.Reason, _ = d.text(v, "reason")
			m.Reason = intern(m.Reason)
			m.ReasonPos = valuePos(v, kp)
		}
	}) {
		return m
	}
	if stagePos.Line == 0 {
		d.missing(m.Pos, "history entry", "stage", "add stage: with a stage id from pipeline.yaml")
	} else if m.Stage == "" && !stageBroken {
		d.missing(stagePos, "history entry", "stage", "add stage: with a stage id from pipeline.yaml")
	}
	if datePos.Line == 0 {
		d.missing(m.Pos, "history entry", "date", "add the date of the move: date: 2026-09-02")
	} else if m.Date == 0 && !dateBroken {
		d.missing(datePos, "history entry", "date", "add the date of the move: date: 2026-09-02")
	}
	return m
}

// intern returns the one shared copy of a short string that many deals
// repeat (stage ids, owners, sources, reasons): less memory, and the
// lookups metrics make for every history entry stay in the cache.
func intern(s string) string {
	if s == "" || len(s) > 64 {
		return s
	}
	return unique.Make(s).Value()
}

// fieldValues reads a deal's values of the pipeline's declared fields, a
// mapping from field id to a value written as text or as a number. Which
// ids and values are allowed is pipeline.yaml's to say: check judges them.
func (d *decoder) fieldValues(n ast.Node) []model.FieldValue {
	m, ok := n.(*ast.MappingNode)
	if !ok {
		if n != nil {
			d.errorf(posOf(n), "wrong-type", "write one field per line, like:\nfields:\n  industry: retail", "fields must be a mapping from a field to its value, not %s", kind(n))
		}
		return nil
	}
	var out []model.FieldValue
	for _, mv := range m.Values {
		key := d.resolve(mv.Key)
		id, ok := key.(ast.ScalarNode)
		if !ok || key.GetToken() == nil {
			d.errorf(posOf(mv.Key), "wrong-type", "field names are plain words, like industry", "a field name must be plain text, not %s", kind(key))
			continue
		}
		f := model.FieldValue{ID: id.GetToken().Value, KeyPos: posOf(mv.Key)}
		v := d.resolve(mv.Value)
		f.Pos = valuePos(v, f.KeyPos)
		switch v.(type) {
		case nil, *ast.NullNode:
			d.errorf(f.KeyPos, "missing-field", "write the value after the colon, or remove the line", "field %q has no value", f.ID)
			continue
		case *ast.IntegerNode, *ast.FloatNode:
			f.Number = true
		case *ast.InfinityNode, *ast.NanNode:
			d.errorf(f.Pos, "bad-number", "write a finite number, like 120", "field %q must be a finite number, not %s", f.ID, v.GetToken().Value)
			continue
		}
		if f.Text, ok = d.text(v, "field "+f.ID); ok {
			out = append(out, f)
		}
	}
	return out
}
