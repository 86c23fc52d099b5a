package load

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // IANA time zone names work on any machine, with or without a zone database

	"github.com/goccy/go-yaml/ast"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
)

// pipelineKind names pipeline.yaml in messages.
var pipelineKind = docKind{fields: "pipeline.yaml", missing: "pipeline.yaml", empty: "pipeline.yaml",
	hint: "a pipeline needs at least a name, a currency and its stages; see docs/reference.md"}

var (
	pipelineFields = []string{"name", "currency", "review", "as_of", "timezone", "rate_days", "repository", "qualified_stage", "funnel_days",
		"owners", "sources", "lost_reasons", "stages", "transitions", "targets", "spend", "rates", "fields"}
	ownerFields  = []string{"id", "name", "team"}
	stageFields  = []string{"id", "name", "type", "probability", "rot_after", "forecast", "entry", "requires", "guide"}
	targetFields = []string{"period", "owner", "team", "revenue"}
	spendFields  = []string{"month", "source", "amount"}
	rateFields   = []string{"currency", "rate", "from"}
	fieldFields  = []string{"id", "title", "values", "type"}
	fieldTypes   = []string{"number"}
	reviews      = []string{"weekly", "biweekly", "monthly"}
	stageTypes   = []string{string(model.Open), string(model.Won), string(model.Lost)}
)

// ParsePipeline parses pipeline.yaml. Like ParseDeal it returns what it could
// read along with every problem it found.
func ParsePipeline(file string, src []byte) (*model.Pipeline, []diag.Diagnostic) {
	return parsePipeline(&decoder{file: file}, src)
}

func parsePipeline(d *decoder, src []byte) (*model.Pipeline, []diag.Diagnostic) {
	p := &model.Pipeline{File: d.file}
	doc, ok := d.document(src, pipelineKind, pipelineFields, func(key string, kp model.Pos, v ast.Node) { d.pipelineField(p, key, kp, v) })
	if !ok {
		return p, d.done()
	}
	d.need(doc, "name", p.Name == "", "add a line like: name: Northwind Sales (shown in the site header)")
	d.need(doc, "currency", p.Currency == "", "add a line like: currency: USD")
	d.need(doc, "stages", len(p.Stages) == 0, "list the pipeline's stages in order under stages:, see docs/reference.md")
	if p.Review == "" && !doc.broken["review"] {
		p.Review = "weekly"
	}
	p.Index()
	return p, d.done()
}

