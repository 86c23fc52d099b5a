// Package diff tells what a change to the repository — a pull request —
// does to the pipeline: deals added, moved, won and lost, values changed,
// and the numbers before and after.
package diff

import (
	"cmp"
	"slices"

	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// Change is the difference between the base and the head of a change, both
// computed as of the same day.
type Change struct {
	AsOf         model.Date     `json:"as_of"`
	Currency     string         `json:"currency"`
	Before       Totals         `json:"before"`
	After        Totals         `json:"after"`
	Added        []Deal         `json:"added"`
	Moved        []Move         `json:"moved"`
	Won          []Move         `json:"won"`
	Lost         []Move         `json:"lost"`
	ValueChanges []ValueChange  `json:"value_changes"`
	Metrics      []MetricChange `json:"metrics"`
	// Skipped lists the files of the base that have errors and were left
	// out of the comparison.
	Skipped []string `json:"skipped"`
}

// Totals are the open pipeline at one side.
type Totals struct {
	OpenDeals     int         `json:"open_deals"`
	OpenValue     model.Money `json:"open_value"`
	WeightedValue model.Money `json:"weighted_value"`
}

// Deal is a deal as it is at the head.
type Deal struct {
	ID    string      `json:"id"`
	File  string      `json:"file"`
	Title string      `json:"title"`
	Owner string      `json:"owner"`
	Stage string      `json:"stage"`
	Value model.Money `json:"value"`

	// OwnerName and StageName are what people call the owner and the
	// stage: their names in pipeline.yaml, else their ids.
	OwnerName string `json:"-"`
	StageName string `json:"-"`
}

// Move is a deal whose stage changed.
type Move struct {
	ID     string      `json:"id"`
	File   string      `json:"file"`
	Title  string      `json:"title"`
	From   string      `json:"from"`
	To     string      `json:"to"`
	Value  model.Money `json:"value"`
	Reason string      `json:"reason,omitempty"`

	// FromName and ToName are the stages' names (the one moved from as
	// the base named it).
	FromName string `json:"-"`
	ToName   string `json:"-"`
}

// ValueChange is a deal whose value changed.
type ValueChange struct {
	ID     string       `json:"id"`
	File   string       `json:"file"`
	Title  string       `json:"title"`
	Before *model.Money `json:"before"` // null when the deal had no value
	After  *model.Money `json:"after"`  // null when it has none now
}

// MetricChange is a KPI of the current window whose value moved.
type MetricChange struct {
	Key    string        `json:"key"`
	Label  string        `json:"-"`
	Before metrics.Ratio `json:"before"`
	After  metrics.Ratio `json:"after"`

	// fields are the KPI before and after, for writing them as the
	// terminal and the site do.
	fields [2]metrics.Field
}

// Compare returns what head changes against base, as of asOf.
func Compare(base, head *model.Repo, asOf model.Date) *Change {
	opt := metrics.Options{AsOf: asOf}
	rb, rh := metrics.Compute(base, opt), metrics.Compute(head, opt)
	db, dh := metrics.ComputeDetails(base, opt), metrics.ComputeDetails(head, opt)
	c := &Change{
		AsOf: asOf, Currency: rh.Currency,
		Before: totals(rb.Current), After: totals(rh.Current),
		Added: []Deal{}, Moved: []Move{}, Won: []Move{}, Lost: []Move{}, ValueChanges: []ValueChange{}, Metrics: []MetricChange{},
		Skipped: []string{},
	}
	owners := make(map[string]string, len(head.Pipeline.Owners))
	for _, o := range head.Pipeline.Owners {
		owners[o.ID] = o.Name
	}
	was := make(map[string]*metrics.DealRow, len(db.Deals))
	for i := range db.Deals {
		was[db.Deals[i].ID] = &db.Deals[i]
	}
	for i := range dh.Deals {
		d := &dh.Deals[i]
		old, ok := was[d.ID]
		if !ok {
			c.Added = append(c.Added, Deal{ID: d.ID, File: d.File, Title: d.Title, Owner: d.Owner, Stage: d.Stage, Value: d.Value,
				OwnerName: cmp.Or(owners[d.Owner], d.Owner), StageName: cmp.Or(d.StageName, d.Stage)})
			continue
		}
		if old.Stage != d.Stage {
			m := Move{ID: d.ID, File: d.File, Title: d.Title, From: old.Stage, To: d.Stage, Value: d.Value, Reason: d.LostReason,
				FromName: cmp.Or(old.StageName, old.Stage), ToName: cmp.Or(d.StageName, d.Stage)}
			switch d.Status {
			case model.Won:
				c.Won = append(c.Won, m)
			case model.Lost:
				c.Lost = append(c.Lost, m)
			default:
				c.Moved = append(c.Moved, m)
			}
		}
		if old.Value != d.Value || old.HasValue != d.HasValue {
			c.ValueChanges = append(c.ValueChanges, ValueChange{ID: d.ID, File: d.File, Title: d.Title, Before: valueOf(old), After: valueOf(d)})
		}
	}
	before := rb.Current.Fields()
	for i, f := range rh.Current.Fields() {
		b := before[i]
		if f.Valid != b.Valid || f.Value != b.Value {
			// Amounts are in cents in the fields; the JSON has currency units,
			// as pipegen metrics does.
			unit := 1.0
			if f.Kind == metrics.Amount || f.Kind == metrics.AmountPerDay {
				unit = 100
			}
			c.Metrics = append(c.Metrics, MetricChange{Key: f.Key, Label: f.Label,
				Before: metrics.Ratio{V: b.Value / unit, Valid: b.Valid}, After: metrics.Ratio{V: f.Value / unit, Valid: f.Valid},
				fields: [2]metrics.Field{b, f}})
		}
	}
	byID := func(a, b Move) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(c.Moved, byID)
	return c
}

func totals(k metrics.KPIs) Totals {
	return Totals{OpenDeals: k.OpenDeals, OpenValue: k.OpenValue, WeightedValue: k.WeightedValue}
}

// Empty reports whether the change touches no deal.
func (c *Change) Empty() bool {
	return len(c.Added)+len(c.Moved)+len(c.Won)+len(c.Lost)+len(c.ValueChanges) == 0
}

func valueOf(d *metrics.DealRow) *model.Money {
	if !d.HasValue {
		return nil
	}
	v := d.Value
	return &v
}
