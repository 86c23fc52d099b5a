package edit

import (
	"bytes"
	"fmt"

	"github.com/pipegen/pipegen/internal/model"
)

// NewDeal is what `pipegen new` knows of a deal.
type NewDeal struct {
	Title, Company, Owner, Source string
	// Value is the amount as the user typed it, already checked to be an
	// amount; empty when not given.
	Value string
	// Currency is the code of Value's currency; empty for the pipeline's.
	Currency string
	// ExpectedClose is the expected close date; zero when not given.
	ExpectedClose model.Date
	// Stage and Date are the first history entry.
	Stage string
	Date  model.Date
}

// Text returns the deal file: its fields, the first move and a note, each
// value written so that it reads back exactly as given.
func (d NewDeal) Text() []byte {
	var b bytes.Buffer
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, Scalar(v))
		}
	}
	field("title", d.Title)
	field("company", d.Company)
	field("owner", d.Owner)
	field("source", d.Source)
	if d.Value != "" {
		fmt.Fprintf(&b, "value: %s\n", d.Value)
	}
	field("currency", d.Currency)
	if !d.ExpectedClose.IsZero() {
		fmt.Fprintf(&b, "expected_close: %s\n", d.ExpectedClose)
	}
	fmt.Fprintf(&b, "history:\n  - stage: %s\n    date: %s\n", Scalar(d.Stage), d.Date)
	b.WriteString("notes: |\n  Created with pipegen new.\n")
	return b.Bytes()
}
