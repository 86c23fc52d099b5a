package check

import (
	"fmt"
	"slices"

	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
)

// rates checks pipeline.yaml's exchange rates: one rate per currency and
// day, and none for the pipeline's own currency.
func (c *checker) rates(file string) {
	type key struct {
		currency string
		from     model.Date
	}
	seen := map[key]int{}
	for _, r := range c.p.Rates {
		if r.Currency == c.p.Currency {
			c.errorf(file, r.CurrencyPos, "bad-rate", fmt.Sprintf("amounts in %s need no rate: remove this one", r.Currency),
				"a rate for %s, the pipeline's own currency", r.Currency)
			continue
		}
		k := key{r.Currency, r.From}
		if line, dup := seen[k]; dup {
			c.errorf(file, r.FromPos, "duplicate-rate", fmt.Sprintf("keep one rate per currency and day; the other is on line %d", line),
				"a second %s rate from %s", r.Currency, r.From)
			continue
		}
		seen[k] = r.Pos.Line
	}
}

// currency checks that a deal in a foreign currency can be converted on
// every day it exists: a rate of its currency is in force on the day it
// was created. Rates last until the next one, so the metrics then find a
// rate on every day they convert it — its close date, the as-of date, the
// last review.
func (c *checker) currency(d *model.Deal) {
	if !c.p.Foreign(d) || len(d.History) == 0 || d.History[0].Date.IsZero() {
		return
	}
	created := d.History[0].Date
	if _, ok := c.p.RateOn(d.Currency, created); ok {
		for _, r := range c.p.Rates {
			if _, within := d.Value.ConvertWithin(r.Per); r.Currency == d.Currency && !within {
				c.errorf(d.File, d.Pos.Value, "bad-number", "check the amount and the currency: no deal is worth that much",
					"value %s %s is more than 1000000000000 %s at the rate of %s (pipeline.yaml line %d)", d.Value, d.Currency, c.p.Currency, r.Per, r.Pos.Line)
				return
			}
		}
		return
	}
	line := fmt.Sprintf("  - {currency: %s, rate: …, from: %s}", d.Currency, created)
	hint := fmt.Sprintf("add a rate under rates: in pipeline.yaml, with what one %s was worth in %s on that day:\n%s", d.Currency, c.p.Currency, line)
	var known []string
	var first model.Date
	for _, r := range c.p.Rates {
		if !slices.Contains(known, r.Currency) {
			known = append(known, r.Currency)
		}
		if r.Currency == d.Currency && (first.IsZero() || r.From < first) {
			first = r.From
		}
	}
	if first.IsZero() {
		c.errorf(d.File, d.Pos.Currency, "unknown-currency", hint,
			"pipeline.yaml has no rate for %s, so the deal's value cannot be converted into %s%s", d.Currency, c.p.Currency, didYouMean(d.Currency, known))
		return
	}
	c.errorf(d.File, d.Pos.Currency, "missing-rate", hint,
		"no %s rate is in force on %s, the day the deal was created: the first is from %s", d.Currency, created, first)
}

// fieldDefs checks the declared deal fields: well-formed unique ids, and
// unique values in each.
func (c *checker) fieldDefs(file string) {
	c.ids(file, "field", func(yield func(string, model.Pos) bool) {
		for _, f := range c.p.Fields {
			if !yield(f.ID, f.IDPos) {
				return
			}
		}
	})
	for _, f := range c.p.Fields {
		seen := map[string]int{}
		for _, v := range f.Values {
			if line, dup := seen[v.ID]; dup {
				c.errorf(file, v.Pos, "duplicate-id", fmt.Sprintf("values must be unique; %q is first listed on line %d", v.ID, line),
					"field %q lists %q twice", f.ID, v.ID)
			}
			seen[v.ID] = v.Pos.Line
		}
	}
}

// fields checks a deal's values of the declared fields: a declared field,
// one of its values when it is enumerated, a number when it is numeric.
func (c *checker) fields(d *model.Deal) {
	if len(d.Fields) == 0 {
		return
	}
	ids := make([]string, len(c.p.Fields))
	for i, f := range c.p.Fields {
		ids[i] = f.ID
	}
	for _, v := range d.Fields {
		def := c.p.Field(v.ID)
		switch {
		case def == nil:
			hint := "the fields of this pipeline are " + suggest.Quoted(ids, "and") + "; declare new ones under fields: in pipeline.yaml"
			if len(ids) == 0 {
				hint = "pipeline.yaml declares no fields: declare it there, like:\nfields:\n  - id: " + v.ID + "\n    values: [a, b]"
			}
			c.errorf(d.File, v.KeyPos, "unknown-field", hint, "unknown field %q: pipeline.yaml does not declare it%s", v.ID, didYouMean(v.ID, ids))
		case def.Number:
			if !v.Number || !isNumber(v.Text) {
				c.errorf(d.File, v.Pos, "wrong-type", fmt.Sprintf("write a number without quotes or units, like %s: 120", v.ID),
					"field %q must be a number, not %q", v.ID, v.Text)
			}
		case def.Enumerated():
			values := itemIDs(def.Values)
			if !slices.Contains(values, v.Text) {
				c.errorf(d.File, v.Pos, "bad-value", listHint(v.ID, "the values of field "+v.ID, values),
					"%q is not a value of field %q%s", v.Text, v.ID, didYouMean(v.Text, values))
			}
		}
	}
}

// isNumber reports whether a number as written is a plain decimal: it
// refuses the forms YAML also reads as numbers that people do not write as
// counts, such as hexadecimal, exponents and separators.
func isNumber(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
		case ch == '.' && !dot:
			dot = true
		case ch == '-' && i == 0:
		default:
			return false
		}
	}
	return s != "" && s != "-" && s != "."
}
