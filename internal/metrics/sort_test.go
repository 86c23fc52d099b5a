package metrics

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	gocmp "github.com/google/go-cmp/cmp"
)

// sortByDays must order exactly as one sort by days (most first) then id
// would, whether the days are dense (buckets) or sparse (one sort).
func TestSortByDays(t *testing.T) {
	type item struct {
		days int
		id   string
	}
	want := func(items []item) []item {
		out := slices.Clone(items)
		slices.SortFunc(out, func(a, b item) int {
			return cmp.Or(cmp.Compare(b.days, a.days), strings.Compare(a.id, b.id))
		})
		return out
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, span int }{
		{0, 1}, {1, 1}, {2, 1}, {50, 3}, {1000, 400}, {1000, 1}, {300, 1_000_000}, {5000, 20000}, {200, 801},
	} {
		items := make([]item, tc.n)
		for i := range items {
			items[i] = item{days: rng.IntN(tc.span) - tc.span/3, id: fmt.Sprintf("deal-%d", rng.IntN(10*tc.n+1))}
		}
		expected := want(items)
		got := sortByDays(slices.Clone(items), func(x item) int { return x.days }, func(x item) string { return x.id })
		if diff := gocmp.Diff(expected, got, cmpopts.EquateEmpty(), gocmp.AllowUnexported(item{})); diff != "" {
			t.Errorf("n=%d span=%d (-want +got):\n%s", tc.n, tc.span, diff)
		}
	}
}
