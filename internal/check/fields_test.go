package check

import (
	"strings"
	"testing"
)

// fxPipeline is basePipeline (28 lines) with rates and fields: the first
// rate is on line 30.
const fxPipeline = basePipeline + `rates:
  - {currency: EUR, rate: 1.08, from: 2026-01-01}
  - {currency: GBP, rate: 1.25, from: 2026-06-01}
fields:
  - id: industry
    values: [retail, health, finance]
  - id: seats
    type: number
`

func TestCurrencyAndFieldRules(t *testing.T) {
	hist := "  - stage: lead\n    date: 2026-09-02\n"
	// deal() writes title, owner, value and expected_close on lines 1–4:
	// extra starts on line 5.
	tests := []struct {
		name  string
		extra string
		want  []want
		hint  string // a fragment of the first diagnostic's hint
	}{
		{"rate in force", "currency: EUR\n", nil, ""},
		{"pipeline currency needs no rate", "currency: USD\n", nil, ""},
		{"second currency", "currency: GBP\n", nil, ""},
		{"unknown currency", "currency: EUT\n",
			[]want{{line: 5, col: 11, code: "unknown-currency", msg: `pipeline.yaml has no rate for EUT, so the deal's value cannot be converted into USD — did you mean "EUR"?`}},
			"  - {currency: EUT, rate: …, from: 2026-09-02}"},
		{"not a currency code", "currency: euro\n",
			[]want{{line: 5, col: 11, code: "bad-value", msg: `currency "euro" is not a currency code`}}, "three-letter"},
		{"declared fields", "fields:\n  industry: health\n  seats: 120\n", nil, ""},
		{"undeclared field", "fields:\n  region: emea\n",
			[]want{{line: 6, col: 3, code: "unknown-field", msg: `unknown field "region": pipeline.yaml does not declare it`}},
			`the fields of this pipeline are "industry" and "seats"`},
		{"misspelled field", "fields:\n  industy: retail\n",
			[]want{{line: 6, col: 3, code: "unknown-field", msg: `unknown field "industy": pipeline.yaml does not declare it — did you mean "industry"?`}}, ""},
		{"value not in the list", "fields:\n  industry: helth\n",
			[]want{{line: 6, col: 13, code: "bad-value", msg: `"helth" is not a value of field "industry" — did you mean "health"?`}},
			`use one of "retail", "health" or "finance"`},
		{"number as text", "fields:\n  seats: many\n",
			[]want{{line: 6, col: 10, code: "wrong-type", msg: `field "seats" must be a number, not "many"`}}, "seats: 120"},
		{"number in quotes", "fields:\n  seats: \"120\"\n",
			[]want{{line: 6, col: 10, code: "wrong-type", msg: `field "seats" must be a number, not "120"`}}, "without quotes"},
		{"number in hexadecimal", "fields:\n  seats: 0x10\n",
			[]want{{line: 6, col: 10, code: "wrong-type", msg: `field "seats" must be a number, not "0x10"`}}, ""},
		{"field without a value", "fields:\n  industry:\n",
			[]want{{line: 6, col: 3, code: "missing-field", msg: `field "industry" has no value`}}, ""},
		{"fields not a mapping", "fields: [retail]\n",
			[]want{{line: 5, col: 9, code: "wrong-type", msg: "fields must be a mapping"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, fxPipeline, map[string]string{"d": deal(tt.extra, hist)}, Options{})
			match(t, got, tt.want)
			if tt.hint != "" && !strings.Contains(got[0].Hint, tt.hint) {
				t.Errorf("hint = %q, want it to contain %q", got[0].Hint, tt.hint)
			}
		})
	}
}

// The missing rate's hint is the line to add, dated the day the deal was
// created: from then on, every day the metrics convert it on has a rate.
func TestMissingRateHint(t *testing.T) {
	src := deal("currency: GBP\n", "  - stage: lead\n    date: 2026-05-20\n  - stage: lost\n    date: 2026-07-01\n    reason: budget\n")
	got := run(t, fxPipeline, map[string]string{"d": src}, Options{})
	match(t, got, []want{{line: 5, col: 11, code: "missing-rate", msg: "no GBP rate is in force on 2026-05-20, the day the deal was created"}})
	const line = "\n  - {currency: GBP, rate: …, from: 2026-05-20}"
	if !strings.HasSuffix(got[0].Hint, line) || !strings.Contains(got[0].Hint, "what one GBP was worth in USD") {
		t.Errorf("hint = %q, want it to end with %q", got[0].Hint, line)
	}
	// Created on the day the rate starts: in force.
	ok := deal("currency: GBP\n", "  - stage: lead\n    date: 2026-06-01\n")
	if got := run(t, fxPipeline, map[string]string{"d": ok}, Options{}); len(got) != 0 {
		t.Errorf("a deal created on the rate's first day: %s", format(got))
	}
}

