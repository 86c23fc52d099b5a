package site

import (
	"path/filepath"
	"testing"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
)

func benchInput(b *testing.B, n int) Input {
	b.Helper()
	repo, _, err := load.Load(gen.BenchRepo(b, n, 24))
	if err != nil {
		b.Fatal(err)
	}
	return Prepare(repo, metrics.Options{AsOf: gen.BenchEnd})
}

// BenchmarkRender renders every page of a 10,000-deal site in memory.
func BenchmarkRender(b *testing.B) {
	in := benchInput(b, 10000)
	b.ResetTimer()
	for range b.N {
		if _, err := Render(in, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes a rendered 10,000-deal site to disk.
func BenchmarkWrite(b *testing.B) {
	files, err := Render(benchInput(b, 10000), Options{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "site")
	b.ResetTimer()
	for range b.N {
		if err := Write(out, files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSiteWrite renders and writes a 10,000-deal site as pipegen build
// does: on every core, streaming pages to disk.
func BenchmarkSiteWrite(b *testing.B) {
	s := New(benchInput(b, 10000), Options{})
	out := filepath.Join(b.TempDir(), "site")
	b.ResetTimer()
	for range b.N {
		if _, err := s.Write(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDealPage renders one deal page at a time, on one core: the
// page a big pipeline has most of.
func BenchmarkDealPage(b *testing.B) {
	in := benchInput(b, 1000)
	s := New(in, Options{})
	paths := make([]string, len(in.Details.Deals))
	for i, d := range in.Details.Deals {
		paths[i] = dealPath(d.ID)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, ok, err := s.File(paths[i%len(paths)]); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
