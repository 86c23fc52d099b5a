package load

import (
	"os"
	"testing"
)

// BenchmarkLoadDir loads the repository in PIPEGEN_BENCH_DIR, for profiling
// big generated pipelines:
//
//	PIPEGEN_BENCH_DIR=/path go test -run '^$' -bench LoadDir -benchtime 1x -cpuprofile cpu.out ./internal/load
func BenchmarkLoadDir(b *testing.B) {
	dir := os.Getenv("PIPEGEN_BENCH_DIR")
	if dir == "" {
		b.Skip("set PIPEGEN_BENCH_DIR")
	}
	for range b.N {
		if _, _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}