func TestRateAndFieldDefinitions(t *testing.T) {
	tests := []struct {
		name, add string
		want      []want
	}{
		{"own currency", "rates:\n  - {currency: USD, rate: 1, from: 2026-01-01}\n",
			[]want{{line: 30, col: 16, code: "bad-rate", msg: "a rate for USD, the pipeline's own currency"}}},
		{"duplicate rate", "rates:\n  - {currency: EUR, rate: 1.08, from: 2026-01-01}\n  - {currency: EUR, rate: 1.1, from: 2026-01-01}\n",
			[]want{{line: 31, col: 38, code: "duplicate-rate", msg: "a second EUR rate from 2026-01-01"}}},
		{"bad code", "rates:\n  - {currency: eur, rate: 1.08, from: 2026-01-01}\n",
			[]want{{line: 30, col: 16, code: "bad-setting", msg: `currency "eur" is not a currency code`}}},
		{"zero rate", "rates:\n  - {currency: EUR, rate: 0, from: 2026-01-01}\n",
			[]want{{line: 30, col: 27, code: "bad-number", msg: "rate 0 is not greater than 0"}}},
		{"negative rate", "rates:\n  - {currency: EUR, rate: -1.08, from: 2026-01-01}\n",
			[]want{{line: 30, col: 27, code: "bad-number", msg: `rate: "-1.08" is not a plain decimal number`}}},
		{"rate in quotes", "rates:\n  - {currency: EUR, rate: \"1.08\", from: 2026-01-01}\n",
			[]want{{line: 30, col: 27, code: "wrong-type", msg: "rate must be a number, not quoted text"}}},
		{"bad date", "rates:\n  - {currency: EUR, rate: 1.08, from: 2026-02-30}\n",
			[]want{{line: 30, col: 39, code: "bad-date", msg: "from:"}}},
		{"rate without from", "rates:\n  - {currency: EUR, rate: 1.08}\n",
			[]want{{line: 30, col: 6, code: "missing-field", msg: "rate has no from"}}},
		{"misspelled rate key", "rates:\n  - {currency: EUR, rat: 1.08, from: 2026-01-01}\n",
			[]want{{line: 30, col: 6, code: "missing-field", msg: "rate has no rate"}, {line: 30, col: 21, code: "unknown-field", msg: `unknown field "rat" in a rate — did you mean "rate"?`}}},
		{"duplicate field", "fields:\n  - {id: industry, values: [a]}\n  - {id: industry, type: number}\n",
			[]want{{line: 31, col: 10, code: "duplicate-id", msg: `field "industry" is defined twice`}}},
		{"bad field id", "fields:\n  - {id: \"<b>x</b>\", values: [a]}\n",
			[]want{{line: 30, col: 10, code: "bad-id", msg: `field id "<b>x</b>" is not a valid id`}}},
		{"duplicate value", "fields:\n  - {id: industry, values: [retail, retail]}\n",
			[]want{{line: 30, col: 37, code: "duplicate-id", msg: `field "industry" lists "retail" twice`}}},
		{"values and type", "fields:\n  - {id: seats, type: number, values: [1]}\n",
			[]want{{line: 30, col: 10, code: "bad-field", msg: `field "seats" has both values and a type`}}},
		{"neither", "fields:\n  - {id: seats}\n",
			[]want{{line: 30, col: 10, code: "bad-field", msg: `field "seats" has neither values nor a type`}}},
		{"unknown type", "fields:\n  - {id: seats, type: integer}\n",
			[]want{{line: 30, col: 23, code: "bad-value", msg: `field type "integer" is not one of "number"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, basePipeline+tt.add, nil, Options{})
			for i := range tt.want {
				tt.want[i].file = "pipeline.yaml"
			}
			match(t, got, tt.want)
		})
	}
}

// A value that converts past the largest amount a file may hold is an
// error at the value, naming the rate.
func TestConvertedValueTooLarge(t *testing.T) {
	src := "title: Acme\nowner: olena\nvalue: 1000000000000\ncurrency: EUR\nhistory:\n  - stage: lead\n    date: 2026-09-02\n"
	got := run(t, fxPipeline, map[string]string{"d": src}, Options{})
	match(t, got, []want{{line: 3, col: 8, code: "bad-number", msg: "value 1000000000000 EUR is more than 1000000000000 USD at the rate of 1.08 (pipeline.yaml line 30)"}})
}
