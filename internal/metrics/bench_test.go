package metrics

import (
	"fmt"
	"testing"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/model"
)

// Benchmarks of the metrics on an already-loaded model of generated deals
// (BENCH_100K=1 adds 100,000 deals).
//
//	go test -run '^$' -bench . -benchmem ./internal/metrics
func BenchmarkCompute(b *testing.B) {
	benchSizes(b, func(repo *model.Repo, opt Options) { Compute(repo, opt) })
}

func BenchmarkComputeDetails(b *testing.B) {
	benchSizes(b, func(repo *model.Repo, opt Options) { ComputeDetails(repo, opt) })
}

func benchSizes(b *testing.B, compute func(*model.Repo, Options)) {
	for _, n := range gen.BenchSizes(10000) {
		b.Run(fmt.Sprintf("deals=%d", n), func(b *testing.B) {
			repo := generated(b, 1, n)
			opt := Options{AsOf: date(b, "2026-11-27")}
			b.ResetTimer()
			for range b.N {
				compute(repo, opt)
			}
		})
	}
}
