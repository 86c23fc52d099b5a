package site

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// dealsCSV writes every deal as a row, for spreadsheets. value is in the
// pipeline currency; a deal in another currency also has its currency,
// its amount as written and the rate and day it was converted at. Then
// comes a column for each custom field of pipeline.yaml. Cells that a
// spreadsheet would read as a formula are neutralised.
func dealsCSV(p *model.Pipeline, deals []metrics.DealRow) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{"id", "title", "company", "owner", "source", "stage", "status", "value", "probability", "weighted_value",
		"created", "closed", "expected_close", "days_in_stage", "stuck", "overdue", "lost_reason",
		"forecast", "next_step", "next_step_date", "next_step_overdue",
		"currency", "amount", "rate", "rate_day"}
	for _, f := range p.Fields {
		header = append(header, "field:"+f.ID)
	}
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, d := range deals {
		value := ""
		if d.HasValue {
			value = d.Value.String()
		}
		prob, weighted := "", ""
		if d.Status == "open" {
			prob = strconv.FormatFloat(d.Probability, 'f', -1, 64)
			weighted = d.Weighted.String()
		}
		rec := []string{d.ID, d.Title, d.Company, d.Owner, d.Source, d.Stage, string(d.Status), value, prob, weighted,
			d.Created.String(), d.Closed.String(), d.ExpectedClose.String(), strconv.Itoa(d.DaysInStage),
			strconv.FormatBool(d.Stuck), strconv.FormatBool(d.Overdue), d.LostReason,
			d.Forecast, d.Deal.NextStep, d.Deal.NextStepDate.String(), strconv.FormatBool(d.NextStepLate)}
		currency, amount, rate, day := "", "", "", ""
		if p.Foreign(d.Deal) {
			currency, rate, day = d.Deal.Currency, d.Rate.String(), d.RateDay.String()
			if d.HasValue {
				amount = d.Deal.Value.String()
			}
		}
		rec = append(rec, currency, amount, rate, day)
		for _, f := range p.Fields {
			v, _ := d.Deal.Field(f.ID)
			rec = append(rec, v)
		}
		for i := range rec {
			rec[i] = safeCell(rec[i])
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// safeCell prefixes a text cell that starts like a formula (=, +, -, @, or a
// tab or carriage return) with an apostrophe, so a spreadsheet shows it as
// text instead of running it. Numbers are left alone.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s
		}
		return "'" + s
	}
	return s
}