func (d *decoder) pipelineField(p *model.Pipeline, key string, kp model.Pos, v ast.Node) {
	pos := &p.Pos
	switch key {
	case "name":
		p.Name, _ = d.text(v, key)
		p.Name = strings.TrimSpace(p.Name)
		pos.Name = kp
	case "currency":
		p.Currency, pos.Currency = d.currency(v, kp, "bad-setting")
	case "review":
		p.Review, _ = d.oneOf(v, key, reviews)
		pos.Review = valuePos(v, kp)
	case "as_of":
		p.AsOf, _ = d.date(v, key)
		pos.AsOf = valuePos(v, kp)
	case "repository":
		p.Repository, _ = d.text(v, key)
		pos.Repository = valuePos(v, kp)
		if p.Repository != "" && !strings.HasPrefix(p.Repository, "https://") && !strings.HasPrefix(p.Repository, "http://") {
			d.errorf(pos.Repository, "bad-setting", "write the repository's web address, like https://github.com/acme/sales-pipeline", "repository %q is not a web address", p.Repository)
			p.Repository = ""
		}
	case "qualified_stage":
		p.QualifiedStage, _ = d.text(v, key)
		pos.QualifiedStage = valuePos(v, kp)
	case "funnel_days":
		pos.FunnelDays = valuePos(v, kp)
		p.FunnelDays = d.days(v, key, "365")
	case "rate_days":
		pos.RateDays = valuePos(v, kp)
		p.RateDays = d.days(v, key, "90")
	case "timezone":
		p.Timezone, _ = d.text(v, key)
		pos.Timezone = valuePos(v, kp)
		if p.Timezone != "" {
			loc, err := time.LoadLocation(p.Timezone)
			if err == nil && p.Timezone != "Local" {
				p.Location = loc
			} else {
				d.errorf(pos.Timezone, "bad-setting", "write an IANA time zone name, like Europe/Kyiv, America/New_York or UTC",
					"timezone %q is not an IANA time zone name", p.Timezone)
				p.Timezone = ""
			}
		}
	case "owners":
		pos.Owners = kp
		p.HasOwners = true
		items, _ := d.list(v, key, "\n  - id: olena\n    name: Olena Kovalenko")
		for _, it := range items {
			o := model.Owner{Pos: posOf(it)}
			if d.fields(it, "an owner", ownerFields, func(key string, kp model.Pos, v ast.Node) {
				switch key {
				case "id":
					o.ID, _ = d.text(v, "owner id")
					o.IDPos = valuePos(v, kp)
				case "name":
					o.Name, _ = d.text(v, "owner name")
				case "team":
					o.Team, _ = d.text(v, "owner team")
				}
			}) {
				if o.IDPos.Line == 0 {
					d.missing(o.Pos, "owner", "id", "add id: with the short name deals use in owner:")
					continue
				}
				p.Owners = append(p.Owners, o)
			}
		}
	case "sources":
		pos.Sources = kp
		p.HasSources = true
		p.Sources = d.items(v, key, "[webinar, referral, outbound]")
	case "lost_reasons":
		pos.LostReasons = kp
		p.HasLostReasons = true
		p.LostReasons = d.items(v, key, "[budget, competitor, timing]")
	case "stages":
		pos.Stages = kp
		p.Stages = entries(d, v, key, "\n  - id: lead\n  - id: won\n    type: won", d.stage)
	case "transitions":
		pos.Transitions = kp
		if m, ok := v.(*ast.MappingNode); ok {
			for _, mv := range m.Values {
				from, ok := d.text(mv.Key, "stage id")
				if !ok {
					continue
				}
				t := model.Transition{From: from, FromPos: posOf(mv.Key)}
				t.To = d.items(d.resolve(mv.Value), "transitions."+from, "[proposal, won, lost]")
				p.Transitions = append(p.Transitions, t)
			}
		} else if v != nil {
			d.errorf(posOf(v), "wrong-type", "write one line per stage, like:\n  negotiation: [proposal, won, lost]", "transitions must be a mapping from a stage to the stages it may move to, not %s", kind(v))
		}
	case "targets":
		pos.Targets = kp
		p.Targets = entries(d, v, key, "\n  - period: 2026-Q4\n    revenue: 400000", d.target)
	case "spend":
		pos.Spend = kp
		p.Spend = entries(d, v, key, "\n  - month: 2026-10\n    amount: 8000", d.spend)
	case "rates":
		pos.Rates = kp
		p.Rates = entries(d, v, key, "\n  - {currency: EUR, rate: 1.08, from: 2026-01-01}", d.rate)
	case "fields":
		pos.Fields = kp
		p.Fields = entries(d, v, key, "\n  - id: industry\n    values: [retail, health]", d.fieldDef)
	}
}

// entry walks the fields of a list entry as fields does, and reports
// false when it is not a mapping or one of its fields could not be read.
func (d *decoder) entry(n ast.Node, what string, names []string, f func(key string, kp model.Pos, v ast.Node)) bool {
	broken := false
	if !d.fields(n, what, names, func(key string, kp model.Pos, v ast.Node) {
		f(key, kp, v)
		broken = broken || d.fieldBroken()
	}) {
		return false
	}
	return !broken
}

// need is a required field of a list entry: whether the entry has it,
// its name, and how to add it.
type need struct {
	has         bool
	field, hint string
}

// required reports each required field an entry lacks, and whether it has
// them all.
func (d *decoder) required(at model.Pos, what string, fields ...need) bool {
	all := true
	for _, f := range fields {
		if !f.has {
			d.missing(at, what, f.field, f.hint)
			all = false
		}
	}
	return all
}

// currency reads a currency code and where it was written; "" when it is
// absent or not a code (reported with the code given).
func (d *decoder) currency(v ast.Node, kp model.Pos, code string) (string, model.Pos) {
	c, _ := d.text(v, "currency")
	at := valuePos(v, kp)
	if c != "" && !model.IsCurrencyCode(c) {
		d.errorf(at, code, "write a three-letter currency code in capitals, like USD or EUR", "currency %q is not a currency code", c)
		return "", at
	}
	return c, at
}

