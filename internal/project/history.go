package project

import (
	"context"

	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/metrics"
)

// LastReview reads what git says of the project's deals at the last review
// of the report opt asks for (the last commit by the end of F − 1 in the
// pipeline's time zone): the history, for the pages that show it, and the
// values the movement starts from. Without usable history the second is
// nil and the first says why. The error is for git failing on a
// repository it can read; the numbers are then computed from the files.
func (p *Project) LastReview(ctx context.Context, dir string, opt metrics.Options, loader history.Options) (*history.History, *metrics.LastReview, error) {
	pl := p.Repo.Pipeline
	loader.Dir = dir
	loader.Cutoff = history.EndOfDay(metrics.ReviewDay(pl, opt), pl.Zone())
	loader.Files = make(map[string]string, len(p.Repo.Deals))
	loader.Current = make(map[string]history.Facts, len(p.Repo.Deals))
	for _, d := range p.Repo.Deals {
		loader.Files[d.ID] = d.File
		loader.Current[d.ID] = history.FactsOf(d)
	}
	h, err := history.Read(ctx, loader)
	if err != nil {
		return nil, nil, err
	}
	return h, Past(h), nil
}

// Past turns a usable history into what the metrics need of the last
// review: each deal's value and expected close in the review commit (a
// version that does not parse counts as absent) and its push count.
func Past(h *history.History) *metrics.LastReview {
	if h == nil || !h.Usable {
		return nil
	}
	past := &metrics.LastReview{At: map[string]metrics.Then{}, PushCount: map[string]int{}}
	for id, d := range h.Deals {
		if v, ok := d.At(); ok && !v.Broken {
			past.At[id] = metrics.Then{Value: v.Facts.Value, Currency: v.Facts.Currency, ExpectedClose: v.Facts.ExpectedClose}
		}
		if n := d.PushCount(); n > 0 {
			past.PushCount[id] = n
		}
	}
	return past
}
