package gen

import (
	"os"
	"testing"
)

// TestWriteForBenchmarks writes a generated repository for whole-command
// timings when PIPEGEN_GEN_DIR is set:
//
//	PIPEGEN_GEN_DIR=/tmp/g10k PIPEGEN_GEN_DEALS=10000 go test -run WriteForBenchmarks ./internal/gen
func TestWriteForBenchmarks(t *testing.T) {
	dir := os.Getenv("PIPEGEN_GEN_DIR")
	if dir == "" {
		t.Skip("set PIPEGEN_GEN_DIR (and PIPEGEN_GEN_DEALS) to write a generated repository")
	}
	n := 10000
	if s := os.Getenv("PIPEGEN_GEN_DEALS"); s != "" {
		var err error
		if n, err = atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(dir, Options{Seed: 1, Deals: n, End: BenchEnd, Months: 24}); err != nil {
		t.Fatal(err)
	}
}

func atoi(s string) (int, error) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, os.ErrInvalid
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