func (d *decoder) stage(n ast.Node) (model.Stage, bool) {
	s := model.Stage{Pos: posOf(n), Type: model.Open}
	hasProb, probBroken := false, false
	if !d.fields(n, "a stage", stageFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "id":
			s.ID, _ = d.text(v, "stage id")
			s.IDPos = valuePos(v, kp)
		case "name":
			s.Name, _ = d.text(v, "stage name")
		case "type":
			t, _ := d.oneOf(v, "stage type", stageTypes)
			s.TypePos = valuePos(v, kp)
			if t != "" {
				s.Type = model.StageType(t)
			}
		case "probability":
			s.Probability, hasProb = d.fraction(v, "probability")
			s.ProbabilityPos = valuePos(v, kp)
			probBroken = d.fieldBroken()
		case "rot_after":
			s.RotAfter, s.HasRotAfter = d.count(v, "rot_after")
			if s.HasRotAfter && s.RotAfter > model.MaxDays {
				d.errorf(valuePos(v, kp), "bad-setting", fmt.Sprintf("write a number of days up to %d, like rot_after: 14", model.MaxDays),
					"rot_after must be at most %d days", model.MaxDays)
				s.RotAfter, s.HasRotAfter = 0, false
			}
			s.RotAfterPos = valuePos(v, kp)
		case "entry":
			s.Entry, _ = d.boolean(v, "entry")
		case "requires":
			s.Requires = d.items(v, "requires", "[value, expected_close]")
		case "guide":
			s.Guide, _ = d.text(v, "guide")
		case "forecast":
			s.Forecast, _ = d.oneOf(v, "forecast", model.ForecastCategories)
		}
	}) {
		return s, false
	}
	if s.IDPos.Line == 0 || s.ID == "" {
		d.missing(s.Pos, "stage", "id", "add id: with the short name deals use in their history")
		return s, false
	}
	if !hasProb {
		switch s.Type {
		case model.Won:
			s.Probability = 1
		case model.Lost:
			s.Probability = 0
		default:
			if !probBroken {
				d.report(diag.Warning, s.IDPos, "no-probability", "add probability: between 0 and 1, e.g. 0.2", "open stage %q has no probability; the weighted forecast counts its deals as 0", s.ID)
			}
		}
	}
	return s, true
}

func (d *decoder) period(n ast.Node, field string) (model.Period, bool) {
	s, ok := d.text(n, field)
	if !ok {
		return model.Period{}, false
	}
	p, err := model.ParsePeriod(s)
	if err != nil {
		d.errorf(posOf(n), "bad-period", "write a year (2026), a quarter (2026-Q4) or a month (2026-10)", "%s: %v", field, err)
		return p, false
	}
	return p, true
}

// days reads a span of days from 1 to model.MaxDays; 0 when it is absent
// or wrong (and reported).
func (d *decoder) days(v ast.Node, key, example string) int {
	n, ok := d.count(v, key)
	if !ok {
		return 0
	}
	if n < 1 || n > model.MaxDays {
		d.errorf(posOf(v), "bad-setting", fmt.Sprintf("write a number of days from 1 to %d, like %s: %s", model.MaxDays, key, example),
			"%s must be between 1 and %d days", key, model.MaxDays)
		return 0
	}
	return n
}

func (d *decoder) target(n ast.Node) (model.Target, bool) {
	t := model.Target{Pos: posOf(n)}
	var hasPeriod, hasRevenue bool
	if !d.entry(n, "a target", targetFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "period":
			t.Period, hasPeriod = d.period(v, "period")
		case "owner":
			t.Owner, _ = d.text(v, "owner")
			t.OwnerPos = valuePos(v, kp)
		case "team":
			t.Team, _ = d.text(v, "team")
			t.TeamPos = valuePos(v, kp)
		case "revenue":
			t.Revenue, hasRevenue = d.money(v, "revenue")
			t.RevPos = valuePos(v, kp)
		}
	}) {
		return t, false
	}
	return t, d.required(t.Pos, "target",
		need{hasPeriod, "period", "add period: 2026-Q4 (a year, quarter or month)"},
		need{hasRevenue, "revenue", "add revenue: with the goal in the pipeline currency"})
}

