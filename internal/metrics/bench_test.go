package metrics

import (
	"testing"
)

// Benchmarks of the metrics on an already-loaded model of generated deals.
//
//	go test -run '^$' -bench . -benchmem ./internal/metrics
func BenchmarkCompute(b *testing.B) {
	repo := generated(b, 1, 10000)
	asOf := date(b, "2026-11-27")
	b.ResetTimer()
	for range b.N {
		Compute(repo, Options{AsOf: asOf})
	}
}

func BenchmarkComputeDetails(b *testing.B) {
	repo := generated(b, 1, 10000)
	asOf := date(b, "2026-11-27")
	b.ResetTimer()
	for range b.N {
		ComputeDetails(repo, Options{AsOf: asOf})
	}
}
