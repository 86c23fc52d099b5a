package gen

import (
	"testing"

	"github.com/pipegen/pipegen/internal/model"
)

// BenchEnd is the last day of the pipelines that benchmarks measure, and
// the day they compute as of.
var BenchEnd = func() model.Date {
	end, err := model.ParseDate("2026-11-27")
	if err != nil {
		panic(err)
	}
	return end
}()

// BenchRepo writes the repository that benchmarks and whole-command
// timings measure — n deals over months months up to BenchEnd, seed 1 —
// into a temporary folder of tb, and returns the folder.
func BenchRepo(tb testing.TB, n, months int) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := Write(dir, Options{Seed: 1, Deals: n, End: BenchEnd, Months: months}); err != nil {
		tb.Fatal(err)
	}
	return dir
}