func (d *decoder) spend(n ast.Node) (model.Spend, bool) {
	s := model.Spend{Pos: posOf(n)}
	var hasMonth, hasAmount bool
	if !d.entry(n, "a spend entry", spendFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "month":
			s.Month, hasMonth = d.period(v, "month")
			if hasMonth && !s.Month.IsMonth() {
				d.errorf(posOf(v), "bad-period", "spend is given per month: write month: 2026-10", "month %q is not a month", s.Month.Text)
				hasMonth = false
			}
		case "source":
			s.Source, _ = d.text(v, "source")
			s.SourcePos = valuePos(v, kp)
		case "amount":
			s.Amount, hasAmount = d.money(v, "amount")
			s.AmountPos = valuePos(v, kp)
		}
	}) {
		return s, false
	}
	return s, d.required(s.Pos, "spend entry",
		need{hasMonth, "month", "add month: 2026-10"},
		need{hasAmount, "amount", "add amount: with the spend in the pipeline currency"})
}

// rate reads an exchange rate: {currency: EUR, rate: 1.08, from: 2026-01-01}.
func (d *decoder) rate(n ast.Node) (model.Rate, bool) {
	r := model.Rate{Pos: posOf(n)}
	var hasCurrency, hasRate, hasFrom bool
	if !d.entry(n, "a rate", rateFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "currency":
			r.Currency, r.CurrencyPos = d.currency(v, kp, "bad-setting")
			hasCurrency = r.Currency != "" || d.fieldBroken()
		case "rate":
			r.PerPos = valuePos(v, kp)
			r.Per, hasRate = d.exchangeRate(v)
		case "from":
			r.From, hasFrom = d.date(v, "from")
			r.FromPos = valuePos(v, kp)
		}
	}) {
		return r, false
	}
	return r, d.required(r.Pos, "rate",
		need{hasCurrency, "currency", "add currency: with the code of the deals' currency, like EUR"},
		need{hasRate, "rate", "add rate: with what one unit of the currency is worth in the pipeline currency, like 1.08"},
		need{hasFrom, "from", "add from: with the first day the rate applies, like 2026-01-01"})
}

// exchangeRate reads a rate greater than 0 and at most model.MaxRate.
func (d *decoder) exchangeRate(n ast.Node) (model.ExchangeRate, bool) {
	s, ok := d.number(n, "rate", "1.08")
	if !ok {
		return 0, false
	}
	hint := fmt.Sprintf("write what one unit of the currency is worth in the pipeline currency: a number greater than 0 with at most %d decimals, like rate: 1.08", model.RateDecimals)
	r, err := model.ParseExchangeRate(s)
	if err != nil {
		d.errorf(posOf(n), "bad-number", hint, "rate: %v", err)
		return 0, false
	}
	if r <= 0 || r > model.MaxRate*100_000_000 {
		d.errorf(posOf(n), "bad-number", hint, "rate %s is not greater than 0 and at most %d", s, model.MaxRate)
		return 0, false
	}
	return r, true
}

// fieldDef reads a declared deal field: {id: industry, values: [retail,
// health]} or {id: seats, type: number}.
func (d *decoder) fieldDef(n ast.Node) (model.FieldDef, bool) {
	f := model.FieldDef{Pos: posOf(n)}
	var hasValues, hasType bool
	if !d.entry(n, "a field", fieldFields, func(key string, kp model.Pos, v ast.Node) {
		switch key {
		case "id":
			f.ID, _ = d.text(v, "field id")
			f.IDPos = valuePos(v, kp)
		case "title":
			f.Title, _ = d.text(v, "field title")
			f.Title = strings.TrimSpace(f.Title)
		case "values":
			f.Values = d.items(v, "values", "[retail, health, finance]")
			hasValues = true
		case "type":
			t, ok := d.oneOf(v, "field type", fieldTypes)
			f.Number, hasType = ok && t == "number", ok
		}
	}) {
		return f, false
	}
	switch {
	case f.IDPos.Line == 0 || f.ID == "":
		d.missing(f.Pos, "field", "id", "add id: with the name deals use under fields:, like id: industry")
		return f, false
	case hasValues && hasType:
		d.errorf(f.IDPos, "bad-field", "a field is either enumerated (values:) or a number (type: number): remove one", "field %q has both values and a type", f.ID)
		return f, false
	case !hasValues && !hasType:
		d.errorf(f.IDPos, "bad-field", "list what deals may write, like values: [retail, health], or write type: number", "field %q has neither values nor a type", f.ID)
		return f, false
	case hasValues && len(f.Values) == 0:
		d.errorf(f.IDPos, "bad-field", "list what deals may write, like values: [retail, health]", "field %q has an empty list of values", f.ID)
		return f, false
	}
	return f, true
}
